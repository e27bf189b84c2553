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
    percentages = table.iloc[0][["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]]
    assert percentages.sum() == pytest.approx(100, abs=3.5) and (percentages == percentages.round()).all()
    [face] = next(iter(at.session_state["photo_results"].values())).faces
    assert table.iloc[0]["answer"] == face.label, "the table words each face as its card does"


def test_the_photos_page_averages_twelve_views_of_each_face():
    from fer_core import EMOTIONS, EmotionRecognizer
    from pages._ui import RANGE_WORDS

    photo = (PHOTOS / "grace_hopper.jpg").read_bytes()
    at = _upload(_app("pages/photos.py"), "portrait.jpg", photo)
    page_default = EmotionRecognizer(detector_range=next(iter(RANGE_WORDS)), min_face_score=0.3)
    [single] = page_default.analyze(photo)
    [averaged] = page_default.with_tta().analyze(photo)
    [shown_face] = next(iter(at.session_state["photo_results"].values())).faces
    shown = [shown_face.probabilities[e] for e in EMOTIONS]
    assert shown == pytest.approx([averaged.probabilities[e] for e in EMOTIONS], abs=1e-3)
    assert shown != pytest.approx([single.probabilities[e] for e in EMOTIONS], abs=1e-3)


def test_a_photo_without_a_face_says_so():
    at = _upload(_app("pages/photos.py"), "wall.png", _png(np.full((200, 300, 3), 180, np.uint8)), "image/png")
    assert "No face found" in _texts(at.warning)
    assert "No faces to list yet." in _texts(at.info)


def test_an_unreadable_file_gets_a_clear_message_not_a_traceback():
    at = _upload(_app("pages/photos.py"), "broken.jpg", b"this is not really a jpeg")
    assert "We could not use broken.jpg" in _texts(at.error)
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


def test_the_example_photos_are_analysed_with_one_switch_and_every_face_shows_at_a_glance():
    at = _app("pages/photos.py")
    next(t for t in at.toggle if t.label == "Use the example photos").set_value(True).run()
    assert not at.exception
    assert "found in 8 of 8 image(s)" in _texts(at.success)
    faces = sum(len(photo.faces) for photo in at.session_state["photo_results"].values())
    assert "Every face at a glance" in [h.value for h in at.subheader]
    galleries = [image.captions for image in at.get("image") if len(image.captions) == faces]
    assert len(galleries) == 1 and all(" · " in caption for caption in galleries[0])


def test_the_overview_shows_only_the_emotions_picked():
    at = _app("pages/photos.py")
    next(t for t in at.toggle if t.label == "Use the example photos").set_value(True).run()
    results = at.session_state["photo_results"].values()
    happy = sum(face.emotion == "happy" for photo in results for face in photo.faces)
    at.pills(key="overview_emotions").set_value(["happy"]).run()
    assert not at.exception
    captions = [caption for image in at.get("image") for caption in image.captions if " · " in caption]
    assert len(captions) == happy > 0
    assert all(caption.startswith("happy") for caption in captions)


def test_the_landmarks_switch_redraws_the_photo_with_the_face_mesh():
    at = _upload(_app("pages/photos.py"), "group.jpg", (PHOTOS / "group_meeting.jpg").read_bytes())
    before = [image.proto.imgs[0].url for image in at.get("image")]
    next(t for t in at.toggle if t.label == "Show face landmarks").set_value(True).run()
    assert not at.exception
    after = [image.proto.imgs[0].url for image in at.get("image")]
    assert sum(a != b for a, b in zip(after, before, strict=True)) == 1, "only the annotated photo is redrawn"
