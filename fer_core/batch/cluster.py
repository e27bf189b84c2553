"""Ray for a batch run: start a private one on this machine, or join a cluster (`ray_session`).

Ray is imported here, inside functions only, with its usage statistics off; nothing else in fer_core (and nothing
in the app) imports it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import FerError

START_ATTEMPTS = 3
"""Tries at starting a private Ray (see _start_local_ray)."""

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
        try:
            ray.init(address=address, configure_logging=False, log_to_driver=False, runtime_env={"env_vars": RAY_ENV})
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise FerError(f"Could not join the Ray cluster at {address}: {exc}") from exc
    try:
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        yield min(workers or cpus, cpus)
    finally:
        if started:
            ray.shutdown()


def _start_local_ray(ray, cpus: int, attempts: int = START_ATTEMPTS) -> None:
    """Start a private Ray here: `cpus` CPUs, no dashboard, workers' output kept in Ray's log files (not on the
    terminal, where the progress bar is). On a machine too busy for Ray's raylet to hear from its agents within its
    fixed 15 seconds, start-up fails; it is tried again, `attempts` times in all."""
    for attempt in range(1, attempts + 1):
        try:
            ray.init(
                address="local",  # a new Ray, even where `ray start` left its address for others to join
                num_cpus=cpus,
                include_dashboard=False,
                configure_logging=False,
                log_to_driver=False,
                runtime_env={"env_vars": RAY_ENV},
            )
            return
        except BaseException as exc:  # Ctrl-C while starting included: stop what did start
            ray.shutdown()
            if not isinstance(exc, Exception):
                raise
            if attempt == attempts or "timed out during startup" not in str(exc):
                raise FerError(f"Ray could not start on this machine: {exc}") from exc


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
