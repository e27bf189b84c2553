"""Streamlit helpers the pages share: cached models, folders from the environment, and the evaluation report view.

Not a page itself: the app lists its pages explicitly with st.navigation. Importing it changes nothing server-wide
(that is pages/_server.py's job, called explicitly).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import streamlit as st

from fer_core import COLORS, EMOTIONS, EmotionRecognizer, FerError
from fer_core.explain import Explainer
from fer_core.labels import IMAGE_SIZE, ink_on
from fer_core.model_files import DEFAULT_MODEL
from pages import _charts as charts

ROOT = Path(__file__).resolve().parent.parent

RANGE_WORDS = {
    "auto": "Near or far (recommended)",
    "near": "Only close to the camera (fastest)",
    "far": "Also tiny faces in big group photos (slowest)",
}
"""How the "Where are the faces?" setting names each detector range, the default first."""


def where_are_the_faces(hint: str, default: str = "auto") -> str:
    """The "Where are the faces?" setting: returns the detector range chosen ("auto", "near" or "far")."""
    options = list(RANGE_WORDS)
    return st.radio(
        "Where are the faces?", options, index=options.index(default), format_func=RANGE_WORDS.get, help=hint
    )


def model_path() -> Path:
    """The emotion model the app analyses with: $FER_MODEL, else models/emotion.keras (calibration.json beside it)."""
    return Path(os.environ.get("FER_MODEL", DEFAULT_MODEL))


def recognizer(detector_range: str = "near") -> EmotionRecognizer:
    """One recognizer per detector range and model file, shared by every session (it is thread-safe)."""
    return _recognizer(detector_range, str(model_path()))


def explainer(detector_range: str = "near") -> Explainer:
    """Grad-CAM over the classifier of that range's shared recognizer (built once, shared by sessions)."""
    return _explainer(detector_range, str(model_path()))


@st.cache_resource(show_spinner="Loading the face and emotion models…")
def _recognizer(detector_range: str, model_file: str) -> EmotionRecognizer:
    return EmotionRecognizer(model_file, detector_range=detector_range, min_face_score=0.3)


@st.cache_resource(show_spinner="Preparing the explanations…")
def _explainer(detector_range: str, model_file: str) -> Explainer:
    return Explainer(_recognizer(detector_range, model_file).classifier)


def warmed_up(model: EmotionRecognizer) -> EmotionRecognizer:
    """Load and run the classifier once now, so the first video frame is not slow; raises ModelNotFoundError."""
    model.classifier.probabilities(np.zeros((1, IMAGE_SIZE, IMAGE_SIZE), np.uint8))
    return model


def ready_recognizer(detector_range: str, what: str, tta: bool = False) -> EmotionRecognizer:
    """The shared recognizer with its model loaded (with test-time augmentation if `tta`); when the model cannot
    be loaded, the page says why and stops.

    A failed load is not cached: every later call tries again, so putting the model file back needs no restart.
    """
    try:
        return warmed_up(recognizer(detector_range)).with_tta(tta)
    except FerError as exc:
        st.error(f"{what} is not available right now. {exc}", icon=":material/error:")
        st.stop()


def model_dir() -> Path:
    """Where training and evaluation wrote their files: $FER_MODEL_DIR, else models/."""
    return Path(os.environ.get("FER_MODEL_DIR", ROOT / "models"))


def data_dir() -> Path:
    """The FER2013 folder copy: $FER_DATA_DIR, else ../shared/data/fer2013 next to the repository."""
    return Path(os.environ.get("FER_DATA_DIR", ROOT.parent / "shared" / "data" / "fer2013"))


def max_upload_bytes() -> int:
    """The upload limit set in .streamlit/config.toml (server.maxUploadSize, in megabytes)."""
    return int(st.get_option("server.maxUploadSize")) * 1024 * 1024


def rtc_configuration() -> dict:
    """ICE servers for WebRTC: `ice_servers` in secrets, else JSON in $FER_ICE_SERVERS, else none (localhost)."""
    try:
        configured = st.secrets.get("ice_servers")
    except Exception:
        configured = None
    if configured:
        return {"iceServers": [dict(server) for server in configured]}
    servers = os.environ.get("FER_ICE_SERVERS")
    if servers:
        try:
            return {"iceServers": json.loads(servers)}
        except ValueError:
            st.warning("FER_ICE_SERVERS is not valid JSON; using no STUN/TURN server (works on this computer only).")
    return {"iceServers": []}


