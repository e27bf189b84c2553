"""A batch through Ray Client (`--address ray://HEAD:10001`): the run's driver goes to the cluster as one task.

Ray Data, which the batch runs on, does not work through Ray Client (ray-project/ray#48682: "Worker" object has
no attribute "core_worker"), so the driver's part of the run is sent to the cluster and runs there, where it can
use Ray Data; this process only starts it, shows its progress and stops it on Ctrl-C. The sources and RESULTS are
paths on the cluster's machines (shared storage), as for any cluster run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pandas as pd

from ..errors import FerError
from .cluster import RAY_ENV, import_ray
from .pipeline import BatchProgress, BatchSummary, analyze_collection
from .results import ResultsFolder

POLL_SECONDS = 0.5
"""How often the progress is asked for while the run goes on."""


def is_ray_client(address: str | None) -> bool:
    """Whether `address` is a Ray Client address (ray://HOST:PORT)."""
    return bool(address) and address.startswith("ray://")


def analyze_through_client(
    address: str, run: dict, progress: Callable[[BatchProgress], None] | None = None
) -> tuple[BatchSummary, pd.DataFrame]:
    """Run `analyze_collection(**run)` on the cluster at `address`; returns its summary and RESULTS' status table
    (every file, as the cluster sees it). Ctrl-C cancels the run there, once its finished files are written."""
    ray = import_ray(local=False)
    try:
        ray.init(address=address, log_to_driver=False, runtime_env={"env_vars": RAY_ENV})
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise FerError(f"Could not reach the Ray cluster at {address}: {exc}") from exc
    try:
        board = ray.remote(num_cpus=0)(ProgressBoard).remote()
        task = ray.remote(num_cpus=0)(drive).remote(run, board)
        try:
            while not ray.wait([task], timeout=POLL_SECONDS)[0]:
                latest = ray.get(board.latest.remote())
                if progress is not None and latest is not None:
                    progress(latest)
        except KeyboardInterrupt:
            ray.cancel(task)
            with contextlib.suppress(Exception):
                ray.get(task)
            raise
        return ray.get(task)
    finally:
        ray.shutdown()


def drive(run: dict, board) -> tuple[BatchSummary, pd.DataFrame]:  # noqa: ANN001 - a Ray actor handle
    """The task the cluster runs: the batch itself, its progress posted to `board`."""
    summary = analyze_collection(**run, progress=board.post.remote)
    return summary, ResultsFolder(run["out"]).files()


class ProgressBoard:
    """The latest progress of a run on the cluster, kept by a small actor for the submitting process to read."""

    def __init__(self) -> None:
        self._latest: BatchProgress | None = None

    def post(self, progress: BatchProgress) -> None:
        self._latest = progress

    def latest(self) -> BatchProgress | None:
        return self._latest
