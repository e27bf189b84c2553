"""Grad-CAM explanations: well-formed maps that point at the pixels the prediction really depends on."""

from __future__ import annotations

import numpy as np
import pytest

from fer_core.datasets import class_folders, read_crop
from fer_core.explain import Explainer, overlay
from tests.conftest import FER_TINY


@pytest.fixture(scope="module")
def explainer(recognizer):
    return Explainer(recognizer.classifier)


@pytest.fixture(scope="module")
def faces():
    return np.stack([read_crop(path) for path, _ in class_folders(FER_TINY)])


def test_heatmap_is_a_48x48_map_scaled_to_one(explainer, faces):
    heat = explainer.heatmap(faces[9])
    assert heat.shape == (48, 48) and heat.dtype == np.float32
    assert heat.min() >= 0 and heat.max() == pytest.approx(1.0)
    assert heat.std() > 0.05


def test_hiding_the_hottest_pixels_hurts_the_prediction_more_than_hiding_the_coldest(explainer, recognizer, faces):
    """Faithfulness, summed over real faces: the map must point at evidence the model uses."""
    probabilities = recognizer.classifier.probabilities(faces)
    drop_hot, drop_cold = 0.0, 0.0
    for face, p in zip(faces, probabilities, strict=True):
        top = int(p.argmax())
        heat = explainer.heatmap(face)
        order = np.argsort(heat.ravel())
        for pixels, name in ((order[-300:], "hot"), (order[:300], "cold")):
            hidden = face.copy().ravel()
            hidden[pixels] = int(face.mean())
            after = recognizer.classifier.probabilities(hidden.reshape(1, 48, 48))[0, top]
            if name == "hot":
                drop_hot += p[top] - after
            else:
                drop_cold += p[top] - after
    assert drop_hot > 2 * drop_cold


def test_heatmap_for_a_named_emotion_differs_from_the_top_one(explainer, faces):
    assert not np.allclose(explainer.heatmap(faces[9], "happy"), explainer.heatmap(faces[9], "angry"))


def test_overlay_is_an_rgb_picture_of_the_face(faces, explainer):
    picture = overlay(faces[0], explainer.heatmap(faces[0]))
    assert picture.shape == (192, 192, 3) and picture.dtype == np.uint8


def test_wrong_face_shape_is_refused(explainer):
    with pytest.raises(ValueError, match="48x48"):
        explainer.heatmap(np.zeros((64, 64), np.uint8))
