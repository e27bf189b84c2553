"""One accuracy report for any model: FER2013 val (against its labels and the FER+ crowd), real photos, speed.

    .venv/bin/python bench/accuracy.py --model models/emotion.keras [--out models/accuracy.json]

Every set of faces is classified once with all 12 test-time views: "single" is view 0 (the face as it is),
"tta12" the mean of the 12 calibrated views, exactly what `probabilities(faces, tta=True)` gives.
wild_dev photos go through the photo pipeline (auto-range detector, largest face, aligned crop) and are also
scored on two halves split by person (tune / report), so settings tuned on one half can be checked on the other.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from bench.people import HALVES, most_photographed, person_halves, person_split  # noqa: E402
from bench.speed import median_ms  # noqa: E402
from fer_core import EMOTIONS, EmotionRecognizer, InvalidImageError, load_image  # noqa: E402
from fer_core.align import align_face  # noqa: E402
from fer_core.classify import EmotionClassifier, tta_views  # noqa: E402
from fer_core.datasets import Split, class_folders, read_crop  # noqa: E402
from fer_core.evaluate import calibration, score  # noqa: E402
from fer_core.ferplus import MAJORITY, VOTES_FILE, crowd_majority, read_votes  # noqa: E402
from fer_core.labels import IMAGE_SIZE  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
N_VIEWS = 12
CROWD_RULE = (
    f"FER+ majority: one of the seven emotions has >= {MAJORITY} of 10 votes and more than any other answer; "
    "ties, no majority, and majorities for contempt/unknown/not_face left out"
)


def view_probabilities(classifier: EmotionClassifier, faces: np.ndarray, chunk: int = 256) -> np.ndarray:
    """(N, 48, 48) faces -> (12, N, 7) calibrated probabilities of each test-time view, one call per chunk."""
    parts = []
    for start in range(0, len(faces), chunk):
        views = tta_views(faces[start : start + chunk])
        flat = classifier.probabilities(views.reshape(-1, IMAGE_SIZE, IMAGE_SIZE))
        parts.append(flat.reshape(views.shape[0], views.shape[1], -1))
    return np.concatenate(parts, axis=1) if parts else np.zeros((N_VIEWS, 0, len(EMOTIONS)), np.float32)


def single_and_tta(views: np.ndarray) -> dict[str, np.ndarray]:
    """(12, N, 7) view probabilities -> {"single": view 0 (the face itself), "tta12": the mean of all 12}."""
    return {"single": views[0], "tta12": views.mean(axis=0)}


def scores(labels: np.ndarray, probabilities: np.ndarray) -> dict:
    """Compact scores: n, accuracy, macro-F1, ECE, and recall and support per emotion (EMOTIONS order)."""
    full = score(labels, probabilities)
    per_class = full["per_class"]
    return {
        "n": full["n_scored"],
        "accuracy": round(full["accuracy"], 4),
        "macro_f1": round(full["macro_f1"], 4),
        "ece": round(full["expected_calibration_error"], 4),
        "recall": {e: round(per_class[e]["recall"], 4) for e in EMOTIONS},
        "support": {e: per_class[e]["support"] for e in EMOTIONS},
    }


def crowd_scores(majority: np.ndarray, probabilities: np.ndarray) -> dict:
    """Accuracy and ECE against the crowd's majority emotion, over faces that have one (majority >= 0)."""
    counted = majority >= 0
    target, probabilities = majority[counted], probabilities[counted]
    accuracy = float((probabilities.argmax(axis=1) == target).mean()) if len(target) else 0.0
    return {
        "n_counted": int(counted.sum()),
        "n_left_out": int((~counted).sum()),
        "accuracy": round(accuracy, 4),
        "ece": round(calibration(target, probabilities)[0], 4),
    }


def load_val(val_dir: Path) -> Split:
    """FER2013 val crops (`<class>/<file>` names, so FER+ votes can be matched to them)."""
    items = class_folders(val_dir)
    images = np.stack([read_crop(path) for path, _ in items])
    labels = np.array([label for _, label in items], np.int64)
    return Split(images, labels, names=tuple(f"{path.parent.name}/{path.name}" for path, _ in items))


def val_report(classifier: EmotionClassifier, fer_dir: Path) -> dict:
    """Scores on FER2013 val against its labels and against the FER+ crowd majority, single pass and 12 views."""
    split = load_val(fer_dir / "val")
    majority = crowd_majority(read_votes(fer_dir / VOTES_FILE, "val", split.names))
    report: dict = {"n_faces": len(split), "crowd_rule": CROWD_RULE}
    for mode, probabilities in single_and_tta(view_probabilities(classifier, split.images)).items():
        report[mode] = {
            "fer2013": scores(split.labels, probabilities),
            "ferplus_majority": crowd_scores(majority, probabilities),
        }
    return report


