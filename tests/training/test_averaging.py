"""Weight averaging (fer_core.training.averaging): the mean of the last epochs' weights, kept across restarts, and
kept as the model only when it scores better than the best epoch."""

from __future__ import annotations

import json
from dataclasses import replace

import keras

from fer_core.model_files import AVERAGE_FILE
from fer_core.training.averaging import WeightAverage
from fer_core.training.train import train
from tests.training.conftest import TINY


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
