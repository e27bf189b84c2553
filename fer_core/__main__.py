"""Command-line tools: analyze photos, train, calibrate and evaluate the model (`python -m fer_core COMMAND --help`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import FerError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m fer_core", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    analyze = commands.add_parser("analyze", help="find faces in images and print their emotions")
    analyze.add_argument("images", nargs="+", help="image files")
    analyze.add_argument("--json", action="store_true", help="print JSON (schema in README.md)")
    analyze.add_argument(
        "--annotate", metavar="OUT", help="write annotated image(s): a file for one image, else a folder"
    )
    _add_model_options(analyze)
    analyze.add_argument("--range", choices=("near", "far", "auto"), default="auto", help="face detector range")

    train = commands.add_parser("train", help="train the emotion model on FER2013 (CSV or folders)")
    train.add_argument("--data", required=True, help="FER2013 CSV file or folder with train/ and val/")
    train.add_argument("--out", default="models", help="folder for the model, history and recipe")
    train.add_argument("--epochs", type=int, help="number of epochs (default: the recipe's)")
    train.add_argument("--batch-size", type=int, help="images per step (default: the recipe's)")
    train.add_argument("--peak-lr", type=float, help="highest learning rate of the schedule (default: the recipe's)")
    train.add_argument("--warmup-epochs", type=int, help="epochs rising to the peak learning rate")
    train.add_argument("--init", help="start from this .keras model's weights (a warm restart)")
    train.add_argument("--average-epochs", type=int, help="average the weights of the last N epochs (default 0: off)")
    train.add_argument("--floor-lr", type=float, help="learning rate the schedule ends at, held while averaging")
    train.add_argument(
        "--teacher", action="append", help="a trained .keras model to learn from as well as the labels (repeatable)"
    )
    train.add_argument("--teacher-weight", type=float, help="share of each target from the teachers (default 0.7)")
    train.add_argument("--erase", type=float, help="share of faces with a random patch erased (default 0: off)")
    train.add_argument("--votes", help="FER+ votes (ferplus.csv): leave out non-faces, blend the votes into targets")
    train.add_argument("--vote-weight", type=float, help="share of each target from the FER+ votes (default 0.5)")

    evaluate = commands.add_parser("evaluate", help="score the model on labelled images")
    evaluate.add_argument("data", help="folder of <class>/ images, or a FER2013 CSV")
    evaluate.add_argument("--crops", action="store_true", help="images are face crops (else photos: detect first)")
    evaluate.add_argument("--out", default="metrics.json", help="where to write the metrics")
    _add_model_options(evaluate)

    calibrate = commands.add_parser(
        "calibrate", help="fit the confidence calibration and the 'uncertain' margin of a trained model"
    )
    calibrate.add_argument("--data", required=True, help="the FER2013 copy the model was trained on (CSV or folders)")
    calibrate.add_argument("--model", default=None, help="emotion model (.keras; default: the shipped one)")

    video = commands.add_parser("video", help="analyse a video file: each person's emotions over time, as CSV")
    video.add_argument("video", help="video file (MP4, MOV, WebM, MKV or AVI)")
    video.add_argument("--out", required=True, help="CSV file: one row per person per analysed frame")
    video.add_argument("--every", type=_positive, default=1, metavar="N", help="analyse every Nth frame (default 1)")
    video.add_argument("--annotate", metavar="OUT.mp4", help="also write the video with numbered boxes and emotions")
    _add_model_options(video)
    video.add_argument("--range", choices=("near", "far", "auto"), default="near", help="face detector range")

    card = commands.add_parser("card", help="write MODEL_CARD.md from the metrics and history in a model folder")
    card.add_argument("--models", default="models", help="folder holding metrics.json, history.csv, recipe.json")

    args = parser.parse_args(argv)
    try:
        return {
            "analyze": _analyze,
            "train": _train,
            "evaluate": _evaluate,
            "calibrate": _calibrate,
            "card": _card,
            "video": _video,
        }[args.command](args)
    except FerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    from .classify import DEFAULT_MODEL

    parser.add_argument("--model", default=str(DEFAULT_MODEL), help="emotion model (.keras)")
    parser.add_argument("--tta", action="store_true", help="average 12 views of each face (mirrored, zoomed in)")


def _analyze(args: argparse.Namespace) -> int:
    from .annotate import annotate
    from .images import load_image
    from .recognizer import EmotionRecognizer

    recognizer = EmotionRecognizer(args.model, detector_range=args.range, tta=args.tta)
    single_file = args.annotate and len(args.images) == 1 and Path(args.annotate).suffix.lower() in IMAGE_SUFFIXES
    reports, failed = [], 0
    for path in args.images:
        report = {"path": path, "error": None, "width": None, "height": None, "faces": []}
        try:
            rgb = load_image(path)
            results = recognizer.analyze(rgb)
        except FerError as exc:
            report["error"] = str(exc)
            failed += 1
        else:
            report.update(height=rgb.shape[0], width=rgb.shape[1])
            report["faces"] = [{"face": i, **r.to_dict()} for i, r in enumerate(results, start=1)]
            if args.annotate:
                target = (
                    Path(args.annotate) if single_file else Path(args.annotate) / f"{Path(path).stem}_annotated.jpg"
                )
                target.parent.mkdir(parents=True, exist_ok=True)
                _write_rgb(target, annotate(rgb, results, show_probabilities=True))
        reports.append(report)
    if args.json:
        from .labels import EMOTIONS

        print(json.dumps({"model": Path(args.model).name, "emotions": list(EMOTIONS), "images": reports}, indent=2))
    else:
        for report in reports:
            _print_report(report)
    return 1 if failed else 0


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


def _train(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from .train import Recipe, train

    options = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "peak_learning_rate": args.peak_lr,
        "warmup_epochs": args.warmup_epochs,
        "init_from": args.init,
        "average_epochs": args.average_epochs,
        "floor_learning_rate": args.floor_lr,
        "teachers": tuple(args.teacher) if args.teacher else None,
        "teacher_weight": args.teacher_weight,
        "erase_probability": args.erase,
        "votes": args.votes,
        "vote_weight": args.vote_weight,
    }
    changes = {k: v for k, v in options.items() if v is not None}
    path = train(args.data, args.out, replace(Recipe(), **changes))
    print(f"best model written to {path}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate
    from .recognizer import EmotionRecognizer

    recognizer = EmotionRecognizer(args.model, tta=args.tta)
    bar = _ProgressBar("evaluating")
    metrics = evaluate(args.data, recognizer, crops=args.crops, progress=bar)
    bar.close()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(metrics, indent=2) + "\n")
    print(
        f"accuracy {metrics['accuracy']:.2%}, macro-F1 {metrics['macro_f1']:.3f}, "
        f"calibration error {metrics['expected_calibration_error']:.3f} on {metrics['n_scored']} images "
        f"({metrics['n_unreadable']} unreadable, {metrics['n_no_face']} without a face); written to {args.out}"
    )
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from .calibrate import calibrate_model
    from .classify import DEFAULT_MODEL

    report = calibrate_model(args.data, args.model or DEFAULT_MODEL)
    val = report["val"]
    print(
        f"temperature fitted on {report['temperature_fitted_on']}; val calibration error "
        f"{report['val_ece_before']:.3f} -> {report['val_ece_after']:.3f}; {val['uncertain_share']:.1%} of val "
        f"faces called uncertain, one-word answers right {val['accuracy_when_certain'] or 0:.1%} of the time"
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
    bar = _ProgressBar("analysing")
    try:
        analysis = analyze_video(
            args.video, recognizer, args.every, args.annotate, progress=lambda p: bar(p.done, p.total)
        )
    finally:
        bar.close()
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


def _card(args: argparse.Namespace) -> int:
    from .model_card import write_model_card

    try:
        print(f"written to {write_model_card(args.models)}")
    except FileNotFoundError as exc:
        raise FerError(f"{exc.filename} is missing: run train and evaluate first.") from exc
    return 0


class _ProgressBar:
    """A one-line text progress bar on stderr."""

    def __init__(self, title: str) -> None:
        self.title = title

    def __call__(self, done: int, total: int) -> None:
        filled = round(30 * done / total) if total else 30
        print(f"\r{self.title} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", end="", file=sys.stderr)

    def close(self) -> None:
        print(file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
