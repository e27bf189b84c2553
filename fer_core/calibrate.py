"""Make the model's confidence honest: temperature scaling, and when to answer "uncertain" instead of one word.

A network trained with cross-entropy is usually over- or under-confident. Dividing its logits by one fitted
temperature fixes most of that without changing which emotion wins. Both settings live in `calibration.json`
beside the model, so every caller (pages, CLI, evaluation) gets the same calibrated probabilities.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .errors import ModelNotFoundError

CALIBRATION_FILE = "calibration.json"
CERTAIN_ACCURACY_TARGET = 0.8
"""A one-word answer must be right at least this often on val; below the margin that gives it, say 'A or B?'."""


@dataclass(frozen=True)
class Calibration:
    """How to turn the network's raw probabilities into calibrated ones, and how close a call is 'uncertain'."""

    temperature: float = 1.0
    uncertain_margin: float = 0.0
    """A face is uncertain when its top probability leads the second by less than this (0: never)."""

    def apply(self, probabilities: np.ndarray) -> np.ndarray:
        """Raw (N, 7) softmax outputs -> calibrated ones: softmax(logits / temperature), same ranking."""
        logits = np.log(np.clip(np.asarray(probabilities, dtype=np.float64), 1e-12, 1.0)) / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        scaled = np.exp(logits)
        return (scaled / scaled.sum(axis=1, keepdims=True)).astype(np.float32)

    def save(self, model_dir: str | Path, report: dict | None = None) -> Path:
        """Write calibration.json into model_dir, with the measurements that justify it under "report"."""
        path = Path(model_dir) / CALIBRATION_FILE
        path.write_text(json.dumps({**asdict(self), "report": report or {}}, indent=2) + "\n")
        return path


def load_calibration(model_path: str | Path) -> Calibration:
    """The calibration shipped beside `model_path`; none there means raw probabilities (temperature 1)."""
    path = Path(model_path).parent / CALIBRATION_FILE
    if not path.is_file():
        return Calibration()
    try:
        data = json.loads(path.read_text())
        calibration = Calibration(float(data["temperature"]), float(data["uncertain_margin"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelNotFoundError(f"The model's calibration file {path.name} is damaged: {exc}") from exc
    if not (calibration.temperature > 0 and 0 <= calibration.uncertain_margin < 1):
        raise ModelNotFoundError(f"The model's calibration file {path.name} has impossible values.")
    return calibration


def margins(probabilities: np.ndarray) -> np.ndarray:
    """How far each row's top probability leads its second."""
    top_two = np.sort(np.asarray(probabilities), axis=1)[:, -2:]
    return top_two[:, 1] - top_two[:, 0]


def fit_temperature(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood of `labels` (golden-section search on log T)."""
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) == 0:
        raise ValueError("no faces to fit a temperature on")

    def nll(log_t: float) -> float:
        calibrated = Calibration(math.exp(log_t)).apply(probabilities)
        return float(-np.log(np.clip(calibrated[np.arange(len(labels)), labels], 1e-12, None)).mean())

    low, high = math.log(0.05), math.log(20.0)
    ratio = (math.sqrt(5) - 1) / 2
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    for _ in range(60):
        if nll(a) < nll(b):
            high, b = b, a
            a = high - ratio * (high - low)
        else:
            low, a = a, b
            b = low + ratio * (high - low)
    return math.exp((low + high) / 2)


def choose_uncertain_margin(
    labels: np.ndarray, probabilities: np.ndarray, target: float = CERTAIN_ACCURACY_TARGET
) -> float:
    """The smallest margin above which answers are right at least `target` of the time (0 if all already are)."""
    labels = np.asarray(labels, dtype=np.int64)
    gaps = margins(probabilities)
    correct = np.asarray(probabilities).argmax(axis=1) == labels
    order = np.argsort(-gaps)
    running_accuracy = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    meets = np.flatnonzero(running_accuracy >= target)
    if len(meets) == 0:
        return 1.0 - 1e-6
    last = meets[-1]
    if last == len(order) - 1:
        return 0.0
    return float(gaps[order[last]])


def uncertainty_report(labels: np.ndarray, probabilities: np.ndarray, margin: float) -> dict:
    """How the margin splits faces: share called uncertain, accuracy of one-word answers, top-2 hits of the rest."""
    labels = np.asarray(labels, dtype=np.int64)
    probabilities = np.asarray(probabilities)
    uncertain = margins(probabilities) < margin
    correct = probabilities.argmax(axis=1) == labels
    in_top_two = (np.argsort(-probabilities, axis=1)[:, :2] == labels[:, None]).any(axis=1)
    return {
        "uncertain_share": float(uncertain.mean()) if len(labels) else 0.0,
        "accuracy_when_certain": float(correct[~uncertain].mean()) if (~uncertain).any() else None,
        "accuracy_when_uncertain": float(correct[uncertain].mean()) if uncertain.any() else None,
        "top_two_accuracy_when_uncertain": float(in_top_two[uncertain].mean()) if uncertain.any() else None,
    }


def calibrate_model(data: str | Path, model_path: str | Path) -> dict:
    """Fit the temperature on the train faces training kept out, pick the uncertain margin on val, save both.

    Returns the report written into calibration.json (faces used, temperature, val ECE before and after).
    """
    from .classify import EmotionClassifier
    from .data import load_fer2013
    from .errors import DatasetError
    from .evaluate import calibration
    from .train import RECIPE_FILE, calibration_split, read_recipe

    model_path = Path(model_path)
    recipe_path = model_path.parent / RECIPE_FILE
    if not recipe_path.is_file():
        raise DatasetError(f"{recipe_path} is missing: it says which train faces were kept out for calibration.")
    recipe = read_recipe(recipe_path)
    splits = load_fer2013(data)
    if "train" not in splits or "val" not in splits:
        raise DatasetError(f"{data} needs both a train and a val split to calibrate.")
    _, held_out = calibration_split(splits["train"], recipe)
    if len(held_out) == 0:
        raise DatasetError("Training kept no faces out (calibration_fraction is 0), so there is nothing to fit on.")
    classifier = EmotionClassifier(model_path, calibrated=False)
    held_out_raw = classifier.probabilities(held_out.images)
    temperature = fit_temperature(held_out.labels, held_out_raw)
    val = splits["val"]
    raw = classifier.probabilities(val.images)
    calibrated = Calibration(temperature).apply(raw)
    margin = choose_uncertain_margin(val.labels, calibrated)
    report = {
        "temperature_fitted_on": f"{len(held_out)} train faces kept out of training",
        "uncertain_margin_chosen_on": f"val ({len(val)} faces)",
        "certain_accuracy_target": CERTAIN_ACCURACY_TARGET,
        "val_ece_before": calibration(val.labels, raw)[0],
        "val_ece_after": calibration(val.labels, calibrated)[0],
        "held_out_ece_before": calibration(held_out.labels, held_out_raw)[0],
        "held_out_ece_after": calibration(held_out.labels, Calibration(temperature).apply(held_out_raw))[0],
        "val": uncertainty_report(val.labels, calibrated, margin),
    }
    Calibration(temperature, margin).save(model_path.parent, report)
    return report
