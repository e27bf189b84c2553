"""Accept photos people upload: check type and size, decode, find faces; every failure becomes a readable reason."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .errors import FerError, InvalidImageError
from .images import IMAGE_SUFFIXES, load_image
from .recognizer import EmotionRecognizer, FaceResult

PHOTO_TYPES: tuple[str, ...] = tuple(suffix.lstrip(".") for suffix in IMAGE_SUFFIXES)
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
    except FerError as exc:
        return PhotoResult(name, error=str(exc))
    return _photo(name, data, recognizer)


def analyze_file(path: str | Path, recognizer: EmotionRecognizer) -> PhotoResult:
    """Decode and analyse one photo on disk; problems are returned in `error`, never raised."""
    return _photo(str(path), path, recognizer)


def _photo(name: str, source: bytes | str | Path, recognizer: EmotionRecognizer) -> PhotoResult:
    """Decode once, then detect and classify the decoded pixels; a FerError becomes the result's `error`."""
    try:
        rgb = load_image(source)
        return PhotoResult(name, rgb, recognizer.analyze_faces(rgb, recognizer.detector.detect(rgb)))
    except FerError as exc:
        return PhotoResult(name, error=str(exc))


def keep_faces(photo: PhotoResult, min_score: float) -> PhotoResult:
    """The same photo with only the faces the detector is at least `min_score` sure of (numbering follows)."""
    return replace(photo, faces=[f for f in photo.faces if f.detection_score >= min_score])
