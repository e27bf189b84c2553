"""Accept photos people upload: check type and size, decode, find faces; every failure becomes a readable reason."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .errors import FerError, InvalidImageError
from .images import load_image
from .recognizer import EmotionRecognizer, FaceResult

PHOTO_TYPES: tuple[str, ...] = ("jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff", "gif")
"""File extensions the Photos page accepts (lower case, no dot)."""


@dataclass(frozen=True)
class PhotoResult:
    """One uploaded photo: its name, the decoded RGB image and its faces, or the reason it could not be read."""

    name: str
    rgb: np.ndarray | None = field(default=None, repr=False)
    faces: list[FaceResult] = field(default_factory=list)
    error: str | None = None


def check_upload(name: str, size: int, max_bytes: int) -> None:
    """Raise InvalidImageError when a file has an unsupported extension or is larger than `max_bytes`."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in PHOTO_TYPES:
        shown = f".{suffix}" if suffix else "no extension"
        raise InvalidImageError(
            f"{shown} files are not supported; please upload JPEG, PNG, WebP, BMP, TIFF or GIF photos."
        )
    if size > max_bytes:
        raise InvalidImageError(f"The file is too large ({size / 1e6:.1f} MB); the limit is {max_bytes / 1e6:.0f} MB.")


def analyze_photo(name: str, data: bytes, recognizer: EmotionRecognizer, max_bytes: int) -> PhotoResult:
    """Check, decode and analyse one uploaded file; problems are returned in `error`, never raised."""
    try:
        check_upload(name, len(data), max_bytes)
        rgb = load_image(data)
        return PhotoResult(name, rgb, recognizer.analyze(rgb))
    except FerError as exc:
        return PhotoResult(name, error=str(exc))


def keep_faces(photo: PhotoResult, min_score: float) -> PhotoResult:
    """The same photo with only the faces the detector is at least `min_score` sure of (numbering follows)."""
    return replace(photo, faces=[f for f in photo.faces if f.detection_score >= min_score])
