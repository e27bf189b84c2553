"""The training recipe: every setting that decides the weights, saved beside them as recipe.json."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..datasets import Split
from ..model_files import RECIPE_FILE


@dataclass(frozen=True)
class Recipe:
    """Everything that decides the trained weights, saved beside them."""

    epochs: int = 60
    batch_size: int = 64
    peak_learning_rate: float = 0.05
    warmup_epochs: int = 2
    weight_decay: float = 5e-4
    label_smoothing: float = 0.1
    class_weight_power: float = 0.35
    width: int = 48
    seed: int = 1
    calibration_fraction: float = 0.05
    """Share of each train class kept out of training, to fit the confidence calibration on unseen faces."""
    init_from: str | None = None
    """A .keras model of the same width to start from (a warm restart: a second, shorter schedule)."""
    average_epochs: int = 0
    """Average the weights of the last N epochs (stochastic weight averaging), the learning rate held at
    `floor_learning_rate` through them; the average is kept if it beats the best single epoch on val."""
    floor_learning_rate: float = 0.0
    """Where the cosine schedule ends (and stays while weights are averaged)."""
    teachers: tuple[str, ...] = ()
    """Trained .keras models whose averaged answers (each over its twelve test-time views) are blended into every
    training label: knowledge distillation, so one plain look learns what the ensemble sees."""
    teacher_weight: float = 0.7
    """Share of each training target that comes from the teachers (the rest is the dataset's label)."""
    erase_probability: float = 0.0
    """Share of training faces that get a random patch replaced by noise (random erasing; see model.build_model)."""
    votes: str | None = None
    """FER+ crowd votes (ferplus.csv): non-faces are left out and each target blends the label with the votes."""
    vote_weight: float = 0.5
    """Share of each training target that comes from the FER+ votes (see ferplus.crowd_targets)."""
    photo_probability: float = 0.0
    """Share of training faces made to look like faces from real photos: blur, gamma, light, contrast (photo_look)."""
    streak_probability: float = 0.0
    """Share of training faces given an edge streak, as a crop running past a photo's edge has (edge_streaks)."""


def recipe_record(recipe: Recipe) -> dict:
    """The recipe as saved beside the model; a warm restart also keeps the recipe saved with the model it started
    from (`init_recipe`), so the model card can give every command that led to the weights."""
    record = asdict(recipe)
    if recipe.init_from:
        record["init_recipe"] = _saved_recipe(recipe.init_from)
    if recipe.teachers:
        record["teacher_recipes"] = [_saved_recipe(teacher) for teacher in recipe.teachers]
    return record


def _saved_recipe(model_path: str) -> dict | None:
    """The recipe saved beside a trained model, or None when there is none."""
    path = Path(model_path).with_name(RECIPE_FILE)
    return json.loads(path.read_text()) if path.is_file() else None


def read_recipe(path: str | Path) -> Recipe:
    """The Recipe saved in a recipe.json (what was recorded about the models it started from is left aside)."""
    saved = json.loads(Path(path).read_text())
    fields = {key: value for key, value in saved.items() if key in Recipe.__dataclass_fields__}
    fields["teachers"] = tuple(fields.get("teachers", ()))
    return Recipe(**fields)


def selection_metric(recipe: Recipe | dict) -> str:
    """The val score that picks the epoch to keep: agreement with the FER+ crowd when training used its votes."""
    votes = recipe.get("votes") if isinstance(recipe, dict) else recipe.votes
    return "val_crowd_accuracy" if votes else "val_accuracy"


def calibration_split(train_split: Split, recipe: Recipe) -> tuple[Split, Split]:
    """Return (faces to train on, faces kept for calibration): the same slice for the same recipe."""
    return train_split.split_off(recipe.calibration_fraction, recipe.seed)


def describe(recipe: dict) -> str:
    """The recipe in words, for the model card."""
    return (
        f"{recipe['epochs']} epochs, batch {recipe['batch_size']}, SGD with Nesterov momentum 0.9, "
        f"cosine learning rate peaking at {recipe['peak_learning_rate']} after {recipe['warmup_epochs']} warm-up "
        f"epochs, weight decay {recipe['weight_decay']}, label smoothing {recipe['label_smoothing']}, class weights "
        f"(largest/own count)^{recipe['class_weight_power']}, augmentation by flips, rotations, shifts, zooms "
        f"and contrast changes, width {recipe['width']}, seed {recipe['seed']}"
        + (
            f", weights averaged over the last {recipe['average_epochs']} epochs at learning rate "
            f"{recipe['floor_learning_rate']}"
            if recipe.get("average_epochs")
            else ""
        )
        + (
            f", {recipe['photo_probability']:.0%} of faces softened, darkened or flattened like real photos"
            if recipe.get("photo_probability")
            else ""
        )
        + (
            f", {recipe['streak_probability']:.0%} of faces given a side of repeated edge pixels, as crops that run "
            "past a photo's edge have"
            if recipe.get("streak_probability")
            else ""
        )
        + (
            ", starting from the weights of an earlier run (the train commands before the last, below)"
            if recipe.get("init_from")
            else ""
        )
        + (
            f", each target {recipe['teacher_weight']:.0%} the mean answer of {len(recipe['teachers'])} earlier "
            "model(s) over their twelve test-time views and the rest the dataset's label (distillation)"
            if recipe.get("teachers")
            else ""
        )
        + (
            f", each target {recipe['vote_weight']:.0%} the FER+ crowd's votes (votes for contempt or unknown counting "
            "for FER2013's label) and the rest FER2013's label, the faces the crowd called not a face left out, and "
            "the epoch kept by val agreement with the crowd's majority"
            if recipe.get("votes")
            else ""
        )
    )
