"""Train the emotion CNN on FER2013 (optionally with FER+ crowd votes): data, targets, schedule and the epoch loop.

Resumable: an interrupted run restarts from its last finished epoch. The saved model is the epoch with the
best val score (val is only ever used to pick that epoch; see recipe.selection_metric).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import keras
import numpy as np

from ..datasets import Split, load_fer2013
from ..errors import DatasetError
from ..ferplus import crowd_majority, crowd_targets, is_face, read_votes
from ..labels import EMOTIONS
from ..model_files import HISTORY_FILE, MODEL_FILE, RECIPE_FILE, read_history
from .averaging import RUNNING_AVERAGE, WeightAverage, keep_average_if_better
from .model import as_input, build_model
from .photo_look import edge_streaks, photo_look
from .recipe import Recipe, calibration_split, recipe_record, selection_metric
from .teachers import teacher_answers

_TEACHER_ANSWERS = "teacher_answers.npz"
"""The teachers' answers on disk until training ends, so a resumed run does not ask them again."""


def train(
    data: str | Path,
    out: str | Path,
    recipe: Recipe | None = None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
) -> Path:
    """Train on `data`'s train split, pick the best epoch on its val split, and write the model and history to `out`.

    `callbacks` are extra Keras callbacks (progress reporting, stopping early); they run after the
    built-in ones, so an epoch is already saved for resuming when they see it end. No recipe: the defaults.
    """
    recipe = recipe or Recipe()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / RECIPE_FILE).write_text(json.dumps(recipe_record(recipe), indent=2) + "\n")
    (train_split, train_targets), (val_split, val_targets) = _faces_and_targets(data, recipe, out)
    keras.utils.set_random_seed(recipe.seed)
    model = _compiled_model(recipe, steps_per_epoch=int(np.ceil(len(train_split) / recipe.batch_size)))
    scoring = [CrowdAgreement(val_split, read_votes(recipe.votes, "val", val_split.names))] if recipe.votes else []
    model.fit(
        ShuffledBatches(
            train_split.images,
            train_targets,
            recipe.batch_size,
            recipe.seed,
            recipe.photo_probability,
            recipe.streak_probability,
        ),
        validation_data=(as_input(val_split.images), val_targets),
        epochs=recipe.epochs,
        class_weight=class_weights(train_split.labels, recipe.class_weight_power),
        callbacks=[*scoring, *_saving(out, recipe), *callbacks],
        verbose=1 if sys.stdout.isatty() else 2,
    )
    if recipe.average_epochs:
        keep_average_if_better(model, out, train_split, val_split)
    (out / _TEACHER_ANSWERS).unlink(missing_ok=True)
    _strip_optimizer(out / MODEL_FILE)
    return out / MODEL_FILE


def _faces_and_targets(data: str | Path, recipe: Recipe, out: Path) -> tuple[tuple[Split, np.ndarray], ...]:
    """((train faces, their targets), (val faces, their targets)) as the recipe asks: the calibration faces kept
    out, non-faces left out and votes blended in when it uses FER+, teachers' answers blended in when it has any."""
    splits = load_fer2013(data)
    if "train" not in splits or "val" not in splits:
        raise DatasetError(f"{data} needs both a train and a val split (found: {', '.join(sorted(splits))}).")
    train_split, _ = calibration_split(splits["train"], recipe)
    val_split = splits["val"]
    if recipe.votes:
        train_split, train_targets = _with_votes(recipe, "train", train_split)
        val_split, val_targets = _with_votes(recipe, "val", val_split)
    else:
        train_targets = keras.utils.to_categorical(train_split.labels, len(EMOTIONS))
        val_targets = keras.utils.to_categorical(val_split.labels, len(EMOTIONS))
    if recipe.teachers:
        taught = teacher_answers(recipe.teachers, train_split.images, out / _TEACHER_ANSWERS)
        train_targets = (1 - recipe.teacher_weight) * train_targets + recipe.teacher_weight * taught
    return (train_split, train_targets), (val_split, val_targets)


def _compiled_model(recipe: Recipe, steps_per_epoch: int) -> keras.Model:
    """The network (from the recipe's starting weights, if any) with its optimizer, schedule and loss."""
    model = build_model(width=recipe.width, erase_probability=recipe.erase_probability)
    if recipe.init_from:
        model.load_weights(recipe.init_from)
    optimizer = keras.optimizers.SGD(
        learning_schedule(recipe, steps_per_epoch), momentum=0.9, nesterov=True, weight_decay=recipe.weight_decay
    )
    loss = keras.losses.CategoricalCrossentropy(label_smoothing=recipe.label_smoothing)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return model


