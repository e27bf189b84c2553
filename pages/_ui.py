"""Streamlit helpers the pages share: cached models, folders from the environment, the emotion legend, progress.

Not a page itself: the app lists its pages explicitly with st.navigation. Importing it changes nothing server-wide
(that is pages/_server.py's job, called explicitly).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import streamlit as st

from fer_core import COLORS, EMOTIONS, EmotionRecognizer, FerError
from fer_core.explain import Explainer
from fer_core.labels import IMAGE_SIZE, ink_on
from fer_core.landmarks import FaceMesh
from fer_core.model_files import DEFAULT_MODEL

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


@st.cache_resource(show_spinner="Loading the face mesh…")
def face_mesh() -> FaceMesh:
    """The face mesh model, built once and shared by every session (it is thread-safe)."""
    return FaceMesh()


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


_FIGURE_WIDTH = 160
"""Pixels a headline figure is wide: four to a row at 1280 px, two at 800."""


def headline_figures(figures: Sequence[tuple[str, object, str | None]]) -> None:
    """Headline figures, (label, value, help) each, in a row that wraps on a narrow window rather than cutting
    labels such as "Balanced score" to "Balanced sc…"."""
    row = st.container(horizontal=True)
    for label, value, explained in figures:
        row.metric(label, value, help=explained, width=_FIGURE_WIDTH)


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
