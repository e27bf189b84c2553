"""One recognizer and one explainer shared by many threads (as the app shares them between sessions and video
callbacks) give every thread exactly what it gets alone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from fer_core import EmotionRecognizer, load_image
from fer_core.explain import Explainer
from tests.conftest import PHOTOS

NAMES = ("grace_hopper.jpg", "group_meeting.jpg", "laughing_baby.jpg", "surprised_santa.jpg")


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
