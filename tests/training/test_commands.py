"""The commands that reproduce a model folder (fer_core.training.commands), rebuilt from its saved recipes."""

from __future__ import annotations

from dataclasses import asdict

from fer_core.training.__main__ import _RECIPE_FLAGS, _TO_RECIPE
from fer_core.training.commands import TRAIN_FLAGS, train_commands
from fer_core.training.recipe import Recipe


def test_every_setting_the_train_command_takes_is_reproduced_by_its_flag():
    for name in _RECIPE_FLAGS:
        assert TRAIN_FLAGS.get(_TO_RECIPE.get(name, name)) == "--" + name.replace("_", "-"), name


def test_a_recipe_changed_only_through_flags_needs_no_code_change_to_reproduce():
    recipe = asdict(Recipe()) | {"photo_probability": 0.3, "vote_weight": 0.7, "votes": "ferplus.csv", "epochs": 5}
    (command,) = train_commands(recipe)
    assert "--photo-look 0.3" in command and "--vote-weight 0.7" in command and "--epochs 5" in command
