"""Show what drove a prediction: a Grad-CAM heatmap over the aligned 48x48 face."""

from __future__ import annotations

import threading

import cv2
import numpy as np

from .classify import EmotionClassifier
from .labels import EMOTIONS, IMAGE_SIZE


class Explainer:
    """Grad-CAM for the emotion CNN: weights convolutional feature maps by their gradient.

    Averages the maps of the last three stages (24x24, 12x12 and 6x6): which single stage is faithful changes
    from one trained network to the next, while their average held for the last three networks we shipped.
    The gradient model is built on first use from the classifier's Keras model.
    """

    def __init__(self, classifier: EmotionClassifier) -> None:
        self.classifier = classifier
        self._lock = threading.Lock()
        self._grad_model = None

    def heatmap(self, face: np.ndarray, emotion: str | None = None) -> np.ndarray:
        """A 48x48 float map in [0, 1] of where the evidence for `emotion` (default: the top one) lies."""
        import tensorflow as tf

        if face.shape != (IMAGE_SIZE, IMAGE_SIZE):
            raise ValueError(f"face must be a {IMAGE_SIZE}x{IMAGE_SIZE} gray crop, not {face.shape}")
        grad_model = self._model()
        batch = tf.constant(face[None, :, :, None].astype(np.float32))
        with tf.GradientTape() as tape:
            *stages, probabilities = grad_model(batch, training=False)
            index = EMOTIONS.index(emotion) if emotion else int(tf.argmax(probabilities[0]))
            target = tf.math.log(probabilities[:, index] + 1e-7)
        gradients = tape.gradient(target, stages)
        cam = sum(_scaled(_grad_cam(f[0].numpy(), g[0].numpy())) for f, g in zip(stages, gradients, strict=True))
        return _scaled(cam).astype(np.float32)

    def _model(self):
        with self._lock:
            if self._grad_model is None:
                import keras

                model = self.classifier.model
                convs = [
                    layer
                    for layer in model.layers
                    if isinstance(layer, keras.layers.ReLU) and len(layer.output.shape) == 4
                ]
                last_of_stages = [[c for c in convs if c.output.shape[1] >= size][-1] for size in (24, 12, 6)]
                self._grad_model = keras.Model(model.inputs, [*(c.output for c in last_of_stages), model.output])
            return self._grad_model


def _grad_cam(features: np.ndarray, gradients: np.ndarray) -> np.ndarray:
    """One stage's (h, w, c) feature maps weighted by their mean gradient, positive part, resized to 48x48."""
    cam = np.maximum((features * gradients.mean(axis=(0, 1))).sum(axis=-1), 0)
    return np.maximum(cv2.resize(cam, (IMAGE_SIZE, IMAGE_SIZE), interpolation=cv2.INTER_CUBIC), 0)


def _scaled(cam: np.ndarray) -> np.ndarray:
    """The map divided by its maximum (an all-zero map stays zero)."""
    return cam / cam.max() if cam.max() > 0 else cam


def overlay(face: np.ndarray, heatmap: np.ndarray, size: int = 192, strength: float = 0.45) -> np.ndarray:
    """The gray face with the heatmap blended on top in warm colours, as an RGB image of size x size."""
    gray = cv2.resize(face, (size, size), interpolation=cv2.INTER_CUBIC)
    heat = cv2.resize((heatmap * 255).astype(np.uint8), (size, size), interpolation=cv2.INTER_CUBIC)
    colored = cv2.applyColorMap(heat, cv2.COLORMAP_JET)[:, :, ::-1]
    base = np.repeat(gray[:, :, None], 3, axis=2).astype(np.float32)
    return np.clip(base * (1 - strength) + colored * strength, 0, 255).astype(np.uint8)


def legend(width: int = 192, height: int = 12) -> np.ndarray:
    """The heatmap's colour scale as an RGB strip, from "weighed little" (left) to "weighed most" (right)."""
    ramp = np.tile(np.linspace(0, 255, width).astype(np.uint8), (height, 1))
    return cv2.applyColorMap(ramp, cv2.COLORMAP_JET)[:, :, ::-1].copy()
