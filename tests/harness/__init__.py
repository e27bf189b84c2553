"""The browser/server harness shared by the browser tests (tests/e2e) and the load and soak scripts (bench/):
`server` serves the app with `streamlit run` and reads its log, `sessions` drives many Chromium sessions at once,
`soak` measures memory over long sessions."""
