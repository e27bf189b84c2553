"""What the training tests share: a tiny recipe (a width-8 model, 3 epochs), an interruption after the second epoch,
and the tiny fixture as a dataset."""

from __future__ import annotations

import shutil
from dataclasses import replace

import keras
import pytest

from fer_core.training.recipe import Recipe
from tests.conftest import FER_TINY

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
