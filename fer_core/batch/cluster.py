"""Ray for a batch run: start a private one on this machine, or join a cluster (`ray_session`).

Ray is imported here, inside functions only, with its usage statistics off; nothing else in fer_core (and nothing
in the app) imports it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from ..errors import FerError

START_ATTEMPTS = 3
"""Tries at starting Ray when its failure is a known passing one (see init_ray)."""

RAY_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "TF_CPP_MIN_LOG_LEVEL": "2"}
"""Environment of every Ray worker: no usage statistics sent to Ray's makers, TensorFlow's start-up chatter off."""


def is_ray_client(address: str | None) -> bool:
    """Whether `address` is Ray Client's (ray://HOST:PORT), through which a run is sent rather than joined."""
    return bool(address) and address.startswith("ray://")


@contextmanager
def ray_session(address: str | None = None, workers: int | None = None) -> Iterator[int]:
    """Ray for a batch run; yields how many workers to use.

    With no address, a private Ray starts on this machine with `workers` CPUs (default: all) and no dashboard; it
    listens on 127.0.0.1 and is shut down on leaving. With an address, this process joins that cluster and uses
    `workers` of its CPUs (default and most: all). If Ray is already initialised here, it is used as it is.
    A Ray Client address (ray://) is not for here: Ray Data fails through Ray Client (see client.py).
    """
    if is_ray_client(address):
        raise ValueError("a ray:// address is run through client.run_through_client, not joined")
    ray = import_ray(local=address is None)
    started = not ray.is_initialized()
    if started and address is None:
        _start_local_ray(ray, workers or os.cpu_count() or 1)
    elif started:
        init_ray(
            ray,
            f"Could not join the Ray cluster at {address}",
            address=address,
            configure_logging=False,
            log_to_driver=False,
            runtime_env={"env_vars": RAY_ENV},
        )
    try:
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        yield min(workers or cpus, cpus)
    finally:
        if started:
            ray.shutdown()


def _start_local_ray(ray, cpus: int) -> None:
    """Start a private Ray here: `cpus` CPUs, no dashboard, workers' output kept in Ray's log files (not on the
    terminal, where the progress bar is). On a machine too busy for Ray's raylet to hear from its agents within its
    fixed 15 seconds, start-up fails ("timed out during startup"), so that is tried again."""
    init_ray(
        ray,
        "Ray could not start on this machine",
        passing="timed out during startup",
        address="local",  # a new Ray, even where `ray start` left its address for others to join
        num_cpus=cpus,
        include_dashboard=False,
        configure_logging=False,
        log_to_driver=False,
        runtime_env={"env_vars": RAY_ENV},
    )


def init_ray(ray, failure: str, passing: str | None = None, attempts: int = START_ATTEMPTS, **options) -> None:  # noqa: ANN001 - the ray module
    """`ray.init(**options)`; a failure whose message holds `passing` is tried again, `attempts` times in all, and
    any other (or the last) becomes a FerError that starts with `failure`. Ctrl-C while starting stops what did
    start and goes on up."""
    for attempt in range(1, attempts + 1):
        try:
            ray.init(**options)
            return
        except BaseException as exc:
            with suppress(Exception):
                ray.shutdown()
            if not isinstance(exc, Exception):
                raise
            if attempt == attempts or passing is None or passing not in str(exc):
                raise FerError(f"{failure}: {exc}") from exc


def import_ray(local: bool):
    """Import Ray with its usage statistics off; for a private local Ray, make it take 127.0.0.1 as this node's
    address (Ray reads both settings when first imported)."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    if local:
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # Linux too: the node is 127.0.0.1
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise FerError(
            f"Batch analysis runs on Ray Data, which is not installed ({exc.name} is missing): "
            "pip install 'fer-core[batch]', or the app's requirements.txt."
        ) from exc
    return ray
