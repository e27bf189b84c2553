"""EmotionRecognizer, the engine's front door: typed results for every face, a close call marked uncertain, lazy
loading with clear errors, and one recognizer and one explainer shared by many threads (as the app shares them between
sessions and video callbacks) giving every thread exactly what it gets alone."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from fer_core import EMOTIONS, EmotionRecognizer, ModelNotFoundError, load_image
from fer_core.detect import Box
from fer_core.explain import Explainer
from fer_core.export import verdict
from fer_core.recognizer import FaceResult
from tests.conftest import PHOTOS

NAMES = ("grace_hopper.jpg", "group_meeting.jpg", "laughing_baby.jpg", "surprised_santa.jpg")


def test_analyze_returns_typed_results_for_every_face(recognizer, group_photo):
    results = recognizer.analyze(group_photo)
    assert len(results) >= 5
    for result in results:
        assert set(result.probabilities) == set(EMOTIONS)
        assert sum(result.probabilities.values()) == pytest.approx(1, abs=1e-4)
        assert result.emotion in EMOTIONS
        assert result.confidence == max(result.probabilities.values())
        assert result.aligned.shape == (48, 48)


def _face(probabilities: list[float], margin: float) -> FaceResult:
    return FaceResult(
        Box(0, 0, 10, 10), 0.9, {}, dict(zip(EMOTIONS, probabilities, strict=True)), np.zeros((48, 48)), margin
    )


def test_a_close_call_is_uncertain_and_names_both_emotions():
    close = _face([0.05, 0.02, 0.05, 0.03, 0.38, 0.05, 0.42], margin=0.1)
    clear = _face([0.05, 0.02, 0.05, 0.70, 0.08, 0.05, 0.05], margin=0.1)
    assert close.uncertain and close.label == "neutral or sad?" and close.runner_up == "sad"
    assert verdict(close) == "neutral or sad? Could be either: neutral 42%, sad 38%"
    leaning = _face([0.05, 0.02, 0.05, 0.03, 0.23, 0.03, 0.59], margin=0.4)
    assert verdict(leaning) == "neutral or sad? Probably neutral (59%), maybe sad (23%)"
    assert not clear.uncertain and clear.label == "happy" and verdict(clear) == "happy, 70% sure"
    assert close.to_dict()["uncertain"] is True and close.to_dict()["label"] == "neutral or sad?"


def test_a_result_holds_its_probabilities_once_as_a_dict_for_people_and_an_array_for_computing(recognizer, astronaut):
    face = recognizer.analyze(astronaut)[0]
    assert face.vector.tolist() == [face.probabilities[e] for e in EMOTIONS]
    assert not face.vector.flags.writeable
    assert _face([0.1, 0.1, 0.1, 0.4, 0.1, 0.1, 0.1], margin=0.1).vector[3] == 0.4


def test_missing_model_raises_a_clear_error(tmp_path, astronaut):
    recognizer = EmotionRecognizer(tmp_path / "absent.keras")
    with pytest.raises(ModelNotFoundError, match="missing"):
        recognizer.analyze(astronaut)


def test_importing_fer_core_loads_no_model_or_tensorflow():
    code = (
        "import sys, fer_core; fer_core.EmotionRecognizer();"
        "print('tensorflow' in sys.modules, 'mediapipe' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"


def _answer(recognizer: EmotionRecognizer, explainer: Explainer, rgb: np.ndarray) -> list:
    return [
        (face.box, np.round(list(face.probabilities.values()), 6).tolist(), explainer.heatmap(face.aligned))
        for face in recognizer.analyze(rgb)
    ]


@pytest.mark.parametrize("detector_range", ["near", "auto"])
def test_eight_threads_sharing_one_recognizer_get_what_one_thread_gets(detector_range):
    recognizer = EmotionRecognizer(detector_range=detector_range, min_face_score=0.3)
    explainer = Explainer(recognizer.classifier)
    images = [load_image(PHOTOS / name) for name in NAMES]
    alone = [_answer(recognizer, explainer, rgb) for rgb in images]
    work = [index % len(images) for index in range(32)]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda index: _answer(recognizer, explainer, images[index]), work))
    assert sum(len(faces) for faces in alone) >= len(NAMES)
    for index, answer in zip(work, together, strict=True):
        expected = alone[index]
        assert [(box, probabilities) for box, probabilities, _ in answer] == [(b, p) for b, p, _ in expected]
        for (_, _, heat), (_, _, heat_alone) in zip(answer, expected, strict=True):
            np.testing.assert_allclose(heat, heat_alone, atol=1e-5)
