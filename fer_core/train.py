"""Train the emotion CNN on FER2013: the recipe (data, augmentation, class weights, schedule) in one place.

Resumable: an interrupted run restarts from its last finished epoch. The saved model is the epoch with the
best val accuracy (val is only ever used to pick that epoch).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import numpy as np

from .artifacts import read_history
from .data import Split, load_fer2013
from .errors import DatasetError
from .labels import EMOTIONS
from .model import build_model

MODEL_FILE = "emotion.keras"
HISTORY_FILE = "history.csv"
RECIPE_FILE = "recipe.json"


@dataclass(frozen=True)
class Recipe:
    """Everything that decides the trained weights, saved beside them."""

    epochs: int = 60
    batch_size: int = 64
    peak_learning_rate: float = 0.05
    warmup_epochs: int = 2
    weight_decay: float = 5e-4
    label_smoothing: float = 0.1
    class_weight_power: float = 0.35
    width: int = 48
    seed: int = 1
    calibration_fraction: float = 0.05
    """Share of each train class kept out of training, to fit the confidence calibration on unseen faces."""
    init_from: str | None = None
    """A .keras model of the same width to start from (a warm restart: a second, shorter schedule)."""


def _recipe_record(recipe: Recipe) -> dict:
    """The recipe as saved beside the model; a warm restart also keeps the recipe saved with the model it started
    from (`init_recipe`), so the model card can give every command that led to the weights."""
    record = asdict(recipe)
    if recipe.init_from:
        start = Path(recipe.init_from).with_name(RECIPE_FILE)
        record["init_recipe"] = json.loads(start.read_text()) if start.is_file() else None
    return record


def train(
    data: str | Path,
    out: str | Path,
    recipe: Recipe = Recipe(),
    callbacks: Sequence[keras.callbacks.Callback] = (),
) -> Path:
    """Train on `data`'s train split, pick the best epoch on its val split, and write the model and history to `out`.

    `callbacks` are extra Keras callbacks (progress reporting, stopping early); they run after the
    built-in ones, so an epoch is already saved for resuming when they see it end.
    """
    splits = load_fer2013(data)
    if "train" not in splits or "val" not in splits:
        raise DatasetError(f"{data} needs both a train and a val split (found: {', '.join(sorted(splits))}).")
    train_split, _ = calibration_split(splits["train"], recipe)
    val_split = splits["val"]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / RECIPE_FILE).write_text(json.dumps(_recipe_record(recipe), indent=2) + "\n")

    keras.utils.set_random_seed(recipe.seed)
    model = build_model(width=recipe.width)
    if recipe.init_from:
        model.load_weights(recipe.init_from)
    steps_per_epoch = int(np.ceil(len(train_split) / recipe.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=recipe.peak_learning_rate / 100,
        warmup_target=recipe.peak_learning_rate,
        warmup_steps=recipe.warmup_epochs * steps_per_epoch,
        decay_steps=(recipe.epochs - recipe.warmup_epochs) * steps_per_epoch,
    )
    model.compile(
        optimizer=keras.optimizers.SGD(schedule, momentum=0.9, nesterov=True, weight_decay=recipe.weight_decay),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=recipe.label_smoothing),
        metrics=["accuracy"],
    )
    best_so_far = _best_val_accuracy(out / HISTORY_FILE)
    built_in = [
        keras.callbacks.BackupAndRestore(str(out / "resume")),
        keras.callbacks.ModelCheckpoint(
            str(out / MODEL_FILE),
            monitor="val_accuracy",
            mode="max",
            save_best_only=True,
            initial_value_threshold=best_so_far,
        ),
        keras.callbacks.CSVLogger(str(out / HISTORY_FILE), append=True),
    ]
    model.fit(
        _as_input(train_split.images),
        keras.utils.to_categorical(train_split.labels, len(EMOTIONS)),
        validation_data=(_as_input(val_split.images), keras.utils.to_categorical(val_split.labels, len(EMOTIONS))),
        batch_size=recipe.batch_size,
        epochs=recipe.epochs,
        class_weight=class_weights(train_split.labels, recipe.class_weight_power),
        callbacks=[*built_in, *callbacks],
        verbose=1 if sys.stdout.isatty() else 2,
    )
    _strip_optimizer(out / MODEL_FILE)
    return out / MODEL_FILE


def calibration_split(train_split: Split, recipe: Recipe) -> tuple[Split, Split]:
    """Return (faces to train on, faces kept for calibration): the same slice for the same recipe."""
    return train_split.split_off(recipe.calibration_fraction, recipe.seed)


def class_weights(labels: np.ndarray, power: float) -> dict[int, float]:
    """Weight each class by (largest class count / its count) ** power, so rare emotions (disgust) are not ignored."""
    counts = np.bincount(labels, minlength=len(EMOTIONS)).astype(np.float64)
    weights = (counts.max() / np.maximum(counts, 1)) ** power
    weights /= (weights * counts).sum() / counts.sum()
    return {i: float(w) for i, w in enumerate(weights)}


def _best_val_accuracy(history: Path) -> float | None:
    rows = read_history(history)
    return max(r["val_accuracy"] for r in rows) if rows else None


def _strip_optimizer(path: Path) -> None:
    """Re-save the kept model without optimizer state: half the file, and serving never needs it."""
    keras.models.load_model(path, compile=False).save(path)


def _as_input(images: np.ndarray) -> np.ndarray:
    return images[..., None].astype(np.float32)
