"""Face landmarks (fer_core.landmarks): 468 points per found face, inside that face, drawn on a copy."""

from __future__ import annotations

import numpy as np

from fer_core import FaceDetector, load_image
from fer_core.landmarks import LANDMARK_COUNT, FaceMesh, draw_landmarks


def _inside_share(points: np.ndarray, box, margin: float = 0.15) -> float:
    dx, dy = box.width * margin, box.height * margin
    inside = (
        (points[:, 0] >= box.x - dx)
        & (points[:, 0] <= box.x + box.width + dx)
        & (points[:, 1] >= box.y - dy)
        & (points[:, 1] <= box.y + box.height + dy)
    )
    return float(inside.mean())


def test_every_face_of_the_group_photo_gets_468_points_inside_it(group_photo):
    rgb = load_image(group_photo)
    faces = FaceDetector().detect(rgb)
    meshes = FaceMesh().landmarks(rgb, [f.box for f in faces])
    found = [(face, mesh) for face, mesh in zip(faces, meshes, strict=True) if mesh is not None]
    assert len(found) >= 4
    for face, mesh in found:
        assert mesh.shape == (LANDMARK_COUNT, 2)
        assert _inside_share(mesh, face.box) > 0.95


def test_landmarks_are_drawn_on_a_copy_and_only_where_the_points_are(portrait):
    rgb = load_image(portrait)
    [face] = FaceDetector().detect(rgb)
    [mesh] = FaceMesh().landmarks(rgb, [face.box])
    drawn = draw_landmarks(rgb, [mesh])
    changed = np.argwhere(np.any(drawn != rgb, axis=2))
    assert len(changed) > LANDMARK_COUNT
    assert _inside_share(changed[:, ::-1].astype(float), face.box) > 0.95
    assert not np.array_equal(drawn, rgb) and np.array_equal(load_image(portrait), rgb)


def test_a_box_without_a_face_gets_no_landmarks():
    from fer_core.detect import Box

    blank = np.full((300, 300, 3), 128, np.uint8)
    assert FaceMesh().landmarks(blank, [Box(50, 50, 100, 100)]) == [None]
