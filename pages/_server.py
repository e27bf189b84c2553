"""Server-wide set-up of the app, done once per server process: logging, Streamlit's housekeeping, navigation.

streamlit_app.py calls `set_up_server()` first thing, and so does every page (a visitor's first request can run a
page without the entry script, see `_use_navigation`); every call after the first is free.
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import re
import sys
import threading

import streamlit as st

_done = threading.Lock()


def set_up_server() -> None:
    """Apply the server-wide settings, the first time it is called in this server process."""
    if _done.acquire(blocking=False):
        _quiet_the_libraries()
        _filter_native_noise()
        _log_to_console()
        _keep_keras_between_runs()
        threading.Thread(target=_freeze_the_libraries, name="freeze-libraries", daemon=True).start()
        _use_navigation()


def _quiet_the_libraries() -> None:
    """Keep the native libraries' start-up noise off the console, before they load: TensorFlow looking for a GPU
    ("failed call to cuInit", "Unable to register cuDNN factory") and MediaPipe's graph notes are not problems on a
    CPU-only machine and alarm whoever runs the app. Our own warnings and errors still print (see _log_to_console);
    a variable set before the start wins."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")


def _log_to_console() -> None:
    """Send fer_core's INFO lines (e.g. the live stream's per-second summary) to the server's console."""
    logger = logging.getLogger("fer_core")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _keep_keras_between_runs() -> None:
    """Stop Streamlit from calling keras.backend.clear_session() at the end of every script run.

    Streamlit 1.60 does that (script_runner._clean_problem_modules) for apps that build a model in each run. This
    app builds its models once and shares them between all sessions and the Live callbacks, so the clearing only
    hurts: it swaps Keras' per-thread state and empties TensorFlow's kernel cache under the feet of other sessions
    still analysing, and its full garbage collection took most of the server's CPU (a Live page reruns every
    second). Nothing here uses matplotlib, the other module Streamlit cleans.
    """
    from streamlit.runtime.scriptrunner import script_runner

    if hasattr(script_runner, "_clean_problem_modules"):
        script_runner._clean_problem_modules = lambda: None


def _freeze_the_libraries() -> None:
    """Import the heavy libraries in the background, then put every object alive out of the garbage collector's way.

    Streamlit runs a full garbage collection after every script run (and a Live page reruns every second). With
    TensorFlow, Keras and MediaPipe loaded, each one walked ~475,000 objects that live as long as the server does:
    ~250 ms of CPU; the pages' own libraries (pandas, Plotly, and aiortc and PyAV under streamlit-webrtc) add
    ~68,000 more, ~35 ms a collection. gc.freeze() moves them to a generation no collection visits, so memory is
    still collected after every run, at little cost. Importing here also spares the first visitor the load time.
    (streamlit-webrtc itself is left to its page: imported here, its component never showed on the Live page.)
    """
    import aiortc  # noqa: F401
    import av  # noqa: F401
    import keras  # noqa: F401
    import mediapipe  # noqa: F401
    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401
    import tensorflow  # noqa: F401

    gc.freeze()


_NATIVE_NOISE = re.compile(
    r"absl::InitializeLog|Unable to register cu(DNN|BLAS|FFT) factory|computation_placer|cuda_(dnn|blas|fft)\.cc"
    r"|cudart_stub|cpu_feature_guard|rebuild TensorFlow with|XNNPACK delegate|inference_feedback_manager"
    r"|landmark_projection_calculator|failed call to cuInit"
)
"""Lines the native libraries write straight to the console that describe no problem on a CPU-only machine."""


def _filter_native_noise() -> None:
    """Pass what C++ code writes to the process's stderr (file descriptor 2, which Python's logging cannot reach)
    through a filter for the server's whole life: every line but the known noise reaches the console.

    MediaPipe writes its notes each time a graph is made (a detector range or the face mesh, first used whenever a
    visitor needs it), so filtering only the libraries' import is not enough. At exit, the lines still in the pipe
    are passed on before the process ends.
    """
    sys.stderr.flush()
    console = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)
    pipe = os.fstat(2).st_ino
    forwarder = threading.Thread(target=_pass_on, args=(read_end, console), name="stderr-filter", daemon=True)
    forwarder.start()

    def drain() -> None:
        if os.fstat(2).st_ino == pipe:  # else someone (a test runner's capture) has replaced it since
            sys.stderr.flush()
            os.dup2(console, 2)
            forwarder.join(timeout=2)

    atexit.register(drain)


def _pass_on(read_end: int, console: int) -> None:
    """Copy lines from the pipe to the console, leaving out _NATIVE_NOISE, until every writer has closed it."""
    with os.fdopen(read_end, "rb") as lines, os.fdopen(console, "wb", buffering=0, closefd=False) as out:
        for line in lines:
            if not _NATIVE_NOISE.search(line.decode(errors="replace")):
                out.write(line)


def _use_navigation() -> None:
    """Make sure the app's own st.navigation runs, even when the server's first visitor opens a page URL directly.

    Streamlit treats an app with a pages/ folder as an old-style multipage app (every .py file in it a page,
    the helpers included) until some session runs st.navigation in streamlit_app.py; rerunning switches over.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