def _saving(out: Path, recipe: Recipe) -> list[keras.callbacks.Callback]:
    """What is kept on disk each epoch: the state to resume from, the best model so far, the history row."""
    monitor = selection_metric(recipe)
    saving = [
        keras.callbacks.BackupAndRestore(str(out / "resume")),
        keras.callbacks.ModelCheckpoint(
            str(out / MODEL_FILE),
            monitor=monitor,
            mode="max",
            save_best_only=True,
            initial_value_threshold=_best_so_far(out / HISTORY_FILE, monitor),
        ),
        keras.callbacks.CSVLogger(str(out / HISTORY_FILE), append=True),
    ]
    if recipe.average_epochs:
        saving.append(WeightAverage(out / RUNNING_AVERAGE, first_epoch=recipe.epochs - recipe.average_epochs))
    return saving


def _with_votes(recipe: Recipe, split_name: str, split: Split) -> tuple[Split, np.ndarray]:
    """The split without the images the FER+ crowd called non-faces, and its label-and-votes targets."""
    votes = read_votes(recipe.votes, split_name, split.names)
    faces = is_face(votes)
    return split.select(faces), crowd_targets(split.labels[faces], votes[faces], recipe.vote_weight)


class CrowdAgreement(keras.callbacks.Callback):
    """After each epoch, log val accuracy against the FER+ crowd's majority (`val_crowd_accuracy`, faces with a
    clear majority only) and against FER2013's own labels (`val_label_accuracy`), for choosing the epoch to keep."""

    def __init__(self, val_split: Split, votes: np.ndarray) -> None:
        super().__init__()
        self.images = as_input(val_split.images)
        self.labels = val_split.labels
        self.majority = crowd_majority(votes)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        predicted = self.model.predict(self.images, batch_size=256, verbose=0).argmax(axis=1)
        clear = self.majority >= 0
        logs = logs if logs is not None else {}
        logs["val_crowd_accuracy"] = float(np.mean(predicted[clear] == self.majority[clear]))
        logs["val_label_accuracy"] = float(np.mean(predicted == self.labels))


class ShuffledBatches(keras.utils.PyDataset):
    """The training faces in batches, in a new random order every epoch.

    Keras' own shuffling of in-memory arrays repeats the same order every epoch once a global seed is set (as
    training does, for reproducible weights), so every epoch would see the very same batches. With
    `photo_probability`, that share of each batch is made to look like faces from real photos (see photo_look); with
    `streak_probability`, that share gets an edge streak (see edge_streaks).
    """

    def __init__(
        self,
        images: np.ndarray,
        targets: np.ndarray,
        batch_size: int,
        seed: int,
        photo_probability: float = 0.0,
        streak_probability: float = 0.0,
    ) -> None:
        super().__init__()
        self.images = images
        self.targets = targets
        self.batch_size = batch_size
        self.photo_probability = photo_probability
        self.streak_probability = streak_probability
        self._random = np.random.default_rng(seed)
        self.order = self._random.permutation(len(images))

    def __len__(self) -> int:
        return -(-len(self.images) // self.batch_size)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        chosen = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        faces = photo_look(self.images[chosen], self.photo_probability, self._random)
        faces = edge_streaks(faces, self.streak_probability, self._random)
        return faces[..., None], self.targets[chosen]

    def on_epoch_end(self) -> None:
        self.order = self._random.permutation(len(self.images))


def learning_schedule(recipe: Recipe, steps_per_epoch: int) -> keras.optimizers.schedules.LearningRateSchedule:
    """Warm up to the peak, cosine down to the floor, then hold the floor for the epochs whose weights are averaged."""
    decay_epochs = max(recipe.epochs - recipe.warmup_epochs - recipe.average_epochs, 1)
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=recipe.peak_learning_rate / 100,
        warmup_target=recipe.peak_learning_rate,
        warmup_steps=recipe.warmup_epochs * steps_per_epoch,
        decay_steps=decay_epochs * steps_per_epoch,
        alpha=recipe.floor_learning_rate / recipe.peak_learning_rate,
    )


def class_weights(labels: np.ndarray, power: float) -> dict[int, float]:
    """Weight each class by (largest class count / its count) ** power, so rare emotions (disgust) are not ignored."""
    counts = np.bincount(labels, minlength=len(EMOTIONS)).astype(np.float64)
    weights = (counts.max() / np.maximum(counts, 1)) ** power
    weights /= (weights * counts).sum() / counts.sum()
    return {i: float(w) for i, w in enumerate(weights)}


def _best_so_far(history: Path, column: str) -> float | None:
    """The best `column` value of the epochs already run (a resumed run must beat it to replace the kept model)."""
    rows = [row for row in read_history(history) if row.get(column) is not None]
    return max(row[column] for row in rows) if rows else None


def _strip_optimizer(path: Path) -> None:
    """Re-save the kept model without optimizer state: half the file, and serving never needs it."""
    keras.models.load_model(path, compile=False).save(path)
