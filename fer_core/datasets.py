"""FER2013 on disk: the Kaggle CSV (`emotion,pixels,Usage`) or `<split>/<class>/*.jpg` folders, read into arrays."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pandas as pd

from .errors import DatasetError, InvalidImageError
from .ferplus import VOTES_FILE, is_face, read_votes
from .images import IMAGE_SUFFIXES, load_image, to_gray
from .labels import CSV_USAGE_TO_SPLIT, EMOTIONS, IMAGE_SIZE

SPLITS: tuple[str, ...] = ("train", "val")
"""Dataset splits the Dashboard describes."""

_SPLIT_ALIASES = {
    "train": "train",
    "training": "train",
    "val": "val",
    "valid": "val",
    "validation": "val",
    "publictest": "val",
    "test": "test",
    "privatetest": "test",
}


@dataclass(frozen=True)
class Split:
    """One split of a dataset: 48x48 gray faces, their label indices (see labels.EMOTIONS) and what was skipped.

    `names` gives each face's file as `<class>/<file>` for a folder dataset (so FER+ votes can be matched to
    it); it is empty for the CSV, whose rows have no names.
    """

    images: np.ndarray
    labels: np.ndarray
    problems: tuple[str, ...] = field(default=())
    names: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.labels)

    def split_off(self, fraction: float, seed: int) -> tuple[Split, Split]:
        """Return (rest, held out): a `fraction` of every class, drawn the same way for the same seed."""
        rng = np.random.default_rng(seed)
        held = np.zeros(len(self), dtype=bool)
        for label in range(len(EMOTIONS)):
            members = rng.permutation(np.flatnonzero(self.labels == label))
            held[members[: round(len(members) * fraction)]] = True
        return self.select(~held), Split(self.images[held], self.labels[held], names=self._names_at(held))

    def select(self, keep: np.ndarray) -> Split:
        """The faces where the boolean mask `keep` is true (with their names), keeping the problems list."""
        return Split(self.images[keep], self.labels[keep], self.problems, self._names_at(keep))

    def _names_at(self, keep: np.ndarray) -> tuple[str, ...]:
        return tuple(np.asarray(self.names, dtype=object)[keep]) if self.names else ()


def load_fer2013(source: str | Path) -> dict[str, Split]:
    """Read every split of a FER2013 copy, given the Kaggle CSV file or a folder of `<split>/<class>/` images."""
    path = Path(source)
    if path.is_file():
        return _load_csv(path)
    if path.is_dir():
        return _load_split_folders(path)
    raise DatasetError(f"No dataset at {path}: give the FER2013 CSV file or a folder with train/ and val/ folders.")


def class_folders(root: str | Path) -> list[tuple[Path, int]]:
    """List `(image path, label index)` under `root/<class>/`; unknown class folder names are an error."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder.")
    folders = [p for p in sorted(root.iterdir()) if p.is_dir() and not p.name.startswith((".", "__"))]
    unknown = [p.name for p in folders if p.name.lower() not in EMOTIONS]
    if unknown:
        raise DatasetError(
            f"Unknown class folder(s): {', '.join(sorted(unknown))}. Folder names must be among: {', '.join(EMOTIONS)}."
        )
    if not folders:
        raise DatasetError(f"{root} has no class folders; expected folders named {', '.join(EMOTIONS)}.")
    items = []
    for folder in folders:
        label = EMOTIONS.index(folder.name.lower())
        items += [(p, label) for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")]
    return items


def read_crop(source) -> np.ndarray:
    """Read an already-cropped face (any image source) as 48x48 gray uint8, resizing if it is another size."""
    gray = to_gray(load_image(source)) if not _is_gray48(source) else source
    if gray.shape != (IMAGE_SIZE, IMAGE_SIZE):
        gray = cv2.resize(gray, (IMAGE_SIZE, IMAGE_SIZE), interpolation=cv2.INTER_AREA)
    return gray


def _is_gray48(source) -> bool:
    return isinstance(source, np.ndarray) and source.shape == (IMAGE_SIZE, IMAGE_SIZE) and source.dtype == np.uint8


def _load_split_folders(root: Path) -> dict[str, Split]:
    splits = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        name = _SPLIT_ALIASES.get(folder.name.lower())
        if name:
            splits[name] = _load_class_tree(folder)
    if not splits:
        raise DatasetError(f"{root} has no split folders; expected train/ and val/ (each with one folder per class).")
    return splits


def _load_class_tree(root: Path) -> Split:
    images, labels, problems, names = [], [], [], []
    for path, label in class_folders(root):
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            problems.append(f"{path.name}: not an image file")
            continue
        try:
            images.append(read_crop(path))
        except InvalidImageError as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        labels.append(label)
        names.append(f"{path.parent.name}/{path.name}")
    return _split(images, labels, problems, names)


def _load_csv(path: Path) -> dict[str, Split]:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:
        raise DatasetError(f"{path.name} is not a readable CSV file: {exc}") from exc
    missing = {"emotion", "pixels"} - set(table.columns)
    if missing:
        raise DatasetError(
            f"{path.name} lacks the column(s) {', '.join(sorted(missing))}; expected emotion,pixels,Usage."
        )
    usage = table["Usage"] if "Usage" in table.columns else pd.Series(["Training"] * len(table))
    parts: dict[str, tuple[list, list, list]] = {}
    for row, (emotion, pixels, use) in enumerate(zip(table["emotion"], table["pixels"], usage, strict=True), start=2):
        split = CSV_USAGE_TO_SPLIT.get(use.strip(), None)
        images, labels, problems = parts.setdefault(split or "unknown", ([], [], []))
        try:
            label, image = _parse_row(emotion, pixels)
            if split is None:
                raise ValueError(f"unknown Usage {use!r}")
        except ValueError as exc:
            problems.append(f"row {row}: {exc}")
            continue
        images.append(image)
        labels.append(label)
    if not any(labels for _, labels, _ in parts.values()):
        raise DatasetError(f"{path.name} holds no valid rows.")
    return {name: _split(*lists) for name, lists in parts.items() if name != "unknown" or lists[2]}


def _parse_row(emotion: str, pixels: str) -> tuple[int, np.ndarray]:
    try:
        label = int(emotion)
    except ValueError:
        raise ValueError(f"emotion {emotion!r} is not a number 0-6") from None
    if not 0 <= label < len(EMOTIONS):
        raise ValueError(f"emotion {label} is outside 0-6")
    try:
        values = np.array(pixels.split(), dtype=np.int64)
    except ValueError:
        raise ValueError("pixels are not all whole numbers") from None
    if values.size != IMAGE_SIZE * IMAGE_SIZE:
        raise ValueError(f"{values.size} pixels instead of {IMAGE_SIZE * IMAGE_SIZE}")
    if values.min() < 0 or values.max() > 255:
        raise ValueError("pixel values outside 0-255")
    return label, values.astype(np.uint8).reshape(IMAGE_SIZE, IMAGE_SIZE)


def _split(images: list, labels: list, problems: list, names: list | None = None) -> Split:
    stacked = np.stack(images) if images else np.zeros((0, IMAGE_SIZE, IMAGE_SIZE), np.uint8)
    return Split(stacked, np.asarray(labels, dtype=np.int64), tuple(problems), tuple(names or ()))


def class_counts(data_dir: str | Path) -> dict[str, dict[str, int]]:
    """Image files per emotion for each split folder present (`<data_dir>/<split>/<emotion>/`); {} when none."""
    counts = {}
    for split in SPLITS:
        folder = Path(data_dir) / split
        if folder.is_dir():
            counts[split] = {emotion: len(_images(folder / emotion)) for emotion in EMOTIONS}
    return counts


def sample_faces(data_dir: str | Path, per_class: int, split: str = "train") -> dict[str, list[Path]]:
    """The first `per_class` images (by name) of each emotion in one split, for a grid of examples; images the FER+
    crowd called not a face (blank, text, cartoons) are skipped when the copy has its ferplus.csv."""
    folder = Path(data_dir) / split
    paths = {emotion: sorted(_images(folder / emotion)) for emotion in EMOTIONS}
    votes_file = Path(data_dir) / VOTES_FILE
    if votes_file.is_file():
        names = [f"{emotion}/{path.name}" for emotion in EMOTIONS for path in paths[emotion]]
        faces = is_face(read_votes(votes_file, split, names))
        non_faces = {name for name, face in zip(names, faces, strict=True) if not face}
        paths = {e: [p for p in found if f"{e}/{p.name}" not in non_faces] for e, found in paths.items()}
    return {emotion: found[:per_class] for emotion, found in paths.items()}


def _images(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        return [Path(e.path) for e in entries if e.is_file() and os.path.splitext(e.name)[1].lower() in IMAGE_SUFFIXES]
