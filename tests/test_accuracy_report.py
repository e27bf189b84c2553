"""bench/accuracy.py's pure parts: scores against the crowd, and the single/12-view derivation."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from fer_core import EMOTIONS
from fer_core.classify import tta_views
from fer_core.datasets import class_folders, read_crop

from .conftest import FER_CLEAR, FER_TINY

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "accuracy.py"


@pytest.fixture(scope="module")
def accuracy():
    spec = importlib.util.spec_from_file_location("bench_accuracy", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script is executed
    spec.loader.exec_module(module)
    return module


def test_crowd_accuracy_ignores_faces_without_a_majority(accuracy):
    probabilities = np.eye(len(EMOTIONS))[[3, 3, 0, 6]] * 0.9 + 0.1 / len(EMOTIONS)
    majority = np.array([3, -1, 2, -1])  # right, no majority (would be wrong), wrong, no majority
    crowd = accuracy.crowd_scores(majority, probabilities)
    assert (crowd["n_counted"], crowd["n_left_out"], crowd["accuracy"]) == (2, 2, 0.5)
    assert crowd["ece"] == pytest.approx(abs(0.5 - probabilities.max(axis=1)[0]), abs=1e-4)
    assert accuracy.crowd_scores(np.array([-1]), probabilities[:1])["n_counted"] == 0


def test_scores_give_recall_and_support_per_emotion_in_order(accuracy):
    labels = np.array([0, 0, 3, 6])
    report = accuracy.scores(labels, np.eye(len(EMOTIONS))[[0, 3, 3, 6]])
    assert list(report["recall"]) == list(EMOTIONS) == list(report["support"])
    assert (report["n"], report["accuracy"], report["recall"]["angry"], report["support"]["angry"]) == (4, 0.75, 0.5, 2)


def test_single_and_twelve_views_equal_the_classifiers_own_answers(accuracy, recognizer):
    faces = np.stack([read_crop(path) for folder in (FER_TINY, FER_CLEAR) for path, _ in class_folders(folder)])[:20]
    classifier = recognizer.classifier
    views = accuracy.view_probabilities(classifier, faces, chunk=8)
    assert views.shape == (12, len(faces), len(EMOTIONS)) == tta_views(faces).shape[:2] + (len(EMOTIONS),)
    both = accuracy.single_and_tta(views)
    assert np.allclose(both["single"], classifier.probabilities(faces), atol=1e-5)
    assert np.allclose(both["tta12"], classifier.probabilities(faces, tta=True), atol=1e-5)


def test_no_faces_give_empty_view_probabilities(accuracy, recognizer):
    empty = np.zeros((0, 48, 48), np.uint8)
    assert accuracy.view_probabilities(recognizer.classifier, empty).shape == (12, 0, len(EMOTIONS))
