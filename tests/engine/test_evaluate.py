"""Metrics: hand-checkable numbers from score(), and a full evaluate() run on tiny real datasets."""

from __future__ import annotations

import numpy as np
import pytest

from fer_core import EMOTIONS
from fer_core.evaluate import calibration, evaluate, evaluate_with_answers, score
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


def test_the_answer_for_each_face_names_its_file_and_agrees_with_the_report(recognizer):
    report, answers = evaluate_with_answers(FER_TINY, recognizer, crops=True)
    assert "answers" not in report and len(answers) == report["n_scored"] == 21
    assert sum(a.true == a.said for a in answers) / 21 == pytest.approx(report["accuracy"])
    assert all(a.source.split("/")[0] == a.true and a.face.shape == (48, 48) for a in answers)
    assert all(0 < a.confidence <= 1 for a in answers)


def test_answers_from_a_csv_name_their_rows_though_its_splits_interleave_and_a_row_is_bad(recognizer, tmp_path):
    from fer_core.datasets import read_crop

    def row(emotion: str, usage: str) -> str:
        pixels = " ".join(map(str, read_crop(next((FER_TINY / emotion).glob("*.jpg"))).ravel()))
        return f"{EMOTIONS.index(emotion)},{pixels},{usage}"

    rows = [row("happy", "Training"), row("sad", "PublicTest"), "3,1 2 3,Training", row("angry", "Training")]
    (tmp_path / "mixed.csv").write_text("\n".join(["emotion,pixels,Usage", *rows]))
    report, answers = evaluate_with_answers(tmp_path / "mixed.csv", recognizer)
    assert report["n_unreadable"] == 1
    assert [(a.source, a.true) for a in answers] == [("row 2", "happy"), ("row 5", "angry"), ("row 3", "sad")]
