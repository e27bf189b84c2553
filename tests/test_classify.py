"""The emotion classifier and the whole pipeline: probabilities, batching, flip averaging, lazy loading, errors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from fer_core import EMOTIONS, EmotionRecognizer, ModelNotFoundError
from fer_core.classify import EmotionClassifier
from fer_core.data import class_folders, read_crop

from .conftest import FER_CLEAR, FER_TINY, PHOTOS


@pytest.fixture(scope="module")
def faces() -> np.ndarray:
    return np.stack([read_crop(path) for path, _ in class_folders(FER_TINY)])


def test_probabilities_have_one_row_per_face_and_sum_to_one(recognizer, faces):
    probabilities = recognizer.classifier.probabilities(faces)
    assert probabilities.shape == (len(faces), len(EMOTIONS))
    assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    assert (probabilities >= 0).all()


def test_a_batch_gives_the_same_answers_as_one_face_at_a_time(recognizer, faces):
    batched = recognizer.classifier.probabilities(faces[:5])
    single = np.concatenate([recognizer.classifier.probabilities(faces[i : i + 1]) for i in range(5)])
    assert np.allclose(batched, single, atol=1e-5)


def test_flip_average_is_the_mean_of_the_face_and_its_mirror(recognizer, faces):
    plain = recognizer.classifier.probabilities(faces[:4])
    mirrored = recognizer.classifier.probabilities(faces[:4, :, ::-1])
    averaged = recognizer.classifier.probabilities(faces[:4], flip_average=True)
    assert np.allclose(averaged, (plain + mirrored) / 2, atol=1e-5)


def test_no_faces_give_an_empty_result(recognizer):
    assert recognizer.classifier.probabilities(np.zeros((0, 48, 48), np.uint8)).shape == (0, 7)


def test_wrongly_shaped_faces_are_refused(recognizer):
    with pytest.raises(ValueError, match="48"):
        recognizer.classifier.probabilities(np.zeros((2, 64, 64), np.uint8))


def test_model_does_better_than_chance_on_real_fer2013_crops(recognizer, faces):
    labels = np.array([label for _, label in class_folders(FER_TINY)])
    predicted = recognizer.classifier.probabilities(faces).argmax(axis=1)
    assert (predicted == labels).mean() >= 0.4


def test_clear_fer2013_val_crops_get_their_label(recognizer):
    """One unambiguous val face per emotion (tests/fixtures/fer_clear): a guard against preprocessing drift."""
    items = class_folders(FER_CLEAR)
    probabilities = recognizer.classifier.probabilities(np.stack([read_crop(path) for path, _ in items]))
    assert [EMOTIONS[i] for i in probabilities.argmax(axis=1)] == [EMOTIONS[label] for _, label in items]


@pytest.mark.parametrize("photo", ["laughing_baby.jpg", "astronaut_eileen_collins.png"])
def test_smiling_people_in_real_photos_are_happy(recognizer, photo):
    [face] = recognizer.analyze(PHOTOS / photo)
    assert face.emotion == "happy" and face.confidence > 0.5


def test_analyze_returns_typed_results_for_every_face(recognizer, group_photo):
    results = recognizer.analyze(group_photo)
    assert len(results) >= 5
    for result in results:
        assert set(result.probabilities) == set(EMOTIONS)
        assert sum(result.probabilities.values()) == pytest.approx(1, abs=1e-4)
        assert result.emotion in EMOTIONS
        assert result.confidence == max(result.probabilities.values())
        assert result.aligned.shape == (48, 48)


def test_missing_model_raises_a_clear_error(tmp_path, astronaut):
    recognizer = EmotionRecognizer(tmp_path / "absent.keras")
    with pytest.raises(ModelNotFoundError, match="missing"):
        recognizer.analyze(astronaut)


def test_corrupt_model_raises_a_clear_error(tmp_path):
    broken = tmp_path / "emotion.keras"
    broken.write_bytes(b"this is not a keras file")
    with pytest.raises(ModelNotFoundError, match="could not be loaded"):
        EmotionClassifier(broken).probabilities(np.zeros((1, 48, 48), np.uint8))


def test_importing_fer_core_loads_no_model_or_tensorflow():
    code = (
        "import sys, fer_core; fer_core.EmotionRecognizer();"
        "print('tensorflow' in sys.modules, 'mediapipe' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"
