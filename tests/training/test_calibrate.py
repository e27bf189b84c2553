"""Fitting calibrated confidence (fer_core.training.calibrate): the temperature fit, the margin rule for "uncertain"
answers, and a calibrated model's file that the classifier then uses."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest

from fer_core.calibration import Calibration, margins
from fer_core.classify import EmotionClassifier
from fer_core.evaluate import calibration
from fer_core.model_files import CALIBRATION_FILE
from fer_core.training.calibrate import calibrate_model, choose_uncertain_margin, fit_temperature
from fer_core.training.recipe import Recipe
from fer_core.training.train import train
from tests.conftest import FER_TINY


def _overconfident(n: int = 4000, sharpen: float = 2.5, spread: float = 1.2) -> tuple[np.ndarray, np.ndarray]:
    """Labels drawn from softmax(z), paired with the overconfident softmax(z * sharpen)."""
    rng = np.random.default_rng(0)
    logits = rng.normal(0, spread, (n, 7))
    honest = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(7, p=p) for p in honest])
    sharp = np.exp(logits * sharpen)
    return labels, sharp / sharp.sum(axis=1, keepdims=True)


def test_fitted_temperature_undoes_known_overconfidence():
    labels, probabilities = _overconfident(sharpen=2.5)
    assert fit_temperature(labels, probabilities) == pytest.approx(2.5, rel=0.1)


def test_temperature_scaling_lowers_calibration_error_and_keeps_every_answer():
    labels, probabilities = _overconfident()
    calibrated = Calibration(fit_temperature(labels, probabilities)).apply(probabilities)
    assert calibration(labels, calibrated)[0] < calibration(labels, probabilities)[0] / 3
    assert np.array_equal(calibrated.argmax(axis=1), probabilities.argmax(axis=1))
    assert np.allclose(calibrated.sum(axis=1), 1.0, atol=1e-5)


def test_answers_above_the_chosen_margin_meet_the_accuracy_target_and_the_rest_do_not():
    labels, probabilities = _overconfident(sharpen=1.0, spread=2.0)
    margin = choose_uncertain_margin(labels, probabilities, target=0.8)
    confident = margins(probabilities) >= margin
    correct = probabilities.argmax(axis=1) == labels
    assert 0 < margin < 1 and 0.05 < confident.mean() < 0.95
    assert correct[confident].mean() >= 0.8 > correct[~confident].mean()


def test_a_margin_of_zero_when_every_answer_is_already_right_enough():
    probabilities = np.eye(7)[[0, 1, 2, 3]] * 0.9 + 0.1 / 7
    assert choose_uncertain_margin(np.array([0, 1, 2, 3]), probabilities, target=0.8) == 0.0


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A width-8 model trained 2 epochs on the tiny fixture, holding one face per class out for calibration."""
    root = tmp_path_factory.mktemp("calibrate")
    shutil.copytree(FER_TINY, root / "data" / "train")
    shutil.copytree(FER_TINY, root / "data" / "val")
    recipe = replace(Recipe(), epochs=2, batch_size=8, warmup_epochs=1, width=8, calibration_fraction=0.34)
    return root / "data", train(root / "data", root / "out", recipe)


def test_calibrating_a_trained_model_ships_a_file_the_classifier_then_uses(tiny_model):
    data, model_path = tiny_model
    report = calibrate_model(data, model_path)
    assert report["temperature_fitted_on"] == "7 train faces kept out of training"
    saved = json.loads((model_path.parent / CALIBRATION_FILE).read_text())
    assert saved["temperature"] > 0 and 0 <= saved["uncertain_margin"] < 1 and saved["report"] == report
    faces = np.stack([np.full((48, 48), v, np.uint8) for v in (30, 120, 220)])
    raw = EmotionClassifier(model_path, calibrated=False).probabilities(faces)
    shipped = EmotionClassifier(model_path)
    assert shipped.calibration == Calibration(saved["temperature"], saved["uncertain_margin"])
    assert np.allclose(shipped.probabilities(faces), shipped.calibration.apply(raw), atol=1e-6)