@dataclass
class PhotoFaces:
    """The largest face of each photo, aligned; and the photos where none was found or that could not be read."""

    crops: list[np.ndarray] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    no_face: list[str] = field(default_factory=list)
    unreadable: list[dict] = field(default_factory=list)


def find_faces(photo_dir: Path, recognizer: EmotionRecognizer) -> PhotoFaces:
    """Detect (the recognizer's detector) and align the largest face of every photo under `<class>/` folders."""
    found = PhotoFaces()
    for path, label in class_folders(photo_dir):
        name = f"{path.parent.name}/{path.name}"
        try:
            rgb = load_image(path)
        except InvalidImageError as exc:
            found.unreadable.append({"file": name, "reason": str(exc)})
            continue
        faces = recognizer.detector.detect(rgb)
        if not faces:
            found.no_face.append(name)
            continue
        found.crops.append(align_face(rgb, faces[0]))
        found.labels.append(label)
        found.names.append(name)
    return found


def wild_report(classifier: EmotionClassifier, photos: PhotoFaces) -> dict:
    """Scores on the photos' faces, all of them and per person half, single pass and 12 views."""
    every_name = photos.names + photos.no_face + [u["file"] for u in photos.unreadable]
    split = person_split(every_name)
    if split["people_in_both"]:
        raise RuntimeError(f"People in both halves: {split['people_in_both']}")
    labels, halves = np.array(photos.labels, np.int64), person_halves(photos.names)
    crops = np.stack(photos.crops) if photos.crops else np.zeros((0, IMAGE_SIZE, IMAGE_SIZE), np.uint8)
    report: dict = {
        "n_photos": len(every_name),
        "n_faces": len(photos.names),
        "no_face": photos.no_face,
        "unreadable": photos.unreadable,
        "person_split": split,
        "most_photographed": {},
    }
    for mode, probabilities in single_and_tta(view_probabilities(classifier, crops)).items():
        report[mode] = {"all": scores(labels, probabilities)}
        for half in HALVES:
            report[mode][half] = scores(labels[halves == half], probabilities[halves == half])
        report["most_photographed"][mode] = most_photographed(photos.names, labels, probabilities.argmax(axis=1))
    return report


def speed_report(classifier: EmotionClassifier, face: np.ndarray, repeats: int = 50) -> dict:
    """The classifier's milliseconds per face at batch 1, single pass and 12 views (load average alongside)."""
    batch = face[None]
    return {
        "batch1_ms": median_ms(lambda: classifier.probabilities(batch), repeats),
        "batch1_tta12_ms": median_ms(lambda: classifier.probabilities(batch, tta=True), repeats),
        "repeats": repeats,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }


def summary_lines(report: dict) -> list[str]:
    """A few plain lines: the headline numbers of a report."""
    val, wild, speed = report["val"], report["wild_dev"], report["speed"]
    lines = [f"{report['model']}  ({report['date']})"]
    for mode in ("single", "tta12"):
        fer, crowd = val[mode]["fer2013"], val[mode]["ferplus_majority"]
        parts = ", ".join(f"{part} {s['accuracy']:.2%}/{s['macro_f1']:.4f}" for part, s in wild[mode].items())
        lines.append(
            f"{mode}: val FER2013 {fer['accuracy']:.2%} (macro-F1 {fer['macro_f1']:.4f}, ECE {fer['ece']:.4f}), "
            f"FER+ majority {crowd['accuracy']:.2%} (n={crowd['n_counted']}); wild_dev acc/macro-F1 {parts}"
        )
    return [*lines, f"speed, batch 1: {speed['batch1_ms']} ms/face, {speed['batch1_tta12_ms']} ms with 12 views"]


def resolve(path: str) -> Path:
    """A path as given (relative to the current folder), else relative to the repository root when only that exists."""
    given = Path(path)
    return given if given.exists() or given.is_absolute() or not (ROOT / given).exists() else ROOT / given


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", default=str(ROOT / "models" / "accuracy.json"))
    parser.add_argument("--fer", default=str(SHARED / "fer2013"))
    parser.add_argument("--wild", default=str(SHARED / "wild_dev"))
    args = parser.parse_args()
    started = time.perf_counter()
    fer, wild = resolve(args.fer), resolve(args.wild)
    recognizer = EmotionRecognizer(resolve(args.model), detector_range="auto")
    classifier = recognizer.classifier
    report: dict = {
        "model": Path(args.model).name,
        "command": shlex.join(sys.orig_argv),
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "emotions": list(EMOTIONS),
        "val": val_report(classifier, fer),
        "wild_dev": wild_report(classifier, find_faces(wild, recognizer)),
    }
    report["speed"] = speed_report(classifier, read_crop(class_folders(fer / "val")[0][0]))
    report["seconds"] = round(time.perf_counter() - started, 1)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1) + "\n")
    print("\n".join(summary_lines(report)))
    print(f"written to {args.out} in {report['seconds']} s")


if __name__ == "__main__":
    main()
