"""`python -m fer_core batch`: run `analyze_collection` with a progress bar, then say what RESULTS holds.

The arguments are parsed in fer_core/cli.py with the other commands; this is what the command does with them.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .cluster import is_ray_client
from .pipeline import BatchProgress, BatchSummary, analyze_collection
from .results import FACES, FILES, ResultsFolder

SHOWN_REFUSALS = 10
"""Refused files listed after a run; the rest are in files.parquet."""


def run(args: argparse.Namespace) -> int:
    """Analyse the collection; exit code 0, 1 if RESULTS holds refused files, 130 when stopped with Ctrl-C."""
    update, close = progress_bar("analysing")
    try:
        summary = analyze_collection(
            args.sources,
            args.out,
            args.every,
            address=args.address,
            workers=args.workers,
            detector_range=args.range,
            model=args.model,
            tta=args.tta,
            csv=args.csv,
            progress=update,
        )
    except KeyboardInterrupt:
        summary = None
    finally:
        close()  # also when a FerError (say, sources that name no file) goes on to the command line's handler
    if summary is None:
        remote = is_ray_client(args.address)  # its RESULTS is on the cluster, maybe not readable here
        done = "its finished files are" if remote else f"{len(ResultsFolder(args.out).files())} files are"
        print(f"interrupted: {done} done in {args.out}; run the same command again to go on from there.")
        return 130
    files = summary.files
    report(summary, files)
    written = [FACES, FILES, *(["faces.csv", "files.csv"] if args.csv else [])]
    print("written to " + ", ".join(str(Path(args.out) / name) for name in written))
    return 1 if (files["status"] == "refused").any() else 0


def report(summary: BatchSummary, files: pd.DataFrame) -> None:
    """Print this run's speed, then the whole RESULTS folder's counts and its refused files with their reasons."""
    nodes = len(summary.nodes)
    speed = (
        f" in {summary.seconds:.1f} s ({summary.files_per_second:.2f} files/s, {summary.workers} "
        f"worker{'s' if summary.workers != 1 else ''}"
        f"{f' on {nodes} nodes' if nodes > 1 else ''})"
    )
    print(
        f"{summary.found} files found, {summary.skipped} already done; {summary.done} analysed now"
        + (speed if summary.done else "")
    )
    counts = files["status"].value_counts()
    print(
        f"{summary.results}: {len(files)} files: {counts.get('analysed', 0)} analysed, "
        f"{counts.get('no face', 0)} without a face, {counts.get('refused', 0)} refused; "
        f"{int(files['faces'].sum())} face rows"
    )
    refused = files[files["status"] == "refused"]
    for row in refused.head(SHOWN_REFUSALS).itertuples():
        print(f"  refused {row.file}: {row.reason}")
    if len(refused) > SHOWN_REFUSALS:
        print(f"  ... and {len(refused) - SHOWN_REFUSALS} more (files.parquet has every reason)")


def progress_bar(title: str) -> tuple[Callable[[BatchProgress], None], Callable[[], None]]:
    """(update(progress), close()) for the batch's bar on stderr, in the style of the other commands' bars (rich):
    files done out of the total, faces found, files a second, and time left."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn(title),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files, {task.fields[faces]} faces, {task.fields[rate]} files/s"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    task = bar.add_task(title, total=None, faces=0, rate="-")
    bar.start()

    def update(progress: BatchProgress) -> None:
        rate = f"{progress.done / progress.elapsed:.2f}" if progress.elapsed else "-"
        bar.update(task, completed=progress.done, total=progress.total, faces=progress.faces, rate=rate)

    return update, bar.stop
