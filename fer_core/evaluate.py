"""Score the model on labelled faces: accuracy, per-class precision/recall/F1, confusion, calibration, speed.

The dict these functions return is what `metrics.json` holds and what the Dashboard draws; evaluate_with_answers
also gives the answer for each face (kept out of that dict, for the Dashboard's gallery of mistakes).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .calibration import uncertainty_report
from .datasets import class_folders, load_fer2013, read_crop
from .errors import DatasetError, InvalidImageError
from .labels import CSV_USAGE_TO_SPLIT, EMOTIONS
from .recognizer import EmotionRecognizer

Progress = Callable[[int, int], None]
"""Called as progress(done, total) while a dataset is evaluated."""

CALIBRATION_BINS = 15


def score(labels: np.ndarray, probabilities: np.ndarray) -> dict:
    """Accuracy, macro-F1, per-class scores, confusion matrix and calibration of predictions against true labels."""
    labels = np.asarray(labels, dtype=np.int64)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    predicted = probabilities.argmax(axis=1) if len(labels) else np.zeros(0, np.int64)
    n = len(EMOTIONS)
    confusion = np.zeros((n, n), np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    per_class = {}
    for i, emotion in enumerate(EMOTIONS):
        true_positive = confusion[i, i]
        precision = _ratio(true_positive, confusion[:, i].sum())
        recall = _ratio(true_positive, confusion[i, :].sum())
        f1 = _ratio(2 * precision * recall, precision + recall)
        per_class[emotion] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": int(confusion[i, :].sum()),
        }
    present = [e for e in EMOTIONS if per_class[e]["support"] > 0]
    ece, bins = calibration(labels, probabilities)
    return {
        "emotions": list(EMOTIONS),
        "n_scored": int(len(labels)),
        "accuracy": _ratio(np.trace(confusion), confusion.sum()),
        "macro_f1": float(np.mean([per_class[e]["f1"] for e in present])) if present else 0.0,
        "per_class": per_class,
        "confusion_matrix": confusion.tolist(),
        "expected_calibration_error": ece,
        "reliability_bins": bins,
    }


def calibration(labels: np.ndarray, probabilities: np.ndarray, n_bins: int = CALIBRATION_BINS) -> tuple[float, list]:
    """Expected calibration error (top-class confidence vs. accuracy, equal-width bins) and the bins themselves."""
    if len(labels) == 0:
        return 0.0, []
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, n_bins - 1)
    bins, ece = [], 0.0
    for b in range(n_bins):
        mask = which == b
        count = int(mask.sum())
        accuracy = float(correct[mask].mean()) if count else None
        mean_confidence = float(confidence[mask].mean()) if count else None
        if count:
            ece += count / len(labels) * abs(accuracy - mean_confidence)
        bins.append(
            {
                "lower": float(edges[b]),
                "upper": float(edges[b + 1]),
                "count": count,
                "accuracy": accuracy,
                "confidence": mean_confidence,
            }
        )
    return float(ece), bins


@dataclass(frozen=True)
class Answer:
    """The model's answer for one scored face, for a gallery of its mistakes (never written to metrics.json)."""

    source: str
    """Where the face came from: `<class>/<file>` in a folder, `row N` in a CSV (its header being row 1)."""
    true: str
    said: str
    confidence: float
    """The probability of the emotion it said."""
    face: np.ndarray = field(repr=False, compare=False)
    """The 48x48 gray face the classifier saw."""


def evaluate(
    data: str | Path,
    recognizer: EmotionRecognizer,
    crops: bool = True,
    progress: Progress | None = None,
) -> dict:
    """Evaluate on `data`: a folder of `<class>/` images, or a FER2013 CSV (all its valid rows).

    With crops=True each image is already a face crop; otherwise each image is a photo whose largest face
    is detected and classified, and a photo with no face counts as a miss (reported under `no_face`).
    """
    return evaluate_with_answers(data, recognizer, crops, progress)[0]


