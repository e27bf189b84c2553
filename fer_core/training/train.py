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

from ..classify import tta_views
from ..datasets import Split, load_fer2013
from ..errors import DatasetError
from ..labels import EMOTIONS
from ..model_files import AVERAGE_FILE, HISTORY_FILE, MODEL_FILE, RECIPE_FILE, read_history
from .ferplus import crowd_majority, crowd_targets, is_face, read_votes
from .model import build_model

_RUNNING_AVERAGE = "average.npz"
_TEACHER_ANSWERS = "teacher_answers.npz"


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
    average_epochs: int = 0
    """Average the weights of the last N epochs (stochastic weight averaging), the learning rate held at
    `floor_learning_rate` through them; the average is kept if it beats the best single epoch on val."""
    floor_learning_rate: float = 0.0
    """Where the cosine schedule ends (and stays while weights are averaged)."""
    teachers: tuple[str, ...] = ()
    """Trained .keras models whose averaged answers (each over its twelve test-time views) are blended into every
    training label: knowledge distillation, so one plain look learns what the ensemble sees."""
    teacher_weight: float = 0.7
    """Share of each training target that comes from the teachers (the rest is the dataset's label)."""
    erase_probability: float = 0.0
    """Share of training faces that get a random patch replaced by noise (random erasing; see model.build_model)."""
    votes: str | None = None
    """FER+ crowd votes (ferplus.csv): non-faces are left out and each target blends the label with the votes."""
    vote_weight: float = 0.5
    """Share of each training target that comes from the FER+ votes (see ferplus.crowd_targets)."""


def _recipe_record(recipe: Recipe) -> dict:
    """The recipe as saved beside the model; a warm restart also keeps the recipe saved with the model it started
    from (`init_recipe`), so the model card can give every command that led to the weights."""
    record = asdict(recipe)
    if recipe.init_from:
        record["init_recipe"] = _saved_recipe(recipe.init_from)
    if recipe.teachers:
        record["teacher_recipes"] = [_saved_recipe(teacher) for teacher in recipe.teachers]
    return record


def _saved_recipe(model_path: str) -> dict | None:
    """The recipe saved beside a trained model, or None when there is none."""
    path = Path(model_path).with_name(RECIPE_FILE)
    return json.loads(path.read_text()) if path.is_file() else None


