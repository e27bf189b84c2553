"""Apply the model's calibration: temperature-scaled probabilities, and when a call is too close for one word.

A network trained with cross-entropy is usually over- or under-confident. Dividing its logits by one fitted
temperature fixes most of that without changing which emotion wins. Both settings live in `calibration.json`
beside the model (fitted by `fer_core.training.calibrate`), so every caller gets the same calibrated probabilities.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .errors import ModelNotFoundError
from .model_files import CALIBRATION_FILE


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
