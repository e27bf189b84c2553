"""Training end to end on a tiny real dataset: files written, best epoch kept, and resume after an interruption."""

from __future__ import annotations

import json
from dataclasses import replace

import keras
import numpy as np
import pytest

from fer_core.model_files import HISTORY_FILE, MODEL_FILE, RECIPE_FILE, read_history
from fer_core.training.train import ShuffledBatches, class_weights, learning_schedule, train
from tests.training.conftest import TINY, _Interrupt


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
