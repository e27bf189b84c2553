"""Training faces made to look like real photos (fer_core.training.photo_look): only the share asked, in range, and
edge streaks as crops past a photo's edge have."""

from __future__ import annotations

import numpy as np

from fer_core.training.photo_look import edge_streaks, photo_look


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


def test_an_edge_streak_repeats_the_pixels_just_inside_one_side_outwards():
    faces = _faces().astype(np.float32)
    streaked = edge_streaks(faces.copy(), 1.0, np.random.default_rng(3))
    for before, after in zip(faces, streaked, strict=True):
        sides = []
        for turns in range(4):
            a, b = np.rot90(after, turns), np.rot90(before, turns)
            changed = np.flatnonzero((a != b).any(axis=0))
            if changed.size and changed.min() == 0 and changed.max() < 10:
                depth = changed.max() + 1
                sides.append(bool((a[:, :depth] == a[:, depth : depth + 1]).all()))
        assert sides == [True], "exactly one side changed, and it repeats the column inside it"


def test_no_streak_share_leaves_faces_and_randomness_alone():
    faces, rng = _faces().astype(np.float32), np.random.default_rng(4)
    assert np.array_equal(edge_streaks(faces.copy(), 0.0, rng), faces)
    assert rng.random() == np.random.default_rng(4).random(), "old recipes draw the same batches as before"
