"""Accept files people upload: one check of type and size for photos and videos; decode and analyse photos.

Every failure becomes a readable reason: a FerError whose message can be shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .errors import FerError, InvalidImageError, InvalidVideoError
from .images import IMAGE_SUFFIXES, load_image
from .recognizer import EmotionRecognizer, FaceResult

PHOTO_TYPES: tuple[str, ...] = tuple(suffix.lstrip(".") for suffix in IMAGE_SUFFIXES)
"""File extensions the Photos page accepts (lower case, no dot)."""

VIDEO_TYPES: tuple[str, ...] = ("mp4", "mov", "m4v", "webm", "mkv", "avi")
"""File extensions the Video page and CLI accept (lower case, no dot)."""

SOUND_TYPES: tuple[str, ...] = ("mp3", "m4a", "wav", "aac", "ogg", "oga", "opus", "flac", "wma")
"""Extensions of sound-only files, which get their own message."""


@dataclass(frozen=True)
class UploadKind:
    """What a page accepts: its file extensions, the error it raises, and the words its refusals use."""

    types: tuple[str, ...]
    error: type[FerError]
    noun: str
    """One such file, in a sentence: "photo", "video"."""
    described: str
    """What to upload instead, in a sentence: "JPEG, PNG, ... photos"."""


PHOTOS = UploadKind(PHOTO_TYPES, InvalidImageError, "photo", "JPEG, PNG, WebP, BMP, TIFF or GIF photos")
"""Photo uploads (the Photos page)."""

VIDEOS = UploadKind(VIDEO_TYPES, InvalidVideoError, "video", "an MP4, MOV, WebM, MKV or AVI video")
"""Video uploads (the Video page)."""


@dataclass(frozen=True)
class PhotoResult:
    """One uploaded photo: its name, the decoded RGB image and its faces, or the reason it could not be read."""

    name: str
    rgb: np.ndarray | None = field(default=None, repr=False)
    faces: list[FaceResult] = field(default_factory=list)
    error: str | None = None


def check_upload(name: str, size: int, max_bytes: int, kind: UploadKind) -> None:
    """Raise `kind.error` when a file's extension is not one of `kind.types` or it is larger than `max_bytes`.

    Checked before anything is decoded, so a wrong or huge file costs nothing and gets a reason a person can act on.
    """
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in SOUND_TYPES and suffix not in kind.types:
        raise kind.error(f".{suffix} files hold sound but no picture; please upload a {kind.noun}.")
    if suffix not in kind.types:
        shown = f".{suffix} files are" if suffix else "Files with no extension are"
        raise kind.error(f"{shown} not supported; please upload {kind.described}.")
    if size > max_bytes:
        raise kind.error(f"The {kind.noun} is too large ({size / 1e6:.1f} MB); the limit is {max_bytes / 1e6:.0f} MB.")


def analyze_photo(name: str, data: bytes, recognizer: EmotionRecognizer, max_bytes: int) -> PhotoResult:
    """Check, decode and analyse one uploaded file; problems are returned in `error`, never raised."""
    try:
        check_upload(name, len(data), max_bytes, PHOTOS)
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
