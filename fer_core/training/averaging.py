"""Stochastic weight averaging: the mean of the last epochs' weights, kept only if it beats the best epoch on val."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np

from ..datasets import Split
from ..model_files import AVERAGE_FILE, HISTORY_FILE, MODEL_FILE, read_history
from .model import as_input

RUNNING_AVERAGE = "average.npz"
"""The running mean on disk, so a resumed run goes on with it; deleted when training ends."""


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


def keep_average_if_better(model: keras.Model, out: Path, train_split: Split, val_split: Split) -> None:
    """Load the averaged weights, re-estimate batch-norm statistics for them, and keep them if val says so."""
    mean, count = WeightAverage(out / RUNNING_AVERAGE, 0).read()
    for variable, value in zip(model.trainable_weights, mean, strict=True):
        variable.assign(value)
    _update_batch_norm(model, train_split.images)
    probabilities = model.predict(as_input(val_split.images), batch_size=256, verbose=0)
    accuracy = float(np.mean(probabilities.argmax(axis=1) == val_split.labels))
    best_epoch = max((row["val_accuracy"] for row in read_history(out / HISTORY_FILE)), default=0.0)
    kept = accuracy > best_epoch
    if kept:
        model.save(out / MODEL_FILE)
    record = {"epochs_averaged": count, "val_accuracy": accuracy, "best_epoch_val_accuracy": best_epoch, "kept": kept}
    (out / AVERAGE_FILE).write_text(json.dumps(record, indent=2) + "\n")
    (out / RUNNING_AVERAGE).unlink()
    print(f"weights averaged over {count} epochs: val accuracy {accuracy:.4f} ({'kept' if kept else 'not kept'})")


def _update_batch_norm(model: keras.Model, images: np.ndarray, batch_size: int = 128) -> None:
    """Set every batch-norm layer's statistics to their plain average over one pass of `images` (as in training)."""
    norms = [layer for layer in model._flatten_layers() if isinstance(layer, keras.layers.BatchNormalization)]
    momenta = [layer.momentum for layer in norms]
    order = np.random.default_rng(0).permutation(len(images))
    for step, start in enumerate(range(0, len(images), batch_size)):
        for layer in norms:
            layer.momentum = step / (step + 1)
        model(as_input(images[order[start : start + batch_size]]), training=True)
    for layer, momentum in zip(norms, momenta, strict=True):
        layer.momentum = momentum
