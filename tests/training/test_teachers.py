"""Distillation (fer_core.training.teachers): the teachers' answers over their twelve views are the targets, and an
interrupted run reads the answers it saved instead of asking the teachers again."""

from __future__ import annotations

from dataclasses import replace

import keras
import pytest

import fer_core.training.teachers
from fer_core.model_files import HISTORY_FILE, read_history
from fer_core.training.teachers import teacher_probabilities
from fer_core.training.train import train
from tests.training.conftest import TINY, _Interrupt


def test_distillation_targets_are_the_teachers_mean_answer_over_their_twelve_views(dataset, tmp_path):
    import numpy as np

    from fer_core.classify import tta_views
    from fer_core.datasets import load_fer2013

    teacher = train(dataset, tmp_path / "teacher", TINY)
    faces = load_fer2013(dataset)["val"].images[:5]
    model = keras.models.load_model(teacher, compile=False)
    views = tta_views(faces).astype(np.float32)[..., None]
    expected = np.mean([model.predict(view, verbose=0) for view in views], axis=0)
    assert np.allclose(teacher_probabilities([str(teacher)], faces, chunk=2), expected, atol=1e-5)
    assert np.allclose(teacher_probabilities([str(teacher)] * 2, faces), expected, atol=1e-5)


def test_interrupted_distillation_resumes_without_asking_the_teachers_again(dataset, tmp_path, monkeypatch):
    teacher = str(train(dataset, tmp_path / "teacher", TINY))
    student, out = replace(TINY, teachers=(teacher,)), tmp_path / "student"
    with pytest.raises(KeyboardInterrupt):
        train(dataset, out, student, callbacks=[_Interrupt()])
    assert (out / "teacher_answers.npz").is_file()

    def ask_again(*args, **kwargs):
        raise AssertionError("the teachers' saved answers should have been read")

    monkeypatch.setattr(fer_core.training.teachers, "teacher_probabilities", ask_again)
    train(dataset, out, student)
    assert [row["epoch"] for row in read_history(out / HISTORY_FILE)] == [0, 1, 2]
    assert not (out / "teacher_answers.npz").exists()
