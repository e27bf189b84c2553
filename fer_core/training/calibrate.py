"""Fit the model's calibration: the temperature on train faces training kept out, the uncertain margin on val.

What is fitted here is applied at run time by `fer_core.calibration`.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..calibration import Calibration, margins, uncertainty_report
from ..classify import EmotionClassifier
from ..datasets import load_fer2013
from ..errors import DatasetError
from ..evaluate import calibration
from ..model_files import RECIPE_FILE
from .recipe import calibration_split, read_recipe

CERTAIN_ACCURACY_TARGET = 0.8
"""A one-word answer must be right at least this often on val; below the margin that gives it, say 'A or B?'."""


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


def calibrate_model(data: str | Path, model_path: str | Path) -> dict:
    """Fit the temperature on the train faces training kept out, pick the uncertain margin on val, save both.

    Returns the report written into calibration.json (faces used, temperature, val ECE before and after).
    """
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
