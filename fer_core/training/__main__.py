"""`python -m fer_core.training`: train the emotion model, fit its calibration, write its model card."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from ..cli import run_command
from ..errors import FerError
from ..model_files import DEFAULT_MODEL

_RECIPE_FLAGS = {
    "epochs": "number of epochs (default: the recipe's)",
    "batch_size": "images per step (default: the recipe's)",
    "peak_lr": "highest learning rate of the schedule (default: the recipe's)",
    "warmup_epochs": "epochs rising to the peak learning rate",
    "average_epochs": "average the weights of the last N epochs (default 0: off)",
    "floor_lr": "learning rate the schedule ends at, held while averaging",
    "teacher_weight": "share of each target from the teachers (default 0.7)",
    "erase": "share of faces with a random patch erased (default 0: off)",
    "vote_weight": "share of each target from the FER+ votes (default 0.5)",
    "photo_look": "share of faces made to look like real photos: blur, light, contrast (default 0: off)",
    "edge_streaks": "share of faces given a side of repeated edge pixels, like crops past a photo's edge (default 0)",
}
_TO_RECIPE = {
    "peak_lr": "peak_learning_rate",
    "floor_lr": "floor_learning_rate",
    "erase": "erase_probability",
    "photo_look": "photo_probability",
    "edge_streaks": "streak_probability",
}
_WHOLE = ("epochs", "batch_size", "warmup_epochs", "average_epochs")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m fer_core.training", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train the emotion model on FER2013 (CSV or folders)")
    train.add_argument("--data", required=True, help="FER2013 CSV file or folder with train/ and val/")
    train.add_argument("--out", default="models", help="folder for the model, history and recipe")
    for name, text in _RECIPE_FLAGS.items():
        train.add_argument(f"--{name.replace('_', '-')}", type=int if name in _WHOLE else float, help=text)
    train.add_argument("--init", help="start from this .keras model's weights (a warm restart)")
    train.add_argument("--teacher", action="append", help="a trained .keras model to learn from too (repeatable)")
    train.add_argument("--votes", help="FER+ votes (ferplus.csv): leave out non-faces, blend the votes into targets")

    calibrate = commands.add_parser("calibrate", help="fit the confidence calibration and the 'uncertain' margin")
    calibrate.add_argument("--data", required=True, help="the FER2013 copy the model was trained on (CSV or folders)")
    calibrate.add_argument("--model", default=str(DEFAULT_MODEL), help="emotion model (.keras)")

    card = commands.add_parser("card", help="write MODEL_CARD.md from the metrics and history in a model folder")
    card.add_argument("--models", default="models", help="folder holding metrics.json, history.csv, recipe.json")

    return run_command(parser.parse_args(argv), {"train": _train, "calibrate": _calibrate, "card": _card})


def _train(args: argparse.Namespace) -> int:
    from .recipe import Recipe
    from .train import train

    options = {_TO_RECIPE.get(name, name): getattr(args, name) for name in _RECIPE_FLAGS}
    options |= {"init_from": args.init, "votes": args.votes}
    options["teachers"] = tuple(args.teacher) if args.teacher else None
    changes = {key: value for key, value in options.items() if value is not None}
    path = train(args.data, args.out, replace(Recipe(), **changes))
    print(f"best model written to {path}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from .calibrate import calibrate_model

    report = calibrate_model(args.data, args.model)
    val = report["val"]
    print(
        f"temperature fitted on {report['temperature_fitted_on']}; val calibration error "
        f"{report['val_ece_before']:.3f} -> {report['val_ece_after']:.3f}; {val['uncertain_share']:.1%} of val "
        f"faces called uncertain, one-word answers right {val['accuracy_when_certain'] or 0:.1%} of the time"
    )
    return 0


def _card(args: argparse.Namespace) -> int:
    from .model_card import write_model_card

    try:
        print(f"written to {write_model_card(args.models)}")
    except FileNotFoundError as exc:
        raise FerError(f"{exc.filename} is missing: run train and evaluate first.") from exc
    return 0


if __name__ == "__main__":
    sys.exit(main())
