"""The RESULTS folder of a batch run: two Parquet tables written a part at a time, so finished work is never lost,
and read back to resume.

    RESULTS/faces.parquet/part-<run>-<n>.parquet   one row per face (FACES_SCHEMA)
    RESULTS/files.parquet/part-<run>-<n>.parquet   one row per file: analysed, no face or refused (FILES_SCHEMA)

Each is a Parquet dataset (a folder of parts) that pandas, pyarrow, DuckDB, Spark or Ray read as one table. A part
is written under a hidden name and renamed when complete, faces before files, with the same name in both: a file
counts as done once its files part exists, and a faces part without its files part (a run killed in between) is
removed on the next run, which analyses those files again.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..labels import EMOTIONS

FACES_SCHEMA = pa.schema(
    [
        ("file", pa.string()),
        ("frame", pa.int64()),
        ("time", pa.float64()),
        ("person", pa.int64()),
        ("x", pa.int64()),
        ("y", pa.int64()),
        ("width", pa.int64()),
        ("height", pa.int64()),
        *[(emotion, pa.float64()) for emotion in EMOTIONS],
        ("emotion", pa.string()),
        ("confidence", pa.float64()),
        ("uncertain", pa.bool_()),
        ("label", pa.string()),
        ("node", pa.string()),
    ]
)
"""faces.parquet: file, then frame, time and person (videos; null for photos), the box in pixels of the upright
image or video, the seven probabilities in EMOTIONS order, the most probable emotion, its probability, whether the
call is too close ("uncertain", then `label` reads "sad or neutral?"), and the Ray node that analysed the file."""

FILES_SCHEMA = pa.schema(
    [
        ("file", pa.string()),
        ("kind", pa.string()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("faces", pa.int64()),
        ("seconds", pa.float64()),
        ("node", pa.string()),
    ]
)
"""files.parquet: one row per file: its kind (photo, video, other), status (STATUSES), the reason it was refused
(the app's own words) or what to know about an analysed video, its rows in faces.parquet, the seconds it took."""

STATUSES: tuple[str, ...] = ("analysed", "no face", "refused")

FACES, FILES = "faces.parquet", "files.parquet"


def faces_table(frame: pd.DataFrame) -> pa.Table:
    """A DataFrame with FACES_SCHEMA's columns (missing ones null) as an Arrow table of exactly that schema."""
    columns = {name: frame.get(name) for name in FACES_SCHEMA.names}
    return pa.Table.from_pandas(pd.DataFrame(columns, index=frame.index), FACES_SCHEMA, preserve_index=False)


class ResultsFolder:
    """Writes parts into RESULTS and knows which files it already holds."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.faces_dir, self.files_dir = self.folder / FACES, self.folder / FILES
        self._run = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
        self._parts = 0

    def open(self) -> set[str]:
        """Create the folders, remove what an interrupted run left half-written, and return the files done."""
        self.faces_dir.mkdir(parents=True, exist_ok=True)
        self.files_dir.mkdir(parents=True, exist_ok=True)
        for stale in [*self.faces_dir.glob(".*.tmp"), *self.files_dir.glob(".*.tmp")]:
            stale.unlink(missing_ok=True)
        complete = {part.name for part in self.files_dir.glob("*.parquet")}
        for orphan in self.faces_dir.glob("*.parquet"):
            if orphan.name not in complete:
                orphan.unlink()
        return set(self.files()["file"])

    def write(self, files: pa.Table, faces: pa.Table) -> None:
        """Add one part to each table: the faces first, then the status rows that mark those files done."""
        self._parts += 1
        name = f"part-{self._run}-{self._parts:05d}.parquet"
        _write_atomically(faces.cast(FACES_SCHEMA), self.faces_dir / name)
        _write_atomically(files.cast(FILES_SCHEMA), self.files_dir / name)

    def files(self) -> pd.DataFrame:
        """The status table so far (FILES_SCHEMA; empty before anything is written)."""
        return _read(self.files_dir, FILES_SCHEMA)

    def faces(self) -> pd.DataFrame:
        """The faces table so far (FACES_SCHEMA)."""
        return _read(self.faces_dir, FACES_SCHEMA)

    def write_csv(self) -> list[Path]:
        """faces.csv and files.csv beside the Parquet tables, rewritten whole from them."""
        written = []
        for name, table in (("faces.csv", self.faces()), ("files.csv", self.files())):
            target = self.folder / name
            table.to_csv(target.with_name(f".{name}.tmp"), index=False)
            os.replace(target.with_name(f".{name}.tmp"), target)
            written.append(target)
        return written


def _write_atomically(table: pa.Table, target: Path) -> None:
    """Write a Parquet file under a hidden name (readers skip those) and rename it into place once complete."""
    temporary = target.with_name(f".{target.name}.tmp")
    pq.write_table(table, temporary)
    os.replace(temporary, target)


def _read(folder: Path, schema: pa.Schema) -> pd.DataFrame:
    """A folder of parts as one DataFrame; an empty or missing folder gives the schema's empty table."""
    parts = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    table = pq.ParquetDataset(parts, schema=schema).read() if parts else schema.empty_table()
    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)  # whole numbers stay whole beside nulls
