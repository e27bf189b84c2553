"""Find faces with MediaPipe's BlazeFace (bundled with mediapipe 0.10.21, so it works offline).

Three ranges: "near" runs the short-range model once (webcam: faces within ~2 m); "far" runs the full-range
model on the whole image and on overlapping tiles, so even tiny faces in big group photos are found; "auto" runs
the short-range model and the full-range one on the whole image: the faces a person sees, near or far, quickly.

The two models draw different boxes and eye positions for the same face, and the emotion depends on the crop. So
a face that is small in the frame, where they differ most, is looked at again in a crop around it, at the size
the short-range model is made for: whichever search found it, it gets (nearly) the same box and keypoints.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal, get_args

import cv2
import numpy as np

from .images import square_crop

DetectorRange = Literal["near", "far", "auto"]
DETECTOR_RANGES: tuple[DetectorRange, ...] = get_args(DetectorRange)
"""The detector ranges, in the order settings list them."""

KEYPOINT_NAMES = ("right_eye", "left_eye", "nose", "mouth", "right_ear", "left_ear")
"""BlazeFace's six keypoints in its order; right/left are the person's, so right_eye is on the image's left."""

_NEAR_SIDE = 640
"""The short-range model gives poor boxes on big images: they are shrunk to this longest side first."""

_FAR_SIDE = 960
"""The full-range model sees a 192-pixel square, so bigger images are first shrunk to this longest side: the
same faces, without handing MediaPipe megabytes it throws away."""

_TILE_MIN_SIDE = 800
"""Images whose longest side is at least this are also searched tile by tile for small faces."""

_REFINE_BELOW = 0.3
"""Faces smaller than this share of the image's shorter side are looked at again in a crop (see the docstring)."""

_REFINE_SIDE = 192
"""Side in pixels of that crop, twice the face's size, as the short-range model sees it."""


@dataclass(frozen=True)
class Box:
    """A face's bounding box in pixels of the analysed image."""

    x: int
    y: int
    width: int
    height: int

    def area(self) -> int:
        """Pixels inside the box."""
        return self.width * self.height

    def overlap(self, other: Box, over: Literal["union", "smaller"] = "union") -> float:
        """Shared area as a share of both boxes' union (IoU: 1 only for the same box; what tracking matches on)
        or of the smaller box (1 when one holds the other; what finds one face detected twice)."""
        w = min(self.x + self.width, other.x + other.width) - max(self.x, other.x)
        h = min(self.y + self.height, other.y + other.height) - max(self.y, other.y)
        if w <= 0 or h <= 0:
            return 0.0
        shared = w * h
        if over == "smaller":
            return shared / min(self.area(), other.area())
        return shared / (self.area() + other.area() - shared)


@dataclass(frozen=True)
class Face:
    """One detected face: box, detection score (0-1) and keypoints as name -> (x, y) pixels."""

    box: Box
    score: float
    keypoints: dict[str, tuple[float, float]]


