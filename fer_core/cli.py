"""The engine's command line: analyze photos and videos, batches of them on Ray, score labelled images, serve the
HTTP API (`fer-core COMMAND --help`).

Training, calibration and the model card have their own: `python -m fer_core.training --help`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from .detect import DETECTOR_RANGES
from .errors import FerError
from .images import IMAGE_SUFFIXES
from .model_files import DEFAULT_MODEL


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="fer-core", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    analyze = commands.add_parser("analyze", help="find faces in images and print their emotions")
    analyze.add_argument("images", nargs="+", help="image files")
    analyze.add_argument("--json", action="store_true", help="print JSON (schema in docs/cli.md)")
    analyze.add_argument(
        "--annotate", metavar="OUT", help="write annotated image(s): a file for one image, else a folder"
    )
    _add_model_options(analyze)
    analyze.add_argument("--range", choices=DETECTOR_RANGES, default="auto", help="face detector range")

    evaluate = commands.add_parser("evaluate", help="score the model on labelled images")
    evaluate.add_argument("data", help="folder of <class>/ images, or a FER2013 CSV")
    evaluate.add_argument("--crops", action="store_true", help="images are face crops (else photos: detect first)")
    evaluate.add_argument("--out", default="metrics.json", help="where to write the metrics")
    _add_model_options(evaluate)

    video = commands.add_parser("video", help="analyse a video file: each person's emotions over time, as CSV")
    video.add_argument("video", help="video file (MP4, MOV, WebM, MKV or AVI)")
    video.add_argument("--out", required=True, help="CSV file: one row per person per analysed frame")
    video.add_argument("--every", type=_positive, default=1, metavar="N", help="analyse every Nth frame (default 1)")
    video.add_argument("--annotate", metavar="OUT.mp4", help="also write the video with numbered boxes and emotions")
    _add_model_options(video)
    video.add_argument("--range", choices=DETECTOR_RANGES, default="near", help="face detector range")

    batch = commands.add_parser("batch", help="analyse a large collection of photos and videos on Ray (docs/batch.md)")
    batch.add_argument("sources", nargs="+", metavar="SOURCE", help="files, folders, globs or .txt lists of paths")
    batch.add_argument("--out", required=True, metavar="RESULTS", help="results folder (Parquet); rerun to resume")
    batch.add_argument("--every", type=_positive, default=1, metavar="N", help="in videos, analyse every Nth frame")
    batch.add_argument("--csv", action="store_true", help="also write faces.csv and files.csv at the end")
    batch.add_argument(
        "--address",
        help="join the Ray cluster this machine is in (auto, HEAD:6379), or send the run to one (ray://HEAD:10001)",
    )
    batch.add_argument("--workers", type=_positive, metavar="N", help="worker processes (default: every CPU)")
    _add_model_options(batch)
    batch.add_argument("--range", choices=DETECTOR_RANGES, help="detector range (default: photos auto, videos near)")

    serve = commands.add_parser("serve", help="answer HTTP requests from other programs (routes: docs/api.md)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every network; default: this computer only)"
    )
    serve.add_argument("--port", type=_positive, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--model", default=str(DEFAULT_MODEL), help="emotion model (.keras)")
    serve.add_argument("--range", choices=DETECTOR_RANGES, default="auto", help="face detector range for photos")

    handlers = {"analyze": _analyze, "evaluate": _evaluate, "video": _video, "batch": _batch, "serve": _serve}
    return run_command(parser.parse_args(argv), handlers)


def run_command(args: argparse.Namespace, commands: dict[str, Callable[[argparse.Namespace], int]]) -> int:
    """Run the chosen command; a FerError (bad input, missing model) is printed as one line and exits with 2."""
    try:
        return commands[args.command](args)
    except FerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=str(DEFAULT_MODEL), help="emotion model (.keras)")
    parser.add_argument("--tta", action="store_true", help="average 12 views of each face (mirrored, zoomed in)")


def _analyze(args: argparse.Namespace) -> int:
    from .annotate import annotate
    from .export import analysis_document
    from .recognizer import EmotionRecognizer
    from .uploads import analyze_file

    recognizer = EmotionRecognizer(args.model, detector_range=args.range, tta=args.tta)
    single_file = args.annotate and len(args.images) == 1 and Path(args.annotate).suffix.lower() in IMAGE_SUFFIXES
    photos = [analyze_file(path, recognizer) for path in args.images]
    for photo in photos:
        if args.annotate and photo.rgb is not None:
            folder = Path(args.annotate)
            target = folder if single_file else folder / f"{Path(photo.name).stem}_annotated.jpg"
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_rgb(target, annotate(photo.rgb, photo.faces, show_probabilities=True))
    document = analysis_document(photos, Path(args.model).name)
    if args.json:
        print(json.dumps(document, indent=2))
    else:
        for report in document["images"]:
            _print_report(report)
    return 1 if any(photo.error for photo in photos) else 0


def _print_report(report: dict) -> None:
    if report["error"]:
        print(f"{report['path']}: {report['error']}")
        return
    faces = report["faces"]
    print(f"{report['path']}: {len(faces)} face{'s' if len(faces) != 1 else ''}")
    for face in faces:
        box = face["box"]
        top = sorted(face["probabilities"].items(), key=lambda kv: kv[1], reverse=True)[:3]
        others = ", ".join(f"{name} {p:.0%}" for name, p in top[1:])
        print(
            f"  face {face['face']} at x={box['x']} y={box['y']} {box['width']}x{box['height']}: "
            f"{face['label']} {face['confidence']:.0%} (then {others})"
        )


def _write_rgb(path: Path, rgb) -> None:
    import cv2

    if not cv2.imwrite(str(path), rgb[:, :, ::-1]):
        raise FerError(f"Could not write {path}.")


def _evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate
    from .recognizer import EmotionRecognizer

    recognizer = EmotionRecognizer(args.model, tta=args.tta)
    update, close = progress_bar("evaluating")
    try:
        metrics = evaluate(args.data, recognizer, crops=args.crops, progress=update)
    finally:
        close()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(metrics, indent=2) + "\n")
    print(
        f"accuracy {metrics['accuracy']:.2%}, macro-F1 {metrics['macro_f1']:.3f}, "
        f"calibration error {metrics['expected_calibration_error']:.3f} on {metrics['n_scored']} images "
        f"({metrics['n_unreadable']} unreadable, {metrics['n_no_face']} without a face); written to {args.out}"
    )
    return 0


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def _video(args: argparse.Namespace) -> int:
    from .recognizer import EmotionRecognizer
    from .video import analyze_video

    recognizer = EmotionRecognizer(args.model, detector_range=args.range, tta=args.tta)
    update, close = progress_bar("analysing")
    try:
        analysis = analyze_video(
            args.video, recognizer, args.every, args.annotate, progress=lambda p: update(p.done, p.total)
        )
    finally:
        close()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_bytes(analysis.csv())
    for note in analysis.notes():
        print(f"note: {note}")
    people = len(analysis.people)
    print(
        f"{args.video}: {people} {'person' if people == 1 else 'people'} in {analysis.frames_read} frames "
        f"({analysis.frames_analyzed} analysed) in {analysis.seconds:.1f} s, {analysis.realtime_factor:.1f}x real time"
    )
    for row in analysis.summary().itertuples():
        print(
            f"  person {row.person}: seen {row.first_seen:.1f}-{row.last_seen:.1f} s, "
            f"mostly {row.dominant} ({getattr(row, row.dominant):.0%} of the time)"
        )
    if not people:
        print("  no face was found in any frame")
    print(f"written to {args.out}" + (f" and {args.annotate}" if args.annotate else ""))
    return 0


def _batch(args: argparse.Namespace) -> int:
    from .batch.command import run

    return run(args)


def _serve(args: argparse.Namespace) -> int:
    try:
        from .api import serve
    except ImportError as exc:  # starlette and uvicorn come with the app, or with `pip install 'fer-core[api]'`
        raise FerError(
            f"The HTTP API needs starlette and uvicorn ({exc.name} is missing): pip install 'fer-core[api]'"
        ) from exc
    from .recognizer import EmotionRecognizer

    if args.port > 65535:
        raise FerError(f"There is no port {args.port}: ports go up to 65535.")
    serve(args.host, args.port, EmotionRecognizer(args.model, detector_range=args.range))
    return 0


def progress_bar(title: str) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """(update(done, total), close()) for a progress bar on stderr, drawn by rich: a live bar in a terminal, and
    no flood of carriage returns when the output goes to a log file."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn(title),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    task = bar.add_task(title, total=None)
    bar.start()

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return update, bar.stop
