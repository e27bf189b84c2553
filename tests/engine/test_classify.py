"""The emotion classifier: probabilities, batching, test-time views, answers on real faces, a broken model file."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fer_core import EMOTIONS, ModelNotFoundError
from fer_core.classify import EmotionClassifier, tta_views
from fer_core.datasets import class_folders, read_crop
from tests.conftest import FER_CLEAR, FER_TINY, PHOTOS


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


def test_test_time_augmentation_is_the_mean_over_the_twelve_views(recognizer, faces):
    views = tta_views(faces[:4])
    one_by_one = np.mean([recognizer.classifier.probabilities(view) for view in views], axis=0)
    assert np.allclose(recognizer.classifier.probabilities(faces[:4], tta=True), one_by_one, atol=1e-5)


def test_a_tta_twin_shares_the_loaded_model_and_classifies_the_twelve_views(recognizer):
    twin = recognizer.with_tta()
    assert twin.tta and not recognizer.tta
    assert twin.classifier is recognizer.classifier and twin.detector is recognizer.detector
    [face] = twin.analyze(PHOTOS / "laughing_baby.jpg")
    expected = recognizer.classifier.probabilities(face.aligned[None], tta=True)[0]
    assert np.allclose(list(face.probabilities.values()), expected, atol=1e-5)


def test_test_time_views_are_the_face_its_zoomed_crops_and_their_mirrors(faces):
    views = tta_views(faces[:3])
    assert views.shape == (12, 3, 48, 48) and views.dtype == faces.dtype
    assert np.array_equal(views[0], faces[:3])
    assert np.array_equal(views[6], faces[:3, :, ::-1])
    centre = cv2.resize(faces[0, 2:46, 2:46], (48, 48), interpolation=cv2.INTER_LINEAR)
    assert np.array_equal(views[1, 0], centre)
    assert np.array_equal(views[7, 0], centre[:, ::-1])


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


def test_corrupt_model_raises_a_clear_error(tmp_path):
    broken = tmp_path / "emotion.keras"
    broken.write_bytes(b"this is not a keras file")
    with pytest.raises(ModelNotFoundError, match="could not be loaded"):
        EmotionClassifier(broken).probabilities(np.zeros((1, 48, 48), np.uint8))
