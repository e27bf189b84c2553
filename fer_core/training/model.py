"""The emotion CNN: a VGG-style network for 48x48 gray faces, in backend-neutral Keras 3 (TensorFlow, torch or jax)."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from ..labels import EMOTIONS, IMAGE_SIZE


def build_model(width: int = 32, dropout: float = 0.4, erase_probability: float = 0.0) -> keras.Model:
    """Four conv stages (width, 2w, 4w, 8w filters; two 3x3 convs each) and a small dense head.

    Takes raw pixels 0-255 shaped (N, 48, 48, 1) and returns 7 softmax probabilities in EMOTIONS order.
    Augmentation layers sit in front and are active only while training.
    """
    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 1), name="face")
    x = _augmentation(erase_probability)(inputs)
    x = layers.Rescaling(1 / 127.5, offset=-1.0)(x)
    for stage, filters in enumerate((width, width * 2, width * 4, width * 8)):
        for conv in range(2):
            x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv{stage + 1}_{conv + 1}")(x)
            x = layers.BatchNormalization()(x)
            x = layers.ReLU()(x)
        x = layers.MaxPooling2D()(x)
        x = layers.Dropout(dropout * (stage + 1) / 4)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(256, use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(len(EMOTIONS), activation="softmax", name="emotion")(x)
    return keras.Model(inputs, outputs, name="fer_vgg")


def _augmentation(erase_probability: float) -> keras.Sequential:
    """Random flips, small rotations, shifts, zooms and contrast changes: the face variations FER2013 lacks.

    With erase_probability, that share of faces also gets a random patch (2-33% of the face) replaced by noise
    (random erasing), so the net cannot lean on one region such as the mouth alone.
    """
    steps = [
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.04, fill_mode="reflect"),
        layers.RandomTranslation(0.1, 0.1, fill_mode="reflect"),
        layers.RandomZoom(0.1, fill_mode="reflect"),
        layers.RandomContrast(0.3, value_range=(0, 255)),
    ]
    if erase_probability:
        steps.append(layers.RandomErasing((erase_probability, erase_probability), value_range=(0, 255)))
    return keras.Sequential(steps, name="augment")


def as_input(images: np.ndarray) -> np.ndarray:
    """(N, 48, 48) uint8 faces -> the network's input: (N, 48, 48, 1) float32 raw pixels."""
    return images[..., None].astype(np.float32)
