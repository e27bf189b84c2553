"""Server housekeeping (pages/_server.py): what Streamlit does between script runs must not undo the models the app
shares or eat the server's CPU."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import tomllib

import keras
from streamlit.testing.v1 import AppTest

from tests.conftest import PHOTOS, ROOT


def _photo_analysed_by_the_page() -> AppTest:
    at = AppTest.from_file("streamlit_app.py", default_timeout=120)
    at.run()
    at.switch_page("pages/photos.py").run()
    at.file_uploader[0].set_value(("portrait.jpg", (PHOTOS / "grace_hopper.jpg").read_bytes(), "image/jpeg")).run()
    assert not at.exception
    assert "1 face found" in at.success[0].value
    return at


def test_a_script_run_leaves_keras_and_tensorflow_state_alone(monkeypatch):
    cleared = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *args, **kwargs: cleared.append(args))
    _photo_analysed_by_the_page()
    assert cleared == [], "Streamlit cleared the Keras session the app's shared models live in"


def test_after_the_models_load_a_full_garbage_collection_skips_the_libraries():
    _photo_analysed_by_the_page()
    for thread in threading.enumerate():
        if thread.name == "freeze-libraries":
            thread.join(timeout=120)
    assert gc.get_freeze_count() > 100_000, "Streamlit's collection after every run would walk all of TensorFlow"


def test_the_pages_libraries_are_loaded_and_frozen_with_the_rest():
    script = """
import gc
import sys
from pages._server import _freeze_the_libraries
_freeze_the_libraries()
walked = {id(o) for o in gc.get_objects()}
for name in ("tensorflow", "mediapipe", "pandas", "plotly.graph_objects", "aiortc", "av"):
    assert id(vars(sys.modules[name])) not in walked, name + " is still walked by every collection"
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_server_does_not_watch_source_files():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"


def test_native_library_notes_stay_off_the_console_for_the_servers_life_and_everything_else_passes():
    script = """
import os
import numpy as np
from pages._server import _filter_native_noise
_filter_native_noise()
from fer_core.detect import FaceDetector
FaceDetector("auto").detect(np.zeros((64, 64, 3), np.uint8))
os.write(2, b"E0000 cuda_dnn.cc:8579] Unable to register cuDNN factory: Attempting to register factory\\n")
os.write(2, b"E0000 cuda_platform.cc:51] failed call to cuInit: INTERNAL: CUDA error\\n")
os.write(2, b"F0000 something native really went wrong\\n")
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "something native really went wrong" in done.stderr, "a line written just before exit was lost"
    assert "inference_feedback_manager" not in done.stderr, "MediaPipe's note on making a graph reached the console"
    assert "cuDNN" not in done.stderr and "cuInit" not in done.stderr
