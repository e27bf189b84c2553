"""Analyse a collection on Ray Data: `analyze_collection(sources, out)`.

The files still to do become a dataset of small groups (one video, or a few photos), one group per block, mapped
by a fixed pool of `BatchWorker` actors, one per CPU: each loads the models once and is handed a new group only
when it is free, so many videos spread over the workers and one long video never waits behind another. The driver
streams the finished groups back and writes them into RESULTS a part at a time; Ray Data's backpressure keeps
memory bounded however large the collection. Ray is started or joined by `cluster.ray_session` and imported only
inside functions, so importing this costs nothing.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..detect import DetectorRange
from .analyse import BatchWorker, face_rows
from .client import run_through_client
from .cluster import is_ray_client, ray_session
from .results import ResultsFolder
from .sources import MediaFile, find_media

PHOTOS_PER_TASK = 16
"""Most photos in one group: enough to make each task worth scheduling, few enough to keep every worker busy."""

FLUSH_SECONDS = 5.0
"""Finished results are written at least this often (and at the end, and on Ctrl-C)."""

FLUSH_FILES = 1000
"""...or as soon as this many files are waiting to be written, so parts stay a sensible size."""


@dataclass(frozen=True)
class BatchProgress:
    """How far a run is: files finished out of those it is doing, faces found so far, wall-clock seconds."""

    done: int
    total: int
    faces: int
    elapsed: float


@dataclass(frozen=True)
class BatchSummary:
    """What one run did: files found, already in RESULTS (skipped), finished now, faces found now, workers used,
    the nodes they ran on, the wall-clock seconds the analysis took, and RESULTS' status table after it (every
    file, as the machine that wrote it sees it: a run through Ray Client writes on the cluster)."""

    results: Path
    found: int
    skipped: int
    done: int
    faces: int
    workers: int
    nodes: tuple[str, ...]
    seconds: float
    files: pd.DataFrame = field(repr=False, compare=False)

    @property
    def files_per_second(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


ProgressCallback = Callable[[BatchProgress], None]


def analyze_collection(
    sources: Iterable[str | Path],
    out: str | Path,
    every: int = 1,
    *,
    address: str | None = None,
    workers: int | None = None,
    detector_range: DetectorRange | None = None,
    model: str | None = None,
    tta: bool = False,
    csv: bool = False,
    progress: ProgressCallback | None = None,
) -> BatchSummary:
    """Analyse every photo and video the sources name (files, folders, globs, .txt lists) into the folder `out`.

    Files already recorded in `out` are skipped, so running the same call again resumes an interrupted run. Ray
    starts here with `workers` CPUs (default: all), on 127.0.0.1, and stops at the end, unless `address` names a
    running cluster (`auto`, `HEAD:6379`, or Ray Client's `ray://HEAD:10001`, which sends the whole call to the
    cluster: the paths are then the cluster's) or Ray is already initialised in this process. Bad files become
    "refused" rows, never errors; Ctrl-C (KeyboardInterrupt) writes what is finished before it propagates.
    """
    if every < 1:
        raise ValueError("every must be 1 or more")
    if is_ray_client(address):
        options = {"every": every, "workers": workers, "detector_range": detector_range, "model": model}
        kwargs = {"sources": list(sources), "out": out, "tta": tta, "csv": csv, **options}
        return run_through_client(address, analyze_collection, kwargs, progress)
    media = find_media(sources)
    results = ResultsFolder(out)
    done = results.open()
    todo = [m for m in media if m.path not in done]
    collector = _Collector(results, len(todo), progress)
    pool = 0
    if todo:
        with ray_session(address, workers) as pool:
            worker_args = {"model": model, "detector_range": detector_range, "tta": tta, "every": every}
            pool = _run(todo, pool, worker_args, collector)
    if csv:
        results.write_csv()
    seconds = time.perf_counter() - collector.started
    skipped, nodes = len(media) - len(todo), tuple(sorted(collector.nodes))
    return BatchSummary(
        Path(out), len(media), skipped, collector.done, collector.faces, pool, nodes, seconds, results.files()
    )


def _run(todo: list[MediaFile], pool: int, worker_args: dict, collector: _Collector) -> int:
    """Map the groups over `pool` workers (fewer if there are fewer groups) and hand each finished group to the
    collector as it arrives; returns the number of workers used."""
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the command line draws its own
    context.print_on_execution_start = False
    context.enable_auto_log_stats = False
    for handler in logging.getLogger("ray.data").handlers:
        if isinstance(handler, logging.StreamHandler):  # Ray Data's notes stay in its log file, off the terminal
            handler.setLevel(logging.ERROR)
    groups = _groups(todo, pool)
    pool = min(pool, len(groups))
    dataset = ray.data.from_items(groups, override_num_blocks=len(groups)).map_batches(
        BatchWorker,
        batch_size=1,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=pool, max_tasks_in_flight_per_actor=1),
        num_cpus=1,
        fn_constructor_kwargs=worker_args,
    )
    try:
        for block in dataset.iter_batches(batch_size=None, batch_format="pyarrow", prefetch_batches=0):
            collector.add(block)
    finally:
        collector.flush()
    return pool


def _groups(todo: list[MediaFile], pool: int) -> list[dict]:
    """The work as groups, one per task: each video alone, largest first (long tasks start early, so the run does
    not end waiting on one), then the photos in groups small enough to give every worker several."""
    videos = sorted((m for m in todo if m.kind == "video"), key=_size, reverse=True)
    photos = [m for m in todo if m.kind != "video"]
    size = max(1, min(PHOTOS_PER_TASK, math.ceil(len(photos) / (4 * pool))))
    groups = [[video] for video in videos] + [photos[i : i + size] for i in range(0, len(photos), size)]
    return [{"paths": [m.path for m in group], "kinds": [m.kind for m in group]} for group in groups]


def _size(media: MediaFile) -> int:
    try:
        return os.path.getsize(media.path)
    except OSError:
        return 0


class _Collector:
    """Gathers finished groups on the driver, reports progress after each, and writes them into RESULTS every
    FLUSH_SECONDS or FLUSH_FILES files, whichever comes first."""

    def __init__(self, results: ResultsFolder, total: int, progress: ProgressCallback | None) -> None:
        self.results, self.total, self.progress = results, total, progress
        self.started = self.flushed = time.perf_counter()
        self.pending: list[pa.Table] = []
        self.done = self.faces = 0
        self.nodes: set[str] = set()

    def add(self, block: pa.Table) -> None:
        self.pending.append(block)
        self.done += block.num_rows
        self.faces += sum(block.column("faces").to_pylist())
        self.nodes.update(block.column("node").to_pylist())
        now = time.perf_counter()
        if self.progress is not None:
            self.progress(BatchProgress(self.done, self.total, self.faces, now - self.started))
        if now - self.flushed >= FLUSH_SECONDS or sum(t.num_rows for t in self.pending) >= FLUSH_FILES:
            self.flush()

    def flush(self) -> None:
        """Write what is pending as one part of each table."""
        if self.pending:
            table = pa.concat_tables(self.pending)
            self.results.write(table.drop_columns(["rows"]), face_rows(table))
            self.pending = []
        self.flushed = time.perf_counter()
