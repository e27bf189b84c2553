"""Turn analysed photos into what people download: a faces table (CSV), the JSON document and annotated images (ZIP)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from .annotate import annotate
from .detect import Box
from .labels import EMOTIONS
from .recognizer import FaceResult
from .uploads import PhotoResult

TABLE_COLUMNS: tuple[str, ...] = ("file", "face", "answer", "emotion", "confidence", "uncertain", *EMOTIONS)
"""Columns of the faces table, in order: one row per face, `answer` as the image and cards word it, the most
probable emotion and its probability, then all seven probabilities in EMOTIONS order."""

_EITHER = 0.10
"""A lead smaller than this over the runner-up is worded as "could be either"."""


def verdict(face: FaceResult) -> str:
    """One line for a person, worded to match the numbers: "happy, 87% sure"; for an uncertain call
    "sad or neutral? Probably sad (59%), maybe neutral (23%)" or, when even closer, "could be either"."""
    if not face.uncertain:
        return f"{face.emotion}, {face.confidence:.0%} sure"
    second = face.probabilities[face.runner_up]
    if face.confidence - second < _EITHER:
        return f"{face.label} Could be either: {face.emotion} {face.confidence:.0%}, {face.runner_up} {second:.0%}"
    return f"{face.label} Probably {face.emotion} ({face.confidence:.0%}), maybe {face.runner_up} ({second:.0%})"


def faces_table(photos: Sequence[PhotoResult]) -> pd.DataFrame:
    """One row per face of every photo (faces numbered from 1 per photo, as drawn on the image)."""
    rows = [
        {
            "file": photo.name,
            "face": number,
            "answer": face.label,
            "emotion": face.emotion,
            "confidence": round(face.confidence, 4),
            "uncertain": face.uncertain,
            **{e: round(face.probabilities[e], 4) for e in EMOTIONS},
        }
        for photo in photos
        for number, face in enumerate(photo.faces, start=1)
    ]
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def table_csv(photos: Sequence[PhotoResult]) -> bytes:
    """The faces table as UTF-8 CSV."""
    return faces_table(photos).to_csv(index=False).encode()


def analysis_document(photos: Sequence[PhotoResult], model_name: str) -> dict:
    """The `analyze --json` document (schema in docs/cli.md): every photo with its size, error and numbered faces."""
    images = [
        {
            "path": photo.name,
            "width": None if photo.rgb is None else int(photo.rgb.shape[1]),
            "height": None if photo.rgb is None else int(photo.rgb.shape[0]),
            "error": photo.error,
            "faces": [{"face": i, **face.to_dict()} for i, face in enumerate(photo.faces, start=1)],
        }
        for photo in photos
    ]
    return {"model": model_name, "emotions": list(EMOTIONS), "images": images}


def table_json(photos: Sequence[PhotoResult], model_name: str) -> bytes:
    """All photos as the `analyze --json` document, UTF-8 encoded (the Photos page's JSON download)."""
    return json.dumps(analysis_document(photos, model_name), indent=2).encode()


def png_bytes(rgb: np.ndarray) -> bytes:
    """An RGB array encoded as PNG."""
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return buffer.getvalue()


def annotated(photo: PhotoResult, show_probabilities: bool, display_width: int | None = None) -> np.ndarray:
    """The photo with numbered boxes, labels and (optionally) probability bars drawn on it, the text sized for
    `display_width` (see annotate)."""
    return annotate(photo.rgb, photo.faces, show_probabilities=show_probabilities, display_width=display_width)


def annotated_zip(photos: Sequence[PhotoResult], show_probabilities: bool) -> bytes:
    """A ZIP of every readable photo, annotated, as `<name>_annotated.png` (names made unique)."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for photo in photos:
            if photo.rgb is None:
                continue
            stem = Path(photo.name).stem or "photo"
            name, n = f"{stem}_annotated.png", 1
            while name in used:
                n += 1
                name = f"{stem}_{n}_annotated.png"
            used.add(name)
            archive.writestr(name, png_bytes(annotated(photo, show_probabilities)))
    return buffer.getvalue()


def face_crop(rgb: np.ndarray, box: Box, margin: float = 0.25, longest: int | None = None) -> np.ndarray:
    """The face's box cut out of the photo with `margin` (share of the box size) around it, for a face card; shrunk
    so its longer side is at most `longest` pixels when given, as a page needs no more than it shows."""
    height, width = rgb.shape[:2]
    dx, dy = round(box.width * margin), round(box.height * margin)
    x0, y0 = max(0, box.x - dx), max(0, box.y - dy)
    x1, y1 = min(width, box.x + box.width + dx), min(height, box.y + box.height + dy)
    crop = Image.fromarray(rgb[y0:y1, x0:x1])
    if longest is not None:
        crop.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    return np.asarray(crop).copy()
