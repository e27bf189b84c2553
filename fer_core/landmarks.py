"""The face's 468 landmarks (MediaPipe Face Mesh, bundled with mediapipe 0.10.21), to show the landmark step.

Each found face is cropped with a margin and given to Face Mesh on its own, so a small face in a group photo
gets its mesh as well as a close-up does. Created on first use; calls are serialised, so one instance can be
shared between threads.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import cv2
import numpy as np

from .detect import Box
from .images import square_crop

LANDMARK_COUNT = 468
_MARGIN = 0.35
"""Share of the box added on every side of the crop: Face Mesh needs the whole head in view."""
_CROP_SIDE = 256


class FaceMesh:
    """Landmarks of faces already found: `landmarks(rgb, boxes)` gives one (468, 2) pixel array (or None) per box."""

    def __init__(self) -> None:
        self._mesh = None
        self._lock = threading.Lock()

    def landmarks(self, rgb: np.ndarray, boxes: Sequence[Box]) -> list[np.ndarray | None]:
        """For each box, its face's 468 (x, y) points in `rgb`'s pixels, or None where Face Mesh sees no face."""
        with self._lock:
            return [self._one(rgb, box) for box in boxes]

    def close(self) -> None:
        """Release the MediaPipe graph (re-created if landmarks() is called again)."""
        with self._lock:
            if self._mesh is not None:
                self._mesh.close()
                self._mesh = None

    def _one(self, rgb: np.ndarray, box: Box) -> np.ndarray | None:
        side = round(max(box.width, box.height) * (1 + 2 * _MARGIN))
        x0 = round(box.x + box.width / 2 - side / 2)
        y0 = round(box.y + box.height / 2 - side / 2)
        crop = square_crop(rgb, x0, y0, side)
        small = cv2.resize(crop, (_CROP_SIDE, _CROP_SIDE), interpolation=cv2.INTER_AREA)
        result = self._graph().process(small)
        if not result.multi_face_landmarks:
            return None
        points = np.array([(p.x, p.y) for p in result.multi_face_landmarks[0].landmark[:LANDMARK_COUNT]])
        return points * side + (x0, y0)

    def _graph(self):  # noqa: ANN202 - mediapipe's FaceMesh solution
        if self._mesh is None:
            import mediapipe as mp

            self._mesh = mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1)
        return self._mesh


def draw_landmarks(rgb: np.ndarray, meshes: Sequence[np.ndarray | None]) -> np.ndarray:
    """A copy of `rgb` with every mesh's points drawn as small bright dots, sized to the face."""
    canvas = rgb.copy()
    for points in meshes:
        if points is None:
            continue
        span = float(np.ptp(points[:, 0]))
        radius = max(1, round(span / 150))
        for x, y in points.round().astype(int):
            cv2.circle(canvas, (int(x), int(y)), radius, (0, 255, 200), cv2.FILLED, cv2.LINE_AA)
    return canvas
