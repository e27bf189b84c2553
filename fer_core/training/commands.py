"""The commands that reproduce a model folder: each train run (warm restarts and teachers first), then
calibration, evaluation and the card, rebuilt from the recipes saved beside the weights."""

from __future__ import annotations

import json
from dataclasses import asdict

from .recipe import Recipe

TRAIN_COMMAND = "python -m fer_core.training train --data ../shared/data/fer2013 --out"
TRAIN_FLAGS = {"epochs": "--epochs", "batch_size": "--batch-size", "peak_learning_rate": "--peak-lr"}
TRAIN_FLAGS |= {"warmup_epochs": "--warmup-epochs", "average_epochs": "--average-epochs"}
TRAIN_FLAGS |= {"floor_learning_rate": "--floor-lr", "teacher_weight": "--teacher-weight"}
TRAIN_FLAGS |= {"erase_probability": "--erase", "votes": "--votes", "vote_weight": "--vote-weight"}
TRAIN_FLAGS |= {"photo_probability": "--photo-look", "streak_probability": "--edge-streaks"}
"""Recipe fields the train command sets; any other field that differs from the defaults needs a code change."""
CALIBRATE_COMMAND = "python -m fer_core.training calibrate --data ../shared/data/fer2013"
CARD_COMMAND = "python -m fer_core.training card --models models"
ACCURACY_COMMAND = "python bench/accuracy.py --model models/emotion.keras --out models/accuracy.json"
EVALUATE_COMMANDS = (
    "python -m fer_core evaluate ../shared/data/fer2013/val --crops --out models/metrics.json",
    "python -m fer_core evaluate ../shared/data/fer2013/val --crops --tta --out models/metrics_tta.json",
)


def train_commands(recipe: dict, out: str = "models", done: dict[str, str] | None = None) -> list[str]:
    """The train commands that give weights with this recipe: flags where it differs from the defaults and, before
    it, the runs it builds on (the warm restart's start, the teachers; their recipes were saved with them), each
    into a folder of its own and each run once."""
    done = {} if done is None else done
    defaults = asdict(Recipe())
    changed = {key: recipe[key] for key in defaults if key in recipe and recipe[key] != defaults[key]}
    skipped = ("init_from", "teachers", *TRAIN_FLAGS)
    in_code = [f"{key}={value}" for key, value in changed.items() if key not in skipped]
    lines = [f"# first set {', '.join(in_code)} in fer_core.training.recipe.Recipe"] if in_code else []
    flags = [f"{flag} {changed[key]}" for key, flag in TRAIN_FLAGS.items() if key in changed]
    earlier = []
    if recipe.get("init_from"):
        start = _earlier_run(recipe["init_from"], recipe.get("init_recipe"), f"{out}-start", earlier, done)
        flags.append(f"--init {start}/emotion.keras")
    for number, teacher in enumerate(recipe.get("teachers") or (), start=1):
        saved = (recipe.get("teacher_recipes") or [None] * number)[number - 1]
        folder = _earlier_run(teacher, saved, f"{out}-teacher{number}", earlier, done)
        flags.append(f"--teacher {folder}/emotion.keras")
    return [*earlier, *lines, " ".join([TRAIN_COMMAND, out, *flags])]


def _earlier_run(path: str, recipe: dict | None, folder: str, lines: list[str], done: dict[str, str]) -> str:
    """Add the commands of a run this one builds on to `lines` (unless already there); returns its folder."""
    if recipe is None:
        lines.append(f"# {folder}/emotion.keras: the weights at {path} (recipe not saved)")
        return folder
    key = json.dumps(recipe, sort_keys=True)
    if key not in done:
        lines += train_commands(recipe, folder, done)
        done[key] = folder
    return done[key]
