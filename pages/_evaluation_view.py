"""The Dashboard's "Evaluate on your data" tab: score the model on labelled faces someone uploads, then show the
report, a warning when the set is too small to mean much, a gallery of the mistakes and the results as downloads."""

from __future__ import annotations

import csv
import io
import json
import tempfile

import streamlit as st

from fer_core import EMOTIONS, FerError
from fer_core.archive import extract_dataset
from fer_core.evaluate import evaluate_with_answers
from pages._report_view import show_report
from pages._ui import progress_callback, recognizer

RESULT = "your_report"
"""Session-state key of the last evaluation: its report, its mistakes and what it was made from."""

GALLERY_SIZE = 48
"""Most mistakes shown as pictures; the CSV download lists them all."""

FEW_IN_ALL, FEW_PER_EMOTION = 100, 20
"""Below these counts of faces (in all, or of an emotion present) the charts say little: the page warns."""

_MODES = {"crops": "Face crops (the face fills the image)", "photos": "Photos (we find the largest face first)"}


def evaluate_your_data() -> None:
    """The whole tab. Changing the file or the mode clears the last report, which no longer describes them."""
    st.subheader("Evaluate on your data")
    st.caption(
        "Upload a ZIP with one folder per emotion (angry, disgust, fear, happy, sad, surprise, neutral) "
        "holding face images, or a FER2013-style CSV (emotion, pixels, Usage)."
    )
    upload = st.file_uploader("Labelled faces (.zip or .csv)", type=["zip", "csv"], on_change=_forget)
    mode = st.radio(
        "What are the images?",
        list(_MODES),
        format_func=_MODES.get,
        horizontal=True,
        key="your-mode",
        on_change=_forget,
    )
    if upload is None:
        st.info("Upload a file to see the same charts for your faces.", icon=":material/upload_file:")
        return
    made_from = (upload.file_id, mode)
    if st.button("Evaluate", type="primary"):
        _evaluate(upload, mode, made_from)
    result = st.session_state.get(RESULT)
    if result and result["made_from"] == made_from:
        _show(result)


def _forget() -> None:
    st.session_state.pop(RESULT, None)


def _evaluate(upload, mode: str, made_from: tuple) -> None:
    """Unpack the upload in a temporary folder (deleted at once), score it, and keep the result in the session."""
    _forget()
    bar = st.progress(0.0, text="Unpacking…")
    try:
        with tempfile.TemporaryDirectory(prefix="fer-eval-") as temp:
            dataset = extract_dataset(upload.name, upload.getvalue(), temp)
            model = recognizer("near" if mode == "crops" else "auto")
            report, answers = evaluate_with_answers(
                dataset, model, crops=mode == "crops", progress=progress_callback(bar)
            )
    except FerError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    finally:
        bar.empty()
    mistakes = sorted((a for a in answers if a.said != a.true), key=lambda a: -a.confidence)
    st.session_state[RESULT] = {
        "made_from": made_from,
        "report": report,
        "mistakes": [{"face": a.source, "true": a.true, "said": a.said, "confidence": a.confidence} for a in mistakes],
        "pictures": [a.face for a in mistakes[:GALLERY_SIZE]],
    }


def _show(result: dict) -> None:
    report = result["report"]
    warning = too_few_faces(report)
    if warning:
        st.warning(warning, icon=":material/warning:")
    show_report(report, key="yours")
    _mistakes(result)
    st.markdown("#### Take the results with you")
    left, right = st.columns(2)
    left.download_button(
        "Download the report (JSON)",
        json.dumps(report, indent=2) + "\n",
        "evaluation-report.json",
        "application/json",
        on_click="ignore",
        icon=":material/download:",
    )
    right.download_button(
        "Download the mistakes (CSV)",
        mistakes_csv(result["mistakes"]),
        "mistakes.csv",
        "text/csv",
        on_click="ignore",
        icon=":material/download:",
    )


def too_few_faces(report: dict) -> str | None:
    """A warning in plain words when the set is too small for its charts to mean much; None when it is big enough."""
    counts = {e: report["per_class"][e]["support"] for e in EMOTIONS if report["per_class"][e]["support"]}
    thin = [f"{e} {n}" for e, n in counts.items() if n < FEW_PER_EMOTION]
    scored = report.get("n_scored", 0)
    if scored >= FEW_IN_ALL and not thin:
        return None
    problems = [f"only {scored} faces were scored"] if scored < FEW_IN_ALL else []
    if thin:
        have = f"{len(thin)} emotions have" if len(thin) > 1 else "1 emotion has"
        problems.append(f"{have} fewer than {FEW_PER_EMOTION} faces ({', '.join(thin)})")
    return (
        f"**Too few faces to judge the model:** {' and '.join(problems)}. With so few, one face more or less moves a "
        f"score by many points, so these charts mean little. For a fair picture, bring at least {FEW_IN_ALL} faces, "
        f"with {FEW_PER_EMOTION} or more of each emotion."
    )


def _mistakes(result: dict) -> None:
    st.markdown("#### Its mistakes")
    mistakes, pictures = result["mistakes"], result["pictures"]
    if not mistakes:
        st.success("No mistakes: it named every face right.", icon=":material/check_circle:")
        return
    scored = result["report"].get("n_scored", 0)
    shown = (
        f"the {len(pictures)} it was surest about are shown; the CSV download below lists them all"
        if len(mistakes) > len(pictures)
        else "those it was surest about first"
    )
    st.caption(f"It named {len(mistakes)} of {scored} faces wrong: {shown}.")
    captions = [f"true: {m['true']} · said: {m['said']}" for m in mistakes[: len(pictures)]]
    st.image(pictures, caption=captions, width=112)


def mistakes_csv(mistakes: list[dict]) -> str:
    """The mistakes as CSV: each face (its file, or its row of a CSV), its true emotion, what the model said."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["face", "true emotion", "model said", "confidence"])
    writer.writerows([m["face"], m["true"], m["said"], f"{m['confidence']:.3f}"] for m in mistakes)
    return out.getvalue()
