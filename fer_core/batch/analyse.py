"""Analyse one file of a collection into its status row and face rows, and the worker class Ray runs it in.

The same code runs in the plain one-file-at-a-time loop (`analyse_file`) and in each Ray worker (`BatchWorker`), so
a batch run gives exactly what the app and the command line give for each file. Nothing here imports Ray at the
top: it is imported only inside a worker, to learn which node the worker is on.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from ..detect import DetectorRange, FaceDetector
from ..errors import FerError
from ..labels import EMOTIONS
from ..model_files import DEFAULT_MODEL
from ..recognizer import EmotionRecognizer
from ..uploads import PHOTO_TYPES, PHOTOS, VIDEO_TYPES, VIDEOS, UploadKind, analyze_file, check_upload
from .results import FACES_SCHEMA, FILES_SCHEMA, faces_table
from .sources import MediaFile

MAX_PHOTO_BYTES = 50_000_000
"""Photos over 50 MB are refused unread, as the app refuses uploads over its 50 MB limit."""

MAX_VIDEO_BYTES = 1 << 62
"""No limit for videos on disk: they are decoded a frame at a time, so memory stays flat however long they are."""

MEDIA = UploadKind(
    PHOTO_TYPES + VIDEO_TYPES,
    FerError,
    "photo or video",
    "JPEG, PNG, WebP, BMP, TIFF or GIF photos, or MP4, MOV, WebM, MKV or AVI videos",
)
"""What a batch accepts, for the refusal of any other file ("... are not supported; please upload ...")."""

_NO_ROWS = pa.array([], pa.struct(list(FACES_SCHEMA)))


@dataclass(frozen=True)
class Outcome:
    """One file's result: its status row (FILES_SCHEMA's columns) and its face rows (FACES_SCHEMA's)."""

    status: dict
    faces: pd.DataFrame


class Recognizers:
    """The recognizer for photos and the one for videos, sharing one loaded emotion model.

    Without a range, photos use `auto` (small and large faces, as `fer_core analyze` does) and videos `near` (as
    `fer_core video` does). Models load on first use, so building this costs nothing.
    """

    def __init__(self, model: str | None = None, detector_range: DetectorRange | None = None, tta: bool = False):
        self.photos = EmotionRecognizer(model or DEFAULT_MODEL, detector_range=detector_range or "auto", tta=tta)
        self._video_range: DetectorRange = detector_range or "near"
        self._videos: EmotionRecognizer | None = None

    @property
    def videos(self) -> EmotionRecognizer:
        """The photos' recognizer with the video detector range (built on first use)."""
        if self._videos is None:
            if self._video_range == self.photos.detector.detector_range:
                self._videos = self.photos
            else:
                self._videos = self.photos.with_tta(self.photos.tta)
                self._videos.detector = FaceDetector(self._video_range, self.photos.detector.min_score)
        return self._videos


def analyse_file(media: MediaFile, recognizers: Recognizers, every: int = 1, node: str = "") -> Outcome:
    """Analyse one photo or video; anything wrong with the file becomes a "refused" status with a reason a person
    can act on (the app's own words), never an exception, so one bad file cannot stop a collection."""
    started = time.perf_counter()
    try:
        size = os.path.getsize(media.path)
    except OSError:
        return _refused(media, f"There is no file at {media.path}.", started, node)
    try:
        if media.kind == "photo":
            check_upload(media.path, size, MAX_PHOTO_BYTES, PHOTOS)
            faces, note = _photo_rows(media.path, recognizers.photos), None
        elif media.kind == "video":
            check_upload(media.path, size, MAX_VIDEO_BYTES, VIDEOS)
            faces, note = _video_rows(media.path, recognizers.videos, every)
        else:
            check_upload(media.path, size, MAX_VIDEO_BYTES, MEDIA)  # refuses it: not a photo or video suffix
            raise FerError(f"{media.path} is neither a photo nor a video.")
    except FerError as exc:
        return _refused(media, str(exc), started, node)
    except Exception as exc:  # a decoder's bug on a hostile file must not end a run of thousands
        return _refused(media, f"This file could not be analysed ({type(exc).__name__}: {exc}).", started, node)
    faces = faces.assign(file=media.path, node=node)
    status = "analysed" if len(faces) else "no face"
    return Outcome(_status(media, status, note, len(faces), started, node), faces)


def _photo_rows(path: str, recognizer: EmotionRecognizer) -> pd.DataFrame:
    """One row per face of a photo, largest first (as numbered in the app); frame, time and person stay null."""
    photo = analyze_file(path, recognizer)
    if photo.error:
        raise FerError(photo.error)
    rows = []
    for face in photo.faces:
        box = face.box
        rows.append(
            {"x": box.x, "y": box.y, "width": box.width, "height": box.height}
            | {emotion: round(face.probabilities[emotion], 4) for emotion in EMOTIONS}
            | {"emotion": face.emotion, "confidence": round(face.confidence, 4)}
            | {"uncertain": face.uncertain, "label": face.label}
        )
    return pd.DataFrame(rows)


def _video_rows(path: str, recognizer: EmotionRecognizer, every: int) -> tuple[pd.DataFrame, str | None]:
    """The video's faces table (one row per person per analysed frame, as `fer_core video` writes it) and its notes
    (a turned, variable-rate or damaged video), joined into one sentence or None."""
    from ..video import analyze_video

    analysis = analyze_video(path, recognizer, every)
    return analysis.faces, " ".join(analysis.notes()) or None


def _refused(media: MediaFile, reason: str, started: float, node: str) -> Outcome:
    return Outcome(_status(media, "refused", reason, 0, started, node), pd.DataFrame())


def _status(media: MediaFile, status: str, reason: str | None, faces: int, started: float, node: str) -> dict:
    seconds = round(time.perf_counter() - started, 3)
    return {"file": media.path, "kind": media.kind, "status": status, "reason": reason, "faces": faces} | {
        "seconds": seconds,
        "node": node,
    }


def outcomes_table(outcomes: Sequence[Outcome]) -> pa.Table:
    """Files' outcomes as one Arrow table: FILES_SCHEMA's columns plus `rows`, each file's face rows as a list, the
    shape one Ray Data block carries back to the driver (`face_rows` undoes it)."""
    files = pa.Table.from_pylist([o.status for o in outcomes], schema=FILES_SCHEMA)
    rows = [faces_table(o.faces).to_struct_array().combine_chunks() if len(o.faces) else _NO_ROWS for o in outcomes]
    offsets = pa.array(np.cumsum([0, *map(len, rows)]), pa.int32())
    flat = pa.concat_arrays(rows) if rows else _NO_ROWS
    return files.append_column("rows", pa.ListArray.from_arrays(offsets, flat))


def face_rows(outcomes: pa.Table) -> pa.Table:
    """The face rows of an `outcomes_table`, as one FACES_SCHEMA table."""
    chunks = [chunk.flatten() for chunk in outcomes.column("rows").chunks]
    return pa.Table.from_struct_array(pa.concat_arrays(chunks) if chunks else _NO_ROWS).cast(FACES_SCHEMA)


def node_name() -> str:
    """Where this code runs, for the `node` column: the Ray node's IP and the start of its id, or outside Ray the
    host name."""
    try:
        import ray

        if ray.is_initialized():
            return f"{ray.util.get_node_ip_address()}/{ray.get_runtime_context().get_node_id()[:8]}"
    except ImportError:
        pass
    return platform.node()


class BatchWorker:
    """A Ray Data callable class: one per worker process, so each builds its recognizers once and keeps the models
    loaded for every batch it is given. A batch is a table of file groups (`paths`, `kinds`: lists)."""

    def __init__(self, model: str | None, detector_range: DetectorRange | None, tta: bool, every: int) -> None:
        self.recognizers = Recognizers(model, detector_range, tta)
        self.every = every
        self.node = node_name()

    def __call__(self, batch: pa.Table) -> pa.Table:
        groups = zip(batch.column("paths").to_pylist(), batch.column("kinds").to_pylist(), strict=True)
        media = [MediaFile(path, kind) for paths, kinds in groups for path, kind in zip(paths, kinds, strict=True)]
        return outcomes_table([analyse_file(m, self.recognizers, self.every, self.node) for m in media])
