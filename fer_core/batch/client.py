"""Run a batch through Ray Client (`ray://HEAD:10001`): the run's driver goes to the cluster as one task.

Ray Data, which the batch runs on, does not work through Ray Client (ray-project/ray#48682: "Worker" object has
no attribute "core_worker"), so the driver's part of the run is sent to the cluster and runs there, where it can
use Ray Data; this process only starts it, shows its progress and stops it on Ctrl-C. The sources and RESULTS are
paths on the cluster's machines (shared storage), as for any cluster run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TypeVar

from .cluster import RAY_ENV, START_ATTEMPTS, import_ray, init_ray

POLL_SECONDS = 0.5
"""How often the progress is asked for while the run goes on."""

Result = TypeVar("Result")


def run_through_client(
    address: str, run: Callable[..., Result], kwargs: dict, progress: Callable | None = None
) -> Result:
    """`run(**kwargs, progress=...)` as a task on the cluster at `address`, its progress reports passed on to
    `progress` here; returns its result. Ctrl-C cancels the task there (a KeyboardInterrupt in it) and waits
    for it to end, so what it has finished is written."""
    ray = import_ray(local=False)
    connect(ray, address)
    try:
        board = ray.remote(num_cpus=0)(ProgressBoard).remote()
        task = ray.remote(num_cpus=0)(_reporting_to).remote(board, run, kwargs)
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


def connect(ray, address: str, attempts: int = START_ATTEMPTS) -> None:  # noqa: ANN001 - the ray module
    """Connect to the cluster at `address` through Ray Client. The head forks a server for each client, and now and
    then that server dies at once ("Starting Ray client server failed", its log empty); the next connection gets a
    new one, so that is tried again, `attempts` times in all. Any other failure is reported at once."""
    init_ray(
        ray,
        f"Could not reach the Ray cluster at {address}",
        passing="Starting Ray client server failed",
        attempts=attempts,
        address=address,
        log_to_driver=False,
        runtime_env={"env_vars": RAY_ENV},
    )


def _reporting_to(board, run: Callable[..., Result], kwargs: dict) -> Result:  # noqa: ANN001 - a Ray actor
    """The task the cluster runs: `run`, its progress posted to `board`."""
    return run(**kwargs, progress=board.post.remote)


class ProgressBoard:
    """The latest progress report of a task on the cluster, kept by a small actor for the submitting process."""

    def __init__(self) -> None:
        self._latest = None

    def post(self, progress: object) -> None:
        self._latest = progress

    def latest(self) -> object:
        return self._latest
