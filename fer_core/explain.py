"""Show what drove a prediction: a Grad-CAM heatmap over the aligned 48x48 face."""

from __future__ import annotations

import threading

import cv2
import numpy as np

from .classify import EmotionClassifier
from .labels import EMOTIONS


class Explainer:
    """Grad-CAM for the emotion CNN: weights convolutional feature maps by their gradient.

    Uses the last 12x12 stage (the 6x6 one is too coarse to tell eyes from mouth on a 48x48 face).
    The gradient model is built on first use from the classifier's Keras model.
    """

    def __init__(self, classifier: EmotionClassifier) -> None:
        self.classifier = classifier
        self._lock = threading.Lock()
        self._grad_model = None

    def heatmap(self, face: np.ndarray, emotion: str | None = None) -> np.ndarray:
        """A 48x48 float map in [0, 1] of where the evidence for `emotion` (default: the top one) lies."""
        import tensorflow as tf

        if face.shape != (48, 48):
            raise ValueError(f"face must be a 48x48 gray crop, not {face.shape}")
        grad_model = self._model()
        batch = tf.constant(face[None, :, :, None].astype(np.float32))
        with tf.GradientTape() as tape:
            features, probabilities = grad_model(batch, training=False)
            index = EMOTIONS.index(emotion) if emotion else int(tf.argmax(probabilities[0]))
            target = tf.math.log(probabilities[:, index] + 1e-7)
        gradients = tape.gradient(target, features)[0].numpy()
        weights = gradients.mean(axis=(0, 1))
        cam = np.maximum((features[0].numpy() * weights).sum(axis=-1), 0)
        cam = cv2.resize(cam, (48, 48), interpolation=cv2.INTER_CUBIC)
        cam = np.maximum(cam, 0)
        return (cam / cam.max()).astype(np.float32) if cam.max() > 0 else cam.astype(np.float32)

    def _model(self):
        with self._lock:
            if self._grad_model is None:
                import keras

                model = self.classifier.model
                last_conv = [
                    layer
                    for layer in model.layers
                    if isinstance(layer, keras.layers.ReLU)
                    and len(layer.output.shape) == 4
                    and layer.output.shape[1] >= 12
                ][-1]
                self._grad_model = keras.Model(model.inputs, [last_conv.output, model.output])
            return self._grad_model


def overlay(face: np.ndarray, heatmap: np.ndarray, size: int = 192, strength: float = 0.45) -> np.ndarray:
    """The gray face with the heatmap blended on top in warm colours, as an RGB image of size x size."""
    gray = cv2.resize(face, (size, size), interpolation=cv2.INTER_CUBIC)
    heat = cv2.resize((heatmap * 255).astype(np.uint8), (size, size), interpolation=cv2.INTER_CUBIC)
    colored = cv2.applyColorMap(heat, cv2.COLORMAP_JET)[:, :, ::-1]
    base = np.repeat(gray[:, :, None], 3, axis=2).astype(np.float32)
    return np.clip(base * (1 - strength) + colored * strength, 0, 255).astype(np.uint8)
