"""What Streamlit does between script runs must not undo the models the app shares or eat the server's CPU."""

from __future__ import annotations

import tomllib
from pathlib import Path

import keras
from streamlit.testing.v1 import AppTest

from tests.conftest import PHOTOS

ROOT = Path(__file__).resolve().parent.parent


def test_a_script_run_leaves_keras_and_tensorflow_state_alone(monkeypatch):
    cleared = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *args, **kwargs: cleared.append(args))
    at = AppTest.from_file("streamlit_app.py", default_timeout=120)
    at.run()
    at.switch_page("pages/photos.py").run()
    at.file_uploader[0].set_value(("portrait.jpg", (PHOTOS / "grace_hopper.jpg").read_bytes(), "image/jpeg")).run()
    assert not at.exception
    assert "1 face found" in at.success[0].value
    assert cleared == [], "Streamlit cleared the Keras session the app's shared models live in"


def test_the_server_skips_per_run_file_watching_and_full_garbage_collection():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"
    assert config["runner"]["postScriptGC"] is False
