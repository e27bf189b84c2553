"""Alignment geometry: eyes levelled onto the template, a 48x48 gray crop like FER2013's."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fer_core.align import TEMPLATE_EYE_CENTER, align_face, face_transform
from fer_core.detect import Box, Face
from fer_core.images import to_gray
from tests.conftest import PHOTOS


def _tilted_face(angle_degrees: float, eye_distance: float = 40) -> Face:
    """A synthetic face: eyes `eye_distance` px apart around (100, 100), rotated by angle_degrees."""
    angle = np.radians(angle_degrees)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centre = np.array([100.0, 100.0])
    points = {"right_eye": (-20, 0), "left_eye": (20, 0), "nose": (0, 20), "mouth": (0, 42)}
    keypoints = {k: tuple(centre + rotation @ np.array(v, float) * eye_distance / 40) for k, v in points.items()}
    return Face(Box(60, 60, 80, 100), 0.9, keypoints)


@pytest.mark.parametrize("angle", [-30, -5, 0, 12, 40])
def test_alignment_levels_the_eyes_and_puts_them_on_the_template(angle):
    face = _tilted_face(angle)
    matrix = face_transform(face)
    right, left = (matrix @ np.array([*face.keypoints[k], 1.0]) for k in ("right_eye", "left_eye"))
    assert abs(right[1] - left[1]) < 1e-6
    assert right[0] < left[0]
    assert np.allclose((right + left) / 2, TEMPLATE_EYE_CENTER, atol=1e-6)


def test_aligned_crop_is_48x48_gray_and_undoes_the_tilt():
    canvas = np.full((200, 200, 3), 128, np.uint8)
    face = _tilted_face(25)
    for name in ("right_eye", "left_eye"):
        x, y = map(round, face.keypoints[name])
        canvas[y - 3 : y + 4, x - 3 : x + 4] = 0
    crop = align_face(canvas, face)
    assert crop.shape == (48, 48) and crop.dtype == np.uint8
    dark_rows = np.where(crop.min(axis=1) < 60)[0]
    assert abs(np.median(dark_rows) - TEMPLATE_EYE_CENTER[1]) <= 2


def test_real_photos_align_like_fer2013_crops(recognizer):
    """The mean aligned face of the fixture photos has its dark eye band where FER2013's eyes are (rows ~19)."""
    crops = [r.aligned for p in sorted(PHOTOS.glob("*.[jp][pn]g")) for r in recognizer.analyze(p)]
    assert len(crops) >= 8
    mean = np.mean(crops, axis=0)
    assert all(c.shape == (48, 48) for c in crops)
    assert abs(int(np.argmin(mean[10:30, 12:36].mean(axis=1))) + 10 - TEMPLATE_EYE_CENTER[1]) <= 4


@pytest.mark.parametrize("centre", [(100, 100), (12, 15), (190, 185), (-10, 100)])
def test_aligning_from_the_face_region_gives_the_same_crop_as_from_the_whole_photo(centre):
    """Only the face's region is turned gray (fast on big photos), faces at and past the edges included. (A face
    about the crop's size, so nothing is averaged down first: see the next test.)"""
    photo = np.random.default_rng(0).integers(0, 256, (200, 220, 3), np.uint8)
    face = _tilted_face(17, eye_distance=20)
    shift = np.array(centre, float) - 100
    face = Face(face.box, face.score, {k: tuple(np.array(v) + shift) for k, v in face.keypoints.items()})
    whole = cv2.warpAffine(
        to_gray(photo), face_transform(face), (48, 48), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    assert np.array_equal(align_face(photo, face), whole)


def test_a_big_face_is_averaged_into_the_crop_not_sampled_so_fine_detail_cannot_alias():
    """Stripes 2 px wide on a face 160 px between the eyes are far finer than the crop's pixels: averaged they
    are a flat gray, whereas reading one pixel here and there (what warpAffine alone does) gives a moire."""
    stripes = np.where(np.arange(400) // 2 % 2, 255, 0).astype(np.uint8)
    photo = np.repeat(np.tile(stripes, (400, 1))[..., None], 3, axis=2)
    face = _tilted_face(0, eye_distance=160)
    face = Face(face.box, face.score, {k: (x + 100, y + 100) for k, (x, y) in face.keypoints.items()})
    crop = align_face(photo, face).astype(float)
    assert abs(crop.mean() - 127.5) < 10
    assert crop.std() < 40
