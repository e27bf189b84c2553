"""Runtime calibration (fer_core.calibration): the file beside the model is read, or its absence means raw
probabilities, and a damaged one is reported."""

from __future__ import annotations

import pytest

from fer_core import ModelNotFoundError
from fer_core.calibration import Calibration, load_calibration
from fer_core.model_files import CALIBRATION_FILE


def test_a_model_without_calibration_file_gives_raw_probabilities(tmp_path):
    assert load_calibration(tmp_path / "emotion.keras") == Calibration()


@pytest.mark.parametrize("content", ["{not json", '{"temperature": 1.5}', '{"temperature": -1, "uncertain_margin": 0}'])
def test_a_damaged_calibration_file_is_reported_not_ignored(tmp_path, content):
    (tmp_path / CALIBRATION_FILE).write_text(content)
    with pytest.raises(ModelNotFoundError, match="calibration file"):
        load_calibration(tmp_path / "emotion.keras")
