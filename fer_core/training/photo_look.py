"""Make FER2013 faces look like faces cut from real photos: softer focus, darker or flatter light.

Beside FER2013's crops, faces found in news and film stills (wild_dev) are upscaled from fewer pixels (softer),
more often under-exposed and lower in contrast, and nearly all run past the photo's edge, so a side of the crop
is repeated pixels (edge_streaks). Applied to training batches only, so the saved model is unchanged.
"""

from __future__ import annotations

import cv2
import numpy as np

_BLUR_SIGMA = (0.3, 0.7)
_BLUR_SHARE = 0.6
_GAMMA = (1.0, 1.4)
_BRIGHTNESS = (-35.0, 5.0)
_CONTRAST = (0.75, 1.0)
_STREAK_DEPTH = (2, 10)


def photo_look(images: np.ndarray, probability: float, rng: np.random.Generator) -> np.ndarray:
    """(N, 48, 48) uint8 faces, `probability` of them changed: some blurred, each given a random gamma,
    brightness and contrast within what real photos show. Returns float32 pixels 0-255; the input is untouched."""
    out = images.astype(np.float32)
    chosen = np.flatnonzero(rng.random(len(out)) < probability)
    for index in chosen[rng.random(len(chosen)) < _BLUR_SHARE]:
        out[index] = cv2.GaussianBlur(out[index], (0, 0), rng.uniform(*_BLUR_SIGMA))
    shape = (len(chosen), 1, 1)
    faces = out[chosen] / 255.0
    faces = faces ** rng.uniform(*_GAMMA, shape)
    means = faces.mean(axis=(1, 2), keepdims=True)
    faces = means + (faces - means) * rng.uniform(*_CONTRAST, shape)
    out[chosen] = np.clip(faces * 255.0 + rng.uniform(*_BRIGHTNESS, shape), 0, 255)
    return out


def edge_streaks(faces: np.ndarray, probability: float, rng: np.random.Generator) -> np.ndarray:
    """(N, 48, 48) float32 faces, `probability` of them with one random side, 2-10 px deep, replaced by the column
    (or row) just inside it repeated outwards: what an aligned crop that runs past a photo's edge shows (nearly all
    wild_dev crops do; FER2013's never). Changes `faces` in place and returns it; no share draws nothing."""
    if probability <= 0:
        return faces
    for index in np.flatnonzero(rng.random(len(faces)) < probability):
        turns, depth = int(rng.integers(4)), int(rng.integers(_STREAK_DEPTH[0], _STREAK_DEPTH[1] + 1))
        face = np.rot90(faces[index], turns).copy()
        face[:, :depth] = face[:, depth : depth + 1]
        faces[index] = np.rot90(face, -turns)
    return faces
