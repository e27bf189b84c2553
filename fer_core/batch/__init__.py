"""Batch analysis of large photo and video collections on Ray Data: `analyze_collection(sources, out)` and
`python -m fer_core batch` (docs/batch.md).

sources (the files that folders, globs and list files name), analyse (one file into its rows, and the worker class
Ray runs), results (the RESULTS folder: Parquet parts, resume, CSV), cluster (start a private Ray or join a
cluster), client (send a run to a cluster through Ray Client), pipeline (the Ray Data run: groups, map, collect)
and command (the command line's progress bar and report). Ray is imported only when a batch runs (`ray[data]`,
`pip install 'fer-core[batch]'`).
"""

from .analyse import Recognizers, analyse_file
from .cluster import ray_session
from .pipeline import BatchProgress, BatchSummary, analyze_collection
from .results import FACES_SCHEMA, FILES_SCHEMA, STATUSES, ResultsFolder
from .sources import MediaFile, find_media

__all__ = [
    "FACES_SCHEMA",
    "FILES_SCHEMA",
    "STATUSES",
    "BatchProgress",
    "BatchSummary",
    "MediaFile",
    "Recognizers",
    "ResultsFolder",
    "analyse_file",
    "analyze_collection",
    "find_media",
    "ray_session",
]
