"""Metrics: hand-checkable numbers from score(), and a full evaluate() run on tiny real datasets."""

from __future__ import annotations

import numpy as np
import pytest

from fer_core import EMOTIONS
from fer_core.evaluate import calibration, evaluate, score
from tests.conftest import FER_TINY, PHOTOS


def _one_hot(indices, confidence=0.9):
    probabilities = np.full((len(indices), 7), (1 - confidence) / 6)
    probabilities[np.arange(len(indices)), indices] = confidence
    return probabilities


def test_score_counts_a_known_confusion():
    labels = np.array([3, 3, 3, 4, 4, 0])
    predicted = np.array([3, 3, 4, 4, 3, 0])
    metrics = score(labels, _one_hot(predicted))
    assert metrics["accuracy"] == pytest.approx(4 / 6)
    happy = metrics["per_class"]["happy"]
    assert happy == {
        "precision": pytest.approx(2 / 3),
        "recall": pytest.approx(2 / 3),
        "f1": pytest.approx(2 / 3),
        "support": 3,
    }
    assert metrics["confusion_matrix"][3][4] == 1 and metrics["confusion_matrix"][4][3] == 1
    assert metrics["macro_f1"] == pytest.approx((2 / 3 + 1 / 2 + 1) / 3)


def test_calibration_error_is_zero_when_confidence_matches_accuracy():
    labels = np.array([0] * 8 + [1] * 2)
    probabilities = _one_hot(np.zeros(10, int), confidence=0.8)
    ece, bins = calibration(labels, probabilities)
    assert ece == pytest.approx(0.0, abs=1e-9)
    assert sum(b["count"] for b in bins) == 10


def test_calibration_error_measures_overconfidence():
    labels = np.array([0] * 5 + [1] * 5)
    ece, _ = calibration(labels, _one_hot(np.zeros(10, int), confidence=0.95))
    assert ece == pytest.approx(0.45)


def test_evaluate_on_crops_writes_every_metric(recognizer):
    metrics = evaluate(FER_TINY, recognizer, crops=True)
    for key in (
        "accuracy",
        "macro_f1",
        "per_class",
        "confusion_matrix",
        "expected_calibration_error",
        "reliability_bins",
        "n_unreadable",
        "n_no_face",
        "images_per_second",
        "n_files",
        "calibration",
        "uncertain",
    ):
        assert key in metrics
    assert metrics["n_scored"] == 21 and metrics["n_files"] == 21
    assert set(metrics["per_class"]) == set(EMOTIONS)
    assert np.array(metrics["confusion_matrix"]).sum() == 21
    assert 0 <= metrics["expected_calibration_error"] <= 1
    assert metrics["calibration"] == {
        "temperature": recognizer.classifier.calibration.temperature,
        "uncertain_margin": recognizer.classifier.calibration.uncertain_margin,
    }
    assert 0 <= metrics["uncertain"]["uncertain_share"] <= 1


def test_evaluate_on_photos_reports_unreadable_files_and_photos_without_faces(recognizer, tmp_path):
    (tmp_path / "happy").mkdir()
    (tmp_path / "surprise").mkdir()
    (tmp_path / "happy" / "baby.jpg").write_bytes((PHOTOS / "laughing_baby.jpg").read_bytes())
    (tmp_path / "surprise" / "santa.jpg").write_bytes((PHOTOS / "surprised_santa.jpg").read_bytes())
    (tmp_path / "happy" / "notes.jpg").write_text("not a picture")
    blank = np.full((120, 160, 3), 200, np.uint8)
    import cv2

    cv2.imwrite(str(tmp_path / "surprise" / "wall.png"), blank)
    metrics = evaluate(tmp_path, recognizer, crops=False)
    assert metrics["n_scored"] == 2
    assert metrics["n_unreadable"] == 1 and metrics["unreadable"][0]["file"] == "happy/notes.jpg"
    assert metrics["no_face"] == ["surprise/wall.png"]
    assert metrics["mode"] == "photos"
    assert metrics["accuracy_counting_no_face_as_wrong"] <= metrics["accuracy"]


def test_progress_is_reported_for_every_file(recognizer):
    seen = []
    evaluate(FER_TINY, recognizer, crops=True, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (21, 21) and len(seen) == 21
