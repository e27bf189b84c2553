"""The network (fer_core.training.model): random erasing changes one patch of a training face, never inference."""

from __future__ import annotations

import numpy as np

from fer_core.training.model import build_model


def test_random_erasing_replaces_one_patch_of_a_training_face_and_leaves_inference_alone():
    augment = build_model(width=8, erase_probability=1.0).get_layer("augment")
    erasing = augment.layers[-1]
    faces = np.full((4, 48, 48, 1), 128.0, dtype=np.float32)
    changed = np.asarray(erasing(faces, training=True))[..., 0] != 128.0
    for patch in changed:
        rows, cols = np.nonzero(patch)
        assert 0.02 * 48 * 48 * 0.5 <= patch.sum() <= 0.33 * 48 * 48
        assert patch[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1].mean() > 0.9
    assert np.array_equal(np.asarray(augment(faces, training=False)), faces)
    assert not any("erasing" in layer.name for layer in build_model(width=8).get_layer("augment").layers)
