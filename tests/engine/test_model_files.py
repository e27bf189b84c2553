"""The model folder's readers (fer_core.model_files): training history and metrics, missing told from broken."""

from __future__ import annotations

import pytest

from fer_core import DatasetError, model_files


def test_history_reader_keeps_the_last_row_of_a_repeated_epoch(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("epoch,accuracy,loss,val_accuracy,val_loss\n0,.1,2,.2,2\n1,.3,1,.3,1\n1,.4,1,.5,1\n")
    assert [row["val_accuracy"] for row in model_files.read_history(path)] == [0.2, 0.5]
    assert model_files.read_history(tmp_path / "missing.csv") == []


def test_metrics_reader_tells_missing_from_broken(tmp_path):
    assert model_files.read_metrics(tmp_path / "metrics.json") is None
    (tmp_path / "metrics.json").write_text("{not json")
    with pytest.raises(DatasetError, match="not a readable metrics file"):
        model_files.read_metrics(tmp_path / "metrics.json")
