"""Distillation: earlier models' answers (each over its twelve test-time views) blended into the training targets."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import keras
import numpy as np

from ..classify import tta_views
from ..labels import EMOTIONS


def teacher_probabilities(teachers: Sequence[str], images: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """(N, 7): the mean answer of the `teachers` on (N, 48, 48) faces, each averaged over the twelve tta_views.

    Backend-neutral (plain `predict`), so a GPU run with torch or jax computes it too.
    """
    total = np.zeros((len(images), len(EMOTIONS)), np.float32)
    for teacher in teachers:
        model = keras.models.load_model(teacher, compile=False)
        for start in range(0, len(images), chunk):
            views = tta_views(images[start : start + chunk])
            answers = model.predict(
                views.reshape(-1, *views.shape[2:], 1).astype(np.float32), batch_size=1024, verbose=0
            )
            total[start : start + chunk] += answers.reshape(len(views), -1, len(EMOTIONS)).mean(axis=0)
    return total / len(teachers)


def teacher_answers(teachers: Sequence[str], images: np.ndarray, path: Path) -> np.ndarray:
    """teacher_probabilities, saved at `path` until training ends: a resumed run reads them instead of spending
    another half hour of a 2-core CPU on them."""
    if path.is_file():
        with np.load(path) as saved:
            if saved["teachers"].tolist() == list(teachers) and saved["answers"].shape[0] == len(images):
                return saved["answers"]
    answers = teacher_probabilities(teachers, images)
    np.savez(path, answers=answers, teachers=np.array(teachers))
    return answers
