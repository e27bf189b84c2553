"""The Live page (pages/live.py) as Streamlit runs it, before any stream starts."""

from __future__ import annotations

from types import SimpleNamespace
from unittest import mock

from tests.app.pages import _app, _texts


def test_live_page_invites_to_press_start_before_the_stream_runs():
    stream = SimpleNamespace(state=SimpleNamespace(playing=False))
    with mock.patch("streamlit_webrtc.webrtc_streamer", return_value=stream) as streamer:
        at = _app("pages/live.py")
    assert streamer.call_args.kwargs["rtc_configuration"] == {"iceServers": []}
    assert "Press START" in _texts(at.info)
    assert at.get("download_button")[0].proto.disabled
