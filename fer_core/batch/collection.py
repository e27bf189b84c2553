"""A batch RESULTS read back for people: the collection's emotion mix, per file or per folder, and each video's
people over time (the Video page's own summary), from the folder or from its files uploaded to the app.

Nothing here needs Ray: pandas and pyarrow read what a batch wrote, on any machine.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import DatasetError
from ..labels import EMOTIONS
from ..video.people import summary, timeline
from .results import FACES_SCHEMA, FILES, FILES_SCHEMA, STATUSES, ResultsFolder

_MOST_MEMBERS = 20_000
"""A RESULTS ZIP with more entries than this is refused rather than unpacked."""

_MOST_UNPACKED = 2 * 1024**3
"""Nor one that would unpack to more bytes than this."""


@dataclass(frozen=True)
class Collection:
    """What a batch found: `faces` (FACES_SCHEMA, one row per face) and `files` (FILES_SCHEMA, one per file)."""

    faces: pd.DataFrame
    files: pd.DataFrame

    def status_counts(self) -> dict[str, int]:
        """Files per status, in STATUSES order: analysed, no face, refused."""
        counts = self.files["status"].value_counts()
        return {status: int(counts.get(status, 0)) for status in STATUSES}

    def mix(self, by: Literal["all", "file", "folder"] = "all") -> pd.DataFrame:
        """Share of faces in each emotion (columns EMOTIONS, rows summing to 1) and `faces`, the row count, per
        group, largest group first. Every face counts once, so a video counts for each analysed frame."""
        if by == "all":
            groups = pd.Series("all", index=self.faces.index)
        elif by == "file":
            groups = self.faces["file"]
        elif by == "folder":
            groups = self.faces["file"].map(_folder)
        else:
            raise ValueError(f"by must be 'all', 'file' or 'folder', not {by!r}")
        counts = pd.crosstab(groups.rename(by), self.faces["emotion"]).reindex(columns=list(EMOTIONS), fill_value=0)
        table = counts.div(counts.sum(axis=1), axis=0)
        table.insert(0, "faces", counts.sum(axis=1))
        table.columns.name = None
        return table.sort_values("faces", ascending=False, kind="stable")

    def videos(self) -> list[str]:
        """The files with rows from video frames, in the order the batch listed them."""
        return list(dict.fromkeys(self.faces.loc[self.faces["time"].notna(), "file"]))

    def people(self, video: str) -> pd.DataFrame:
        """One video's people as the Video page sums them up (fer_core.video.people.summary)."""
        rows = self._video_rows(video)
        return summary(rows, _step(rows))

    def timeline(self, video: str, person: int) -> tuple[list[float], dict[str, list[float]]]:
        """One person's probabilities over one video's time, as the Video page draws them."""
        return timeline(self._video_rows(video), person)

    def refused(self) -> pd.DataFrame:
        """The files that were not analysed, with the reason given for each."""
        return self.files.loc[self.files["status"] == "refused", ["file", "kind", "reason"]].reset_index(drop=True)

    def _video_rows(self, video: str) -> pd.DataFrame:
        rows = self.faces[(self.faces["file"] == video) & self.faces["time"].notna()]
        return rows.astype({"person": int}).sort_values(["person", "time"], kind="stable")


def open_results(folder: str | Path) -> Collection:
    """The RESULTS folder a batch wrote (its Parquet tables), or a DatasetError saying what is missing."""
    folder = Path(folder).expanduser()
    if not (folder / FILES).is_dir():
        raise DatasetError(
            f"{folder} is not a batch results folder: it has no {FILES} inside. Choose the folder given to "
            "--out when the batch ran."
        )
    results = ResultsFolder(folder)
    return _checked(results.faces(), results.files())


def read_uploaded(uploads: Iterable[tuple[str, bytes]]) -> Collection:
    """A collection from uploaded files: a ZIP of the RESULTS folder, its Parquet parts, or faces.csv and files.csv.
    Each table is told apart by its columns, so names do not matter."""
    tables: list[pd.DataFrame] = []
    for name, data in uploads:
        tables += _tables(name, data)
    faces = [t for t in tables if "emotion" in t.columns]
    files = [t for t in tables if "status" in t.columns]
    if not files:
        raise DatasetError(
            "No files table among these: upload the whole RESULTS folder as a ZIP, or files.csv with faces.csv "
            "(written by `batch --csv`), or the Parquet parts of both tables."
        )
    return _checked(_as_schema(faces, FACES_SCHEMA), _as_schema(files, FILES_SCHEMA))


def _tables(name: str, data: bytes) -> list[pd.DataFrame]:
    """The tables in one uploaded file (a ZIP gives those of its members); other files are skipped."""
    suffix = PurePosixPath(name).suffix.lower()
    try:
        if suffix == ".zip":
            return _zip_tables(data)
        if suffix == ".parquet":
            return [pq.read_table(io.BytesIO(data)).to_pandas()]
        if suffix == ".csv":
            return [pd.read_csv(io.BytesIO(data))]
    except (OSError, ValueError, pa.ArrowException, zipfile.BadZipFile) as exc:
        raise DatasetError(f"{name} could not be read as batch results: {exc}") from exc
    return []


def _zip_tables(data: bytes) -> list[pd.DataFrame]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [
            m for m in archive.infolist() if not m.is_dir() and not PurePosixPath(m.filename).name.startswith(".")
        ]
        if len(members) > _MOST_MEMBERS or sum(m.file_size for m in members) > _MOST_UNPACKED:
            raise DatasetError("This ZIP is too large to open here: open the RESULTS folder by its path instead.")
        csv_too = [m for m in members if m.filename.endswith(".csv")]
        parquet = [m for m in members if m.filename.endswith(".parquet")]
        return [t for m in parquet or csv_too for t in _tables(m.filename, archive.read(m))]


def _as_schema(tables: list[pd.DataFrame], schema: pa.Schema) -> pd.DataFrame:
    """The tables as one, with `schema`'s columns in its order (missing ones empty)."""
    frame = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=schema.names)
    return frame.reindex(columns=schema.names)


def _checked(faces: pd.DataFrame, files: pd.DataFrame) -> Collection:
    if files.empty:
        raise DatasetError("These batch results hold no files yet: is the batch still starting?")
    faces = faces[faces["emotion"].isin(EMOTIONS)].reset_index(drop=True)
    return Collection(faces=faces, files=files.reset_index(drop=True))


def _folder(path: str) -> str:
    """The folder part of a file's path as the batch recorded it ("." for a bare name)."""
    return str(PurePosixPath(str(path).replace("\\", "/")).parent)


def _step(rows: pd.DataFrame) -> float:
    """Seconds between analysed frames of one video: the median gap in each person's times (0.1 s if unknown)."""
    gaps = rows.groupby("person")["time"].diff().dropna()
    gaps = gaps[gaps > 0]
    return float(np.round(gaps.median(), 4)) if len(gaps) else 0.1
