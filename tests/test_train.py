"""Training end to end on a tiny real dataset: files written, best epoch kept, and resume after an interruption."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import keras
import numpy as np
import pytest

import fer_core.training.teachers
from fer_core.model_files import AVERAGE_FILE, HISTORY_FILE, MODEL_FILE, RECIPE_FILE, read_history
from fer_core.training.averaging import WeightAverage
from fer_core.training.model import build_model
from fer_core.training.recipe import Recipe, read_recipe
from fer_core.training.teachers import teacher_probabilities
from fer_core.training.train import ShuffledBatches, class_weights, learning_schedule, train

from .conftest import FER_TINY

TINY = replace(Recipe(), epochs=3, batch_size=8, warmup_epochs=1, width=8)


class _Interrupt(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt


@pytest.fixture
def dataset(tmp_path):
    shutil.copytree(FER_TINY, tmp_path / "data" / "train")
    shutil.copytree(FER_TINY, tmp_path / "data" / "val")
    return tmp_path / "data"


def test_training_writes_model_history_and_recipe(dataset, tmp_path):
    model_path = train(dataset, tmp_path / "out", TINY)
    assert model_path.name == MODEL_FILE and model_path.is_file()
    assert [row["epoch"] for row in read_history(tmp_path / "out" / HISTORY_FILE)] == [0, 1, 2]
    assert '"epochs": 3' in (tmp_path / "out" / RECIPE_FILE).read_text()
    model = keras.models.load_model(model_path)
    assert model.output_shape == (None, 7)
    assert getattr(model, "optimizer", None) is None, "the shipped file should carry no optimizer state"


def test_interrupted_training_resumes_where_it_stopped(dataset, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        train(dataset, out, TINY, callbacks=[_Interrupt()])
    assert [row["epoch"] for row in read_history(out / HISTORY_FILE)] == [0, 1]
    train(dataset, out, TINY)
    rows = (out / HISTORY_FILE).read_text().splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["0", "1", "2"], "a restart would have logged epochs 0 and 1 again"
    assert not (out / "resume").exists()


def test_rare_classes_weigh_more_and_the_average_weight_is_one():
    labels = np.array([0] * 10 + [1] * 1 + [3] * 40 + [2, 4, 5, 6] * 10)
    weights = class_weights(labels, power=0.5)
    assert weights[1] > weights[0] > weights[3]
    counts = np.bincount(labels)
    assert sum(weights[i] * counts[i] for i in range(7)) / counts.sum() == pytest.approx(1.0)


def test_warm_restart_starts_from_the_given_weights(dataset, tmp_path):
    first = train(dataset, tmp_path / "first", TINY)
    restart = replace(TINY, epochs=1, warmup_epochs=0, peak_learning_rate=1e-9, init_from=str(first))
    second = train(dataset, tmp_path / "second", restart)
    before, after = (keras.models.load_model(p, compile=False).get_weights() for p in (first, second))
    conv_kernels = [(a, b) for a, b in zip(before, after, strict=True) if a.ndim == 4]
    assert all(abs(a - b).max() < 1e-3 for a, b in conv_kernels)
    saved = json.loads((tmp_path / "second" / "recipe.json").read_text())
    assert saved["init_recipe"] == json.loads((tmp_path / "first" / "recipe.json").read_text())


def test_learning_rate_holds_at_the_floor_while_weights_are_averaged():
    recipe = replace(
        TINY, epochs=10, warmup_epochs=1, average_epochs=4, peak_learning_rate=0.1, floor_learning_rate=0.01
    )
    schedule = learning_schedule(recipe, steps_per_epoch=5)
    assert float(schedule(5)) == pytest.approx(0.1)
    assert float(schedule(20)) > 0.01
    assert [float(schedule(step)) for step in (30, 40, 49)] == pytest.approx([0.01] * 3)


def test_weight_average_is_the_mean_of_the_last_epochs_and_survives_a_restart(tmp_path):
    import numpy as np

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    path = tmp_path / "average.npz"
    for epoch, value in enumerate([5.0, 1.0, 2.0, 6.0]):
        model.layers[0].kernel.assign(np.full((2, 1), value))
        averager = WeightAverage(path, first_epoch=1)  # a new one each epoch, as after a restart
        averager.set_model(model)
        averager.on_epoch_end(epoch)
    mean, count = WeightAverage(path, first_epoch=1).read()
    assert count == 3
    assert np.allclose(mean[0], 3.0)


def test_training_with_weight_averaging_reports_the_average_and_keeps_the_better(dataset, tmp_path):
    out = tmp_path / "out"
    model_path = train(dataset, out, replace(TINY, epochs=3, average_epochs=2, floor_learning_rate=0.001))
    record = json.loads((out / AVERAGE_FILE).read_text())
    assert record["epochs_averaged"] == 2
    assert record["kept"] == (record["val_accuracy"] > record["best_epoch_val_accuracy"])
    assert keras.models.load_model(model_path).output_shape == (None, 7)
    assert not (out / "average.npz").exists()


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


def test_distilled_training_records_its_teachers_and_their_recipes(dataset, tmp_path):
    teacher = train(dataset, tmp_path / "teacher", TINY)
    student = replace(TINY, epochs=1, teachers=(str(teacher),), teacher_weight=0.5)
    train(dataset, tmp_path / "student", student)
    saved = json.loads((tmp_path / "student" / RECIPE_FILE).read_text())
    assert saved["teachers"] == [str(teacher)] and saved["teacher_weight"] == 0.5
    assert saved["teacher_recipes"] == [json.loads((tmp_path / "teacher" / RECIPE_FILE).read_text())]
    assert read_recipe(tmp_path / "student" / RECIPE_FILE) == student


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


def test_each_epoch_sees_every_face_once_in_a_new_order():
    import numpy as np

    keras.utils.set_random_seed(1)  # as training does: Keras' own shuffle then repeats one order every epoch
    images = np.arange(40, dtype=np.uint8).repeat(48 * 48).reshape(40, 48, 48)
    batches = ShuffledBatches(images, np.eye(7)[np.arange(40) % 7], batch_size=16, seed=1)
    model = keras.Sequential([keras.Input((48, 48, 1)), keras.layers.Flatten(), keras.layers.Dense(7)])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    orders = []
    record = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: orders.append(batches.order.copy()))
    model.fit(batches, epochs=3, verbose=0, callbacks=[record])
    assert len(batches) == 3
    seen = np.concatenate([batches[i][0][:, 0, 0, 0] for i in range(len(batches))])
    assert sorted(seen.astype(int)) == list(range(40))
    assert all(sorted(order) == list(range(40)) for order in orders)
    assert len({tuple(order) for order in orders}) == 3


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