class FaceDetector:
    """MediaPipe face detection, created on first use; safe to share between threads (calls are serialised)."""

    def __init__(self, detector_range: DetectorRange = "auto", min_score: float = 0.5) -> None:
        if detector_range not in DETECTOR_RANGES:
            raise ValueError(f"detector_range must be one of {DETECTOR_RANGES}, not {detector_range!r}")
        self.detector_range = detector_range
        self.min_score = min_score
        self._models: dict[int, object] = {}
        self._lock = threading.Lock()

    def detect(self, rgb: np.ndarray) -> list[Face]:
        """All faces in an RGB uint8 image, largest first."""
        rgb = np.ascontiguousarray(rgb)
        with self._lock:
            faces = []
            if self.detector_range in ("near", "auto"):
                faces += self._run_scaled(rgb, model=0, max_side=_NEAR_SIDE)
            if self.detector_range in ("far", "auto"):
                faces += self._run_scaled(rgb, model=1, max_side=_FAR_SIDE)
            if self.detector_range == "far":
                faces += self._run_tiles(rgb)
            faces = [self._refined(rgb, face) for face in _suppress_overlaps(faces)]
        return sorted(_suppress_overlaps(faces), key=lambda f: f.box.area(), reverse=True)

    def close(self) -> None:
        """Release the MediaPipe graphs (they are re-created if detect() is called again)."""
        with self._lock:
            for model in self._models.values():
                model.close()
            self._models.clear()

    def _model(self, selection: int):
        if selection not in self._models:
            import mediapipe as mp

            self._models[selection] = mp.solutions.face_detection.FaceDetection(
                model_selection=selection, min_detection_confidence=self.min_score
            )
        return self._models[selection]

    def _run_scaled(self, rgb: np.ndarray, model: int, max_side: int | None) -> list[Face]:
        height, width = rgb.shape[:2]
        scale = 1.0
        if max_side and max(height, width) > max_side:
            scale = max_side / max(height, width)
            rgb = cv2.resize(rgb, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
        return [_rescale(f, 1 / scale, 0, 0) for f in self._run(rgb, model, keep_edges=True)]

    def _run_tiles(self, rgb: np.ndarray) -> list[Face]:
        """Overlapping tiles (2x2, plus 3x3 for big images) so a small face fills more of the model's input."""
        height, width = rgb.shape[:2]
        faces = []
        grids = [n for n in (2, 3) if max(height, width) >= _TILE_MIN_SIDE * (n - 1)]
        for n in grids:
            tile_h, tile_w = int(height / n * 1.5), int(width / n * 1.5)
            for row in range(n):
                for col in range(n):
                    y = round(row * (height - tile_h) / (n - 1))
                    x = round(col * (width - tile_w) / (n - 1))
                    tile = np.ascontiguousarray(rgb[y : y + tile_h, x : x + tile_w])
                    faces += [_rescale(f, 1.0, x, y) for f in self._run(tile, 1, keep_edges=False)]
        return faces

    def _refined(self, rgb: np.ndarray, face: Face) -> Face:
        """A face small in the frame, detected again by the short-range model in a square crop twice its size, on
        a coarse grid so that nearby first guesses share one crop. A big face, or one the second look misses,
        stays as it was. (One look: more rounds cost a detector call each and agreed no better across ranges.)"""
        box = face.box
        if max(box.width, box.height) >= _REFINE_BELOW * min(rgb.shape[:2]):
            return face
        step = max(4, max(box.width, box.height) // 12)
        half = round(max(box.width, box.height) / step) * step
        x0 = round((box.x + box.width / 2 - half) / step) * step
        y0 = round((box.y + box.height / 2 - half) / step) * step
        seen = self._centre_face(square_crop(rgb, x0, y0, 2 * half))
        if seen is None:
            return face
        seen = _rescale(seen, 2 * half / _REFINE_SIDE, x0, y0)
        return Face(_inside(seen.box, rgb.shape[1], rgb.shape[0]), face.score, seen.keypoints)

    def _centre_face(self, crop: np.ndarray) -> Face | None:
        """The short-range model's face nearest the centre of `crop`, in _REFINE_SIDE pixel units, or None."""
        small = cv2.resize(crop, (_REFINE_SIDE, _REFINE_SIDE), interpolation=cv2.INTER_AREA)
        found = self._run(small, 0, keep_edges=True)
        centre = _REFINE_SIDE / 2
        return min(
            found,
            key=lambda f: abs(f.box.x + f.box.width / 2 - centre) + abs(f.box.y + f.box.height / 2 - centre),
            default=None,
        )

    def _run(self, rgb: np.ndarray, model: int, keep_edges: bool) -> list[Face]:
        """Detections of one MediaPipe call in pixel units; faces cut by a tile's edge are dropped unless keep_edges."""
        result = self._model(model).process(rgb)
        height, width = rgb.shape[:2]
        faces = []
        for detection in result.detections or []:
            rel = detection.location_data.relative_bounding_box
            x0, y0 = rel.xmin * width, rel.ymin * height
            x1, y1 = x0 + rel.width * width, y0 + rel.height * height
            if not keep_edges and (x0 < 1 or y0 < 1 or x1 > width - 1 or y1 > height - 1):
                continue
            x0, y0, x1, y1 = max(0.0, x0), max(0.0, y0), min(float(width), x1), min(float(height), y1)
            if x1 - x0 < 2 or y1 - y0 < 2:
                continue
            points = detection.location_data.relative_keypoints
            keypoints = {name: (p.x * width, p.y * height) for name, p in zip(KEYPOINT_NAMES, points, strict=False)}
            faces.append(
                Face(Box(round(x0), round(y0), round(x1 - x0), round(y1 - y0)), float(detection.score[0]), keypoints)
            )
        return faces


def _inside(box: Box, width: int, height: int) -> Box:
    """The part of `box` inside a `width` x `height` image."""
    x0, y0 = max(box.x, 0), max(box.y, 0)
    x1, y1 = min(box.x + box.width, width), min(box.y + box.height, height)
    return Box(x0, y0, max(x1 - x0, 1), max(y1 - y0, 1))


def _rescale(face: Face, scale: float, dx: float, dy: float) -> Face:
    b = face.box
    box = Box(round(b.x * scale + dx), round(b.y * scale + dy), round(b.width * scale), round(b.height * scale))
    keypoints = {k: (x * scale + dx, y * scale + dy) for k, (x, y) in face.keypoints.items()}
    return Face(box, face.score, keypoints)


def _suppress_overlaps(faces: list[Face], max_overlap: float = 0.3) -> list[Face]:
    """Keep the best-scoring face among boxes that overlap (intersection over the smaller box > max_overlap)."""
    kept: list[Face] = []
    for face in sorted(faces, key=lambda f: f.score, reverse=True):
        if all(face.box.overlap(k.box, over="smaller") <= max_overlap for k in kept):
            kept.append(face)
    return kept
