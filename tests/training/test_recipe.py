"""The recipe saved beside a model (fer_core.training.recipe): a distilled run records its teachers and the recipes
they were trained with, and reads back as the recipe it ran."""

from __future__ import annotations

import json
from dataclasses import replace

from fer_core.model_files import RECIPE_FILE
from fer_core.training.recipe import read_recipe
from fer_core.training.train import train
from tests.training.conftest import TINY


def test_distilled_training_records_its_teachers_and_their_recipes(dataset, tmp_path):
    teacher = train(dataset, tmp_path / "teacher", TINY)
    student = replace(TINY, epochs=1, teachers=(str(teacher),), teacher_weight=0.5)
    train(dataset, tmp_path / "student", student)
    saved = json.loads((tmp_path / "student" / RECIPE_FILE).read_text())
    assert saved["teachers"] == [str(teacher)] and saved["teacher_weight"] == 0.5
    assert saved["teacher_recipes"] == [json.loads((tmp_path / "teacher" / RECIPE_FILE).read_text())]
    assert read_recipe(tmp_path / "student" / RECIPE_FILE) == student