def read_recipe(path: str | Path) -> Recipe:
    """The Recipe saved in a recipe.json (what was recorded about the models it started from is left aside)."""
    saved = json.loads(Path(path).read_text())
    fields = {key: value for key, value in saved.items() if key in Recipe.__dataclass_fields__}
    fields["teachers"] = tuple(fields.get("teachers", ()))
    return Recipe(**fields)


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
    train_targets = keras.utils.to_categorical(train_split.labels, len(EMOTIONS))
    val_targets = keras.utils.to_categorical(val_split.labels, len(EMOTIONS))
    scoring: list[keras.callbacks.Callback] = []
    if recipe.votes:
        train_split, train_targets = _with_votes(recipe, "train", train_split)
        val_split, val_targets = _with_votes(recipe, "val", val_split)
        scoring.append(CrowdAgreement(val_split, read_votes(recipe.votes, "val", val_split)))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / RECIPE_FILE).write_text(json.dumps(_recipe_record(recipe), indent=2) + "\n")

    keras.utils.set_random_seed(recipe.seed)
    model = build_model(width=recipe.width, erase_probability=recipe.erase_probability)
    if recipe.init_from:
        model.load_weights(recipe.init_from)
    steps_per_epoch = int(np.ceil(len(train_split) / recipe.batch_size))
    model.compile(
        optimizer=keras.optimizers.SGD(
            learning_schedule(recipe, steps_per_epoch), momentum=0.9, nesterov=True, weight_decay=recipe.weight_decay
        ),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=recipe.label_smoothing),
        metrics=["accuracy"],
    )
    monitor = selection_metric(recipe)
    built_in = [
        *scoring,
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
        built_in.append(WeightAverage(out / _RUNNING_AVERAGE, first_epoch=recipe.epochs - recipe.average_epochs))
    if recipe.teachers:
        taught = _teacher_answers(recipe.teachers, train_split.images, out / _TEACHER_ANSWERS)
        train_targets = (1 - recipe.teacher_weight) * train_targets + recipe.teacher_weight * taught
    model.fit(
        ShuffledBatches(train_split.images, train_targets, recipe.batch_size, recipe.seed),
        validation_data=(_as_input(val_split.images), val_targets),
        epochs=recipe.epochs,
        class_weight=class_weights(train_split.labels, recipe.class_weight_power),
        callbacks=[*built_in, *callbacks],
        verbose=1 if sys.stdout.isatty() else 2,
    )
    if recipe.average_epochs:
        _keep_average_if_better(model, out, train_split, val_split)
    (out / _TEACHER_ANSWERS).unlink(missing_ok=True)
    _strip_optimizer(out / MODEL_FILE)
    return out / MODEL_FILE


def selection_metric(recipe: Recipe | dict) -> str:
    """The val score that picks the epoch to keep: agreement with the FER+ crowd when training used its votes."""
    votes = recipe.get("votes") if isinstance(recipe, dict) else recipe.votes
    return "val_crowd_accuracy" if votes else "val_accuracy"


def _with_votes(recipe: Recipe, split_name: str, split: Split) -> tuple[Split, np.ndarray]:
    """The split without the images the FER+ crowd called non-faces, and its label-and-votes targets."""
    votes = read_votes(recipe.votes, split_name, split)
    faces = is_face(votes)
    return split.select(faces), crowd_targets(split.labels[faces], votes[faces], recipe.vote_weight)


class CrowdAgreement(keras.callbacks.Callback):
    """After each epoch, log val accuracy against the FER+ crowd's majority (`val_crowd_accuracy`, faces with a
    clear majority only) and against FER2013's own labels (`val_label_accuracy`), for choosing the epoch to keep."""

    def __init__(self, val_split: Split, votes: np.ndarray) -> None:
        super().__init__()
        self.images = _as_input(val_split.images)
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
    training does, for reproducible weights), so every epoch would see the very same batches.
    """

    def __init__(self, images: np.ndarray, targets: np.ndarray, batch_size: int, seed: int) -> None:
        super().__init__()
        self.images = images
        self.targets = targets
        self.batch_size = batch_size
        self._random = np.random.default_rng(seed)
        self.order = self._random.permutation(len(images))

    def __len__(self) -> int:
        return -(-len(self.images) // self.batch_size)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        chosen = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        return _as_input(self.images[chosen]), self.targets[chosen]

    def on_epoch_end(self) -> None:
        self.order = self._random.permutation(len(self.images))


def teacher_probabilities(teachers: Sequence[str], images: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """(N, 7): the mean answer of the `teachers` on (N, 48, 48) faces, each averaged over the twelve tta_views.

    Backend-neutral (plain `predict`), so a GPU run with torch or jax computes it too.
    """
    total = np.zeros((len(images), len(EMOTIONS)), np.float32)
    for teacher in teachers:
        model = keras.models.load_model(teacher, compile=False)
        for start in range(0, len(images), chunk):
            views = tta_views(images[start : start + chunk])
            answers = model.predict(
                views.reshape(-1, *views.shape[2:], 1).astype(np.float32), batch_size=1024, verbose=0
            )
            total[start : start + chunk] += answers.reshape(len(views), -1, len(EMOTIONS)).mean(axis=0)
    return total / len(teachers)


def _teacher_answers(teachers: Sequence[str], images: np.ndarray, path: Path) -> np.ndarray:
    """teacher_probabilities, saved at `path` until training ends: a resumed run reads them instead of spending
    another half hour of a 2-core CPU on them."""
    if path.is_file():
        with np.load(path) as saved:
            if saved["teachers"].tolist() == list(teachers) and saved["answers"].shape[0] == len(images):
                return saved["answers"]
    answers = teacher_probabilities(teachers, images)
    np.savez(path, answers=answers, teachers=np.array(teachers))
    return answers


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


class WeightAverage(keras.callbacks.Callback):
    """Running mean of the trainable weights from `first_epoch` on, kept on disk so a resumed run goes on with it."""

    def __init__(self, path: Path, first_epoch: int) -> None:
        super().__init__()
        self.path = Path(path)
        self.first_epoch = first_epoch

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if epoch < self.first_epoch:
            return
        current = [np.asarray(v) for v in self.model.trainable_weights]
        mean, count = self.read()
        if count:
            current = [m + (c - m) / (count + 1) for m, c in zip(mean, current, strict=True)]
        partial = self.path.with_suffix(".partial")
        with partial.open("wb") as file:
            np.savez(file, *current, count=count + 1)
        partial.replace(self.path)

    def read(self) -> tuple[list[np.ndarray], int]:
        """(mean weights, number of epochs in the mean); ([], 0) before the first averaged epoch."""
        if not self.path.is_file():
            return [], 0
        with np.load(self.path) as saved:
            count = int(saved["count"])
            return [saved[f"arr_{i}"] for i in range(len(saved.files) - 1)], count


def _keep_average_if_better(model: keras.Model, out: Path, train_split: Split, val_split: Split) -> None:
    """Load the averaged weights, re-estimate batch-norm statistics for them, and keep them if val says so."""
    mean, count = WeightAverage(out / _RUNNING_AVERAGE, 0).read()
    for variable, value in zip(model.trainable_weights, mean, strict=True):
        variable.assign(value)
    _update_batch_norm(model, train_split.images)
    probabilities = model.predict(_as_input(val_split.images), batch_size=256, verbose=0)
    accuracy = float(np.mean(probabilities.argmax(axis=1) == val_split.labels))
    best_epoch = _best_val_accuracy(out / HISTORY_FILE) or 0.0
    kept = accuracy > best_epoch
    if kept:
        model.save(out / MODEL_FILE)
    record = {"epochs_averaged": count, "val_accuracy": accuracy, "best_epoch_val_accuracy": best_epoch, "kept": kept}
    (out / AVERAGE_FILE).write_text(json.dumps(record, indent=2) + "\n")
    (out / _RUNNING_AVERAGE).unlink()
    print(f"weights averaged over {count} epochs: val accuracy {accuracy:.4f} ({'kept' if kept else 'not kept'})")


def _update_batch_norm(model: keras.Model, images: np.ndarray, batch_size: int = 128) -> None:
    """Set every batch-norm layer's statistics to their plain average over one pass of `images` (as in training)."""
    norms = [layer for layer in model._flatten_layers() if isinstance(layer, keras.layers.BatchNormalization)]
    momenta = [layer.momentum for layer in norms]
    order = np.random.default_rng(0).permutation(len(images))
    for step, start in enumerate(range(0, len(images), batch_size)):
        for layer in norms:
            layer.momentum = step / (step + 1)
        model(_as_input(images[order[start : start + batch_size]]), training=True)
    for layer, momentum in zip(norms, momenta, strict=True):
        layer.momentum = momentum


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
    return _best_so_far(history, "val_accuracy")


def _best_so_far(history: Path, column: str) -> float | None:
    """The best `column` value of the epochs already run (a resumed run must beat it to replace the kept model)."""
    rows = [row for row in read_history(history) if row.get(column) is not None]
    return max(row[column] for row in rows) if rows else None


def _strip_optimizer(path: Path) -> None:
    """Re-save the kept model without optimizer state: half the file, and serving never needs it."""
    keras.models.load_model(path, compile=False).save(path)


def _as_input(images: np.ndarray) -> np.ndarray:
    return images[..., None].astype(np.float32)