def emotion_legend() -> None:
    """The seven emotions as coloured chips, the same colours as every box and chart."""
    chips = " ".join(
        f'<span style="background:{COLORS[e]};color:{ink_on(COLORS[e])};'
        f'padding:2px 10px;border-radius:12px;margin-right:4px;font-size:0.9em">{e}</span>'
        for e in EMOTIONS
    )
    st.markdown(chips, unsafe_allow_html=True)


def progress_callback(bar) -> Callable[[int, int], None]:
    """A fer_core progress(done, total) callback that moves a st.progress bar, redrawing only on whole percents."""
    shown = {"percent": -1}

    def update(done: int, total: int) -> None:
        percent = int(100 * done / max(total, 1))
        if percent != shown["percent"]:
            shown["percent"] = percent
            bar.progress(percent / 100, text=f"Scored {done} of {total} images")

    return update


def show_report(metrics: dict, key: str) -> None:
    """Every chart of an evaluation report (fer_core.evaluate output): scores, per class, confusion, calibration."""
    cols = st.columns(4)
    cols[0].metric("Accuracy", f"{metrics['accuracy']:.1%}", help="Share of faces whose emotion was guessed right.")
    cols[1].metric("Macro-F1", f"{metrics['macro_f1']:.1%}", help="Average of the per-emotion F1 scores.")
    if "expected_calibration_error" in metrics:
        cols[2].metric(
            "Calibration error",
            f"{metrics['expected_calibration_error']:.1%}",
            help="How far the model's confidence is from its real accuracy (lower is better).",
        )
    cols[3].metric("Faces scored", f"{metrics.get('n_scored', 0):,}")
    _per_emotion(metrics, key)
    st.markdown("#### Which emotions get mixed up")
    view = st.segmented_control(
        "Show", ["Counts", "Share of each true emotion"], default="Counts", key=f"{key}-confusion-view"
    )
    normalized = view == "Share of each true emotion"
    st.plotly_chart(charts.confusion_heatmap(metrics["confusion_matrix"], normalized), key=f"{key}-confusion")
    _confidence(metrics, key)
    if metrics.get("no_face") or metrics.get("unreadable"):
        with st.expander(
            f"Skipped: {metrics.get('n_no_face', 0)} without a face, {metrics.get('n_unreadable', 0)} unreadable"
        ):
            for name in metrics.get("no_face", []):
                st.write(f"No face found: {name}")
            for item in metrics.get("unreadable", []):
                st.write(f"Unreadable: {item['file']} ({item['reason']})")


def _per_emotion(metrics: dict, key: str) -> None:
    st.markdown("#### How well each emotion is recognised")
    st.caption("Precision: when it says *happy*, how often it is right. Recall: how many happy faces it finds.")
    per_class = metrics["per_class"]
    table = [
        {"emotion": e, **{m: per_class[e][m] for m in ("precision", "recall", "f1")}, "faces": per_class[e]["support"]}
        for e in EMOTIONS
    ]
    left, right = st.columns([2, 3])
    left.dataframe(
        table,
        hide_index=True,
        column_config={
            m: st.column_config.NumberColumn(m.capitalize(), format="percent") for m in ("precision", "recall")
        }
        | {"f1": st.column_config.NumberColumn("F1", format="percent")},
    )
    right.plotly_chart(charts.per_class_scores(per_class), key=f"{key}-per-class")


def _confidence(metrics: dict, key: str) -> None:
    if metrics.get("reliability_bins"):
        st.markdown("#### Can its confidence be trusted?")
        st.caption(
            "Each bar groups faces the model was about equally sure of and shows how often it was right. "
            "Closer to the dashed line is better."
        )
        st.plotly_chart(
            charts.reliability_diagram(metrics["reliability_bins"], metrics["expected_calibration_error"]),
            key=f"{key}-reliability",
        )
    uncertain = metrics.get("uncertain") or {}
    if uncertain.get("uncertain_share"):
        st.markdown("#### When is it unsure?")
        certain = uncertain["accuracy_when_certain"]
        st.caption(
            f"For {uncertain['uncertain_share']:.0%} of these faces the top two emotions were too close to call, "
            "so the app names both (for example *neutral or sad?*)"
            + (f"; when it names one emotion, it is right {certain:.0%} of the time." if certain is not None else ".")
        )