def evaluate_with_answers(
    data: str | Path,
    recognizer: EmotionRecognizer,
    crops: bool = True,
    progress: Progress | None = None,
) -> tuple[dict, list[Answer]]:
    """evaluate()'s report, and the model's answer for every face it scored, in the order scored."""
    data = Path(data)
    if data.is_file():
        return _evaluate_csv(data, recognizer, progress)
    items = class_folders(data)
    if not items:
        raise DatasetError(f"{data} has class folders but no files in them.")
    started = time.perf_counter()
    faces, labels, sources, probabilities, unreadable, no_face = [], [], [], [], [], []

    def classify_waiting() -> None:
        if len(faces) > len(probabilities):
            waiting = np.stack(faces[len(probabilities) :])
            probabilities.extend(recognizer.classifier.probabilities(waiting, recognizer.tta))

    for done, (path, label) in enumerate(items, start=1):
        try:
            found = [] if crops else recognizer.analyze(path)
            if crops or found:
                faces.append(read_crop(path) if crops else found[0].aligned)
                probabilities.extend([] if crops else [found[0].vector])
                labels.append(label)
                sources.append(_relative(path, data))
            else:
                no_face.append(_relative(path, data))
        except InvalidImageError as exc:
            unreadable.append({"file": _relative(path, data), "reason": str(exc)})
        if len(faces) - len(probabilities) >= 256:
            classify_waiting()
        if progress:
            progress(done, len(items))
    classify_waiting()
    elapsed = time.perf_counter() - started
    report = _report(labels, probabilities, no_face, unreadable, len(items), elapsed, crops, recognizer)
    return report, _answers(sources, labels, probabilities, faces)


def _evaluate_csv(path: Path, recognizer: EmotionRecognizer, progress: Progress | None) -> tuple[dict, list]:
    splits = load_fer2013(path)
    images = np.concatenate([s.images for s in splits.values()])
    labels = np.concatenate([s.labels for s in splits.values()])
    problems = [p for s in splits.values() for p in s.problems]
    started = time.perf_counter()
    probabilities = []
    for start in range(0, len(images), 256):
        probabilities.extend(recognizer.classifier.probabilities(images[start : start + 256], recognizer.tta))
        if progress:
            progress(min(start + 256, len(images)), len(images))
    elapsed = time.perf_counter() - started
    unreadable = [{"file": path.name, "reason": p} for p in problems]
    report = _report(labels, probabilities, [], unreadable, len(images) + len(problems), elapsed, True, recognizer)
    return report, _answers(_csv_rows(path, splits, len(images)), labels, probabilities, images)


def _csv_rows(path: Path, splits: dict, n_faces: int) -> list[str]:
    """Each face's row ("row N") in load_fer2013's order: split by split, each in row order, bad rows left out."""
    usage = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=lambda column: column == "Usage")
    if "Usage" in usage:
        split_of = [CSV_USAGE_TO_SPLIT.get(use.strip()) for use in usage["Usage"]]
    else:
        split_of = ["train"] * (n_faces + sum(len(s.problems) for s in splits.values()))
    bad = {int(m[1]) for s in splits.values() for p in s.problems if (m := re.match(r"row (\d+):", p))}
    rows = [
        f"row {row}"
        for name in splits
        for row, split in enumerate(split_of, start=2)
        if split == name and row not in bad
    ]
    return rows if len(rows) == n_faces else [f"face {i}" for i in range(1, n_faces + 1)]


def _answers(sources, labels, probabilities, faces) -> list[Answer]:
    return [
        Answer(source, EMOTIONS[int(label)], EMOTIONS[int(np.argmax(p))], float(np.max(p)), face)
        for source, label, p, face in zip(sources, labels, probabilities, faces, strict=True)
    ]


def _report(labels, probabilities, no_face, unreadable, n_files, elapsed, crops, recognizer) -> dict:
    labels_array = np.asarray(labels, dtype=np.int64)
    probabilities_array = np.asarray(probabilities, dtype=np.float64).reshape(-1, len(EMOTIONS))
    report = score(labels_array, probabilities_array)
    if not crops:
        report["accuracy_counting_no_face_as_wrong"] = _ratio(
            int((probabilities_array.argmax(axis=1) == labels_array).sum()) if len(labels) else 0,
            len(labels) + len(no_face),
        )
    used = recognizer.classifier.calibration
    report.update(
        {
            "calibration": {"temperature": used.temperature, "uncertain_margin": used.uncertain_margin},
            "uncertain": uncertainty_report(labels_array, probabilities_array, used.uncertain_margin),
            "mode": "crops" if crops else "photos",
            "tta": recognizer.tta,
            "model": recognizer.classifier.model_path.name,
            "n_files": n_files,
            "no_face": no_face,
            "unreadable": unreadable,
            "n_no_face": len(no_face),
            "n_unreadable": len(unreadable),
            "seconds": round(elapsed, 3),
            "images_per_second": round(n_files / elapsed, 1) if elapsed > 0 else None,
        }
    )
    return report


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else 0.0


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root))
