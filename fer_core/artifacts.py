"""Read what training and evaluation left on disk (metrics.json, history.csv) and a dataset's layout, without Keras."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from .calibrate import CALIBRATION_FILE
from .data import IMAGE_SUFFIXES
from .errors import DatasetError
from .labels import EMOTIONS

MODEL_CARD_FILE = "MODEL_CARD.md"
AVERAGE_FILE = "average.json"
"""Written by training that averages weights: how many epochs, and the average's val accuracy against the best epoch."""
RECIPE_FILE = "recipe.json"
"""Written by training: every setting that decided the weights, and the recipes of the models it started from."""
SPLITS: tuple[str, ...] = ("train", "val")
"""Dataset splits the Dashboard describes."""


def read_metrics(path: str | Path) -> dict | None:
    """The evaluation report at `path` (output of fer_core.evaluate), or None when the file does not exist."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        metrics = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path.name} is not a readable metrics file: {exc}") from exc
    missing = {"accuracy", "macro_f1", "per_class", "confusion_matrix"} - set(metrics)
    if missing:
        raise DatasetError(f"{path.name} lacks {', '.join(sorted(missing))}; re-run `python -m fer_core evaluate`.")
    return metrics


def read_calibration_report(model_dir: str | Path) -> dict | None:
    """What `python -m fer_core calibrate` measured (calibration.json's report), or None when the model has none."""
    path = Path(model_dir) / CALIBRATION_FILE
    if not path.is_file():
        return None
    try:
        report = json.loads(path.read_text()).get("report")
    except (OSError, ValueError, AttributeError) as exc:
        raise DatasetError(f"{path.name} is not a readable calibration file: {exc}") from exc
    return report if isinstance(report, dict) and "val_ece_after" in report else None


def read_model_card(model_dir: str | Path) -> str | None:
    """MODEL_CARD.md's Markdown, or None when it has not been written."""
    path = Path(model_dir) / MODEL_CARD_FILE
    return path.read_text(encoding="utf-8") if path.is_file() else None


def continues_earlier_training(model_dir: str | Path) -> bool:
    """Whether the model's last training run started from an earlier model's weights (recipe.json's init_from),
    so its training curves show only that last stage and start high."""
    path = Path(model_dir) / RECIPE_FILE
    try:
        return bool(json.loads(path.read_text()).get("init_from"))
    except (OSError, ValueError, AttributeError):
        return False


def read_history(path: str | Path) -> list[dict[str, float]]:
    """Per-epoch rows of a Keras CSVLogger file (last row wins when a resumed run repeated an epoch); [] if absent."""
    path = Path(path)
    if not path.is_file():
        return []
    with path.open(newline="") as f:
        rows = {}
        for row in csv.DictReader(f):
            try:
                rows[int(row["epoch"])] = {k: float(v) for k, v in row.items() if v not in (None, "")}
            except (KeyError, ValueError):
                continue
    return [rows[e] for e in sorted(rows)]


def class_counts(data_dir: str | Path) -> dict[str, dict[str, int]]:
    """Image files per emotion for each split folder present (`<data_dir>/<split>/<emotion>/`); {} when none."""
    counts = {}
    for split in SPLITS:
        folder = Path(data_dir) / split
        if folder.is_dir():
            counts[split] = {emotion: len(_images(folder / emotion)) for emotion in EMOTIONS}
    return counts


def sample_faces(data_dir: str | Path, per_class: int, split: str = "train") -> dict[str, list[Path]]:
    """The first `per_class` images (by name) of each emotion in one split, for a grid of examples."""
    folder = Path(data_dir) / split
    return {emotion: sorted(_images(folder / emotion))[:per_class] for emotion in EMOTIONS}


def _images(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        return [Path(e.path) for e in entries if e.is_file() and os.path.splitext(e.name)[1].lower() in IMAGE_SUFFIXES]
