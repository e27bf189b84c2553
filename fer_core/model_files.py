"""The model folder (`models/`), the contract between training and the rest: each file's name, who writes it and
who reads it, defined once here, and readers that need no Keras."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .errors import DatasetError

_INSTALLED_MODELS = Path(__file__).resolve().parent / "models"
MODELS_DIR = _INSTALLED_MODELS if _INSTALLED_MODELS.is_dir() else Path(__file__).resolve().parent.parent / "models"
"""The shipped model folder: the checkout's top-level models/, installed as fer_core/models by `pip install .`."""

MODEL_FILE = "emotion.keras"
"""The network (Keras 3). Written by training.train; read by classify."""
CALIBRATION_FILE = "calibration.json"
"""Temperature and uncertain margin, with what justified them. Written by training.calibrate; read by calibration."""
METRICS_FILE = "metrics.json"
"""Val scores, single pass. Written by `python -m fer_core evaluate`; read by the Dashboard and the model card."""
METRICS_TTA_FILE = "metrics_tta.json"
"""Val scores with 12 views (`evaluate --tta`); read by the Dashboard and the model card."""
ACCURACY_FILE = "accuracy.json"
"""The accuracy report (val against FER2013 and FER+, real photos, speed). Written by bench/accuracy.py; read by
the Dashboard and the model card."""
HISTORY_FILE = "history.csv"
"""Per-epoch training log. Written by training.train; read by the Dashboard and the model card."""
RECIPE_FILE = "recipe.json"
"""Every setting that decided the weights, and the recipes of the models it started from. Written by
training.train; read by training.calibrate, the model card and the Dashboard."""
AVERAGE_FILE = "average.json"
"""Written by training that averages weights: how many epochs, and the average's val accuracy against the best
epoch; read by the model card."""
MODEL_CARD_FILE = "MODEL_CARD.md"
"""Written by training.model_card from the files above; shown by the Dashboard."""

DEFAULT_MODEL = MODELS_DIR / MODEL_FILE
"""The emotion model every tool uses unless told otherwise."""


def read_metrics(path: str | Path) -> dict | None:
    """The evaluation report at `path` (output of fer_core.evaluate), or None when the file does not exist."""
    keys = {"accuracy", "macro_f1", "per_class", "confusion_matrix"}
    return _read_report(Path(path), "metrics file", keys, "re-run `python -m fer_core evaluate`")


def read_calibration_report(model_dir: str | Path) -> dict | None:
    """What `python -m fer_core.training calibrate` measured (calibration.json's report); None when absent."""
    path = Path(model_dir) / CALIBRATION_FILE
    if not path.is_file():
        return None
    try:
        report = json.loads(path.read_text()).get("report")
    except (OSError, ValueError, AttributeError) as exc:
        raise DatasetError(f"{path.name} is not a readable calibration file: {exc}") from exc
    return report if isinstance(report, dict) and "val_ece_after" in report else None


def read_accuracy(model_dir: str | Path) -> dict | None:
    """The accuracy report (accuracy.json: val against FER2013 and FER+, real photos, speed), or None if absent."""
    return _read_report(
        Path(model_dir) / ACCURACY_FILE, "accuracy report", {"val", "wild_dev", "speed"}, "re-run bench/accuracy.py"
    )


def _read_report(path: Path, what: str, keys: set[str], remedy: str) -> dict | None:
    """A JSON report holding at least `keys`; None when the file does not exist, DatasetError when it is unusable."""
    if not path.is_file():
        return None
    try:
        report = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path.name} is not a readable {what}: {exc}") from exc
    missing = keys - set(report)
    if missing:
        raise DatasetError(f"{path.name} lacks {', '.join(sorted(missing))}; {remedy}.")
    return report


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
