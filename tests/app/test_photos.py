"""The Photos page (pages/photos.py) as Streamlit runs it: empty state, the faces table, messages people see."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import _app, _png, _texts, _upload
from tests.conftest import PHOTOS


def test_photos_starts_with_a_friendly_empty_state():
    at = _app("pages/photos.py")
    assert "Add one or more photos" in _texts(at.info)


def test_an_uploaded_photo_gets_a_faces_table_with_its_probabilities():
    at = _upload(_app("pages/photos.py"), "portrait.jpg", (PHOTOS / "grace_hopper.jpg").read_bytes())
    assert "1 face found in 1 of 1 image(s)." in _texts(at.success)
    table = at.dataframe[0].value
    assert list(table["file"]) == ["portrait.jpg"] and list(table["face"]) == [1]
    assert table.iloc[0][["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]].sum() == pytest.approx(
        1.0, abs=1e-3
    )


def test_the_photos_page_averages_twelve_views_of_each_face():
    from fer_core import EMOTIONS, EmotionRecognizer
    from pages._ui import RANGE_WORDS

    photo = (PHOTOS / "grace_hopper.jpg").read_bytes()
    table = _upload(_app("pages/photos.py"), "portrait.jpg", photo).dataframe[0].value
    page_default = EmotionRecognizer(detector_range=next(iter(RANGE_WORDS)), min_face_score=0.3)
    [single] = page_default.analyze(photo)
    [averaged] = page_default.with_tta().analyze(photo)
    shown = table.iloc[0][list(EMOTIONS)].tolist()
    assert shown == pytest.approx([averaged.probabilities[e] for e in EMOTIONS], abs=1e-3)
    assert shown != pytest.approx([single.probabilities[e] for e in EMOTIONS], abs=1e-3)


def test_a_photo_without_a_face_says_so():
    at = _upload(_app("pages/photos.py"), "wall.png", _png(np.full((200, 300, 3), 180, np.uint8)), "image/png")
    assert "No face found" in _texts(at.warning)
    assert "No faces to list yet." in _texts(at.info)


def test_an_unreadable_file_gets_a_clear_message_not_a_traceback():
    at = _upload(_app("pages/photos.py"), "broken.jpg", b"this is not really a jpeg")
    assert "We could not use this file" in _texts(at.error)
    assert "not an image we can read" in _texts(at.error)


def test_an_unsupported_file_type_is_named_in_the_message():
    at = _upload(_app("pages/photos.py"), "slides.pptx", (PHOTOS / "grace_hopper.jpg").read_bytes(), "application/zip")
    assert ".pptx files are not supported" in _texts(at.error)


def test_the_explanation_toggle_adds_a_heatmap_to_every_face_card():
    at = _upload(_app("pages/photos.py"), "portrait.jpg", (PHOTOS / "grace_hopper.jpg").read_bytes())
    assert "What the model looked at" not in _captions(at)
    next(t for t in at.toggle if t.label == "Show what the model looked at").set_value(True).run()
    assert not at.exception
    assert _captions(at).count("What the model looked at") == 1


def _captions(at: AppTest) -> list[str]:
    return [caption for image in at.get("image") for caption in image.captions]
