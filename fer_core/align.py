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
    """The face as a 48x48 gray uint8 crop framed like FER2013 (border pixels replicated past the image edge)."""
    matrix = face_transform(face)
    gray = rgb if rgb.ndim == 2 else to_gray(rgb)
    return cv2.warpAffine(gray, matrix, (IMAGE_SIZE, IMAGE_SIZE), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
