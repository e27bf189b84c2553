"""Cut a face out the way FER2013 framed its faces: eyes level, same scale and position, gray 48x48.

The template is where BlazeFace finds the eyes and mouth on FER2013's own crops (medians over 1,452 train
crops): eye midpoint at (24, 19.1), mouth 18.3 px below it, eyes 17.4 px apart.
"""

from __future__ import annotations

import cv2
import numpy as np

from .detect import Face
from .images import to_gray
from .labels import IMAGE_SIZE

TEMPLATE_EYE_CENTER = (24.0, 19.1)
TEMPLATE_EYE_DISTANCE = 17.4
TEMPLATE_EYE_TO_MOUTH = 18.3


def face_transform(face: Face) -> np.ndarray:
    """The 2x3 similarity transform taking image pixels to the 48x48 crop: eyes level and template-placed.

    Scale comes from whichever of the eye distance or eye-to-mouth distance is less foreshortened,
    so turned (yaw) and tilted (pitch) heads keep a sensible size.
    """
    right_eye = np.array(face.keypoints["right_eye"])
    left_eye = np.array(face.keypoints["left_eye"])
    mouth = np.array(face.keypoints["mouth"])
    eye_center = (right_eye + left_eye) / 2
    eye_vector = left_eye - right_eye
    angle = np.arctan2(eye_vector[1], eye_vector[0])
    size = max(
        np.linalg.norm(eye_vector) / TEMPLATE_EYE_DISTANCE, np.linalg.norm(mouth - eye_center) / TEMPLATE_EYE_TO_MOUTH
    )
    size = max(size, 1e-6)
    cos, sin = np.cos(-angle) / size, np.sin(-angle) / size
    rotation = np.array([[cos, -sin], [sin, cos]])
    offset = np.array(TEMPLATE_EYE_CENTER) - rotation @ eye_center
    return np.hstack([rotation, offset[:, None]])


def align_face(rgb: np.ndarray, face: Face) -> np.ndarray:
    """The face as a 48x48 gray uint8 crop framed like FER2013 (border pixels replicated past the image edge).

    Only the part of the image the crop reads from is turned gray (and a big face averaged down, see _shrunk),
    not the whole photo: a fraction of the work on a big photo with many faces.
    """
    matrix = face_transform(face)
    x0, y0, x1, y1 = _source_region(matrix, rgb.shape[1], rgb.shape[0])
    part = rgb[y0:y1, x0:x1]
    gray = part if part.ndim == 2 else to_gray(part)
    shifted = matrix.copy()
    shifted[:, 2] += matrix[:, :2] @ np.array([x0, y0], float)
    gray, shifted = _shrunk(gray, shifted)
    return cv2.warpAffine(
        gray, shifted, (IMAGE_SIZE, IMAGE_SIZE), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def _shrunk(gray: np.ndarray, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The region averaged down (INTER_AREA) to twice the crop's scale, and the transform adjusted to match.

    warpAffine only interpolates between neighbours (it ignores INTER_AREA): taking a big face straight to 48x48
    reads one pixel in every few, so the crop aliases and changes with a one-pixel move of the face. Averaging to
    the crop's own scale measured softer than FER2013's faces and worse on real photos; twice it, as good or better
    (docs/model.md).
    """
    scale = 2 * np.sqrt(abs(matrix[0, 0] * matrix[1, 1] - matrix[0, 1] * matrix[1, 0]))
    height, width = gray.shape
    if scale >= 1 or min(height, width) < 2:
        return gray, matrix
    small_w, small_h = max(round(width * scale), 1), max(round(height * scale), 1)
    fx, fy = small_w / width, small_h / height
    small = cv2.resize(gray, (small_w, small_h), interpolation=cv2.INTER_AREA)
    # A pixel centre x of the region lands on (x + 0.5) * fx - 0.5 in the smaller one. Written out rather than
    # with np.linalg, whose BLAS threads spin for milliseconds after each tiny call (Live's CPU per frame doubled).
    adjusted = matrix / np.array([fx, fy, 1.0])
    adjusted[:, 2] -= adjusted[:, 0] * (0.5 * fx - 0.5) + adjusted[:, 1] * (0.5 * fy - 0.5)
    return small, adjusted


def _source_region(matrix: np.ndarray, width: int, height: int, margin: int = 2) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the image pixels the 48x48 crop samples, with `margin` for interpolation's neighbours,
    clipped to the image (the whole image if the crop lies entirely outside it)."""
    inverse = cv2.invertAffineTransform(matrix)
    corners = np.array([[0, 0, 1], [IMAGE_SIZE, 0, 1], [0, IMAGE_SIZE, 1], [IMAGE_SIZE, IMAGE_SIZE, 1]], float)
    points = corners @ inverse.T
    x0, y0 = np.floor(points.min(axis=0)).astype(int) - margin
    x1, y1 = np.ceil(points.max(axis=0)).astype(int) + margin
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
    if x1 <= x0 or y1 <= y0:
        return 0, 0, width, height
    return int(x0), int(y0), int(x1), int(y1)
