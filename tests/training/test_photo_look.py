"""Training faces made to look like real photos (fer_core.training.photo_look): only the share asked, in range."""

from __future__ import annotations

import numpy as np

from fer_core.training.photo_look import photo_look


def _faces() -> np.ndarray:
    return np.random.default_rng(0).integers(40, 216, (200, 48, 48)).astype(np.uint8)


def test_no_share_leaves_every_face_as_it_was():
    faces = _faces()
    assert np.array_equal(photo_look(faces, 0.0, np.random.default_rng(1)), faces.astype(np.float32))


def test_about_the_share_asked_is_changed_and_pixels_stay_in_range():
    faces = _faces()
    looked = photo_look(faces, 0.3, np.random.default_rng(1))
    changed = np.abs(looked - faces).reshape(len(faces), -1).max(axis=1) > 0
    assert 0.2 < changed.mean() < 0.4
    assert looked.min() >= 0 and looked.max() <= 255 and looked.dtype == np.float32
    assert np.array_equal(faces, _faces()), "the input is untouched"


def test_changed_faces_are_darker_on_average_as_real_photos_tend_to_be():
    faces = _faces()
    looked = photo_look(faces, 1.0, np.random.default_rng(2))
    assert looked.mean() < faces.mean()
