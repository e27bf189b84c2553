"""Reading FER2013 in both formats people have: the Kaggle CSV and <split>/<class>/ image folders; class counts and
sample faces from the split folders."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from fer_core import EMOTIONS, DatasetError, datasets
from fer_core.datasets import Split, class_folders, load_fer2013
from tests.conftest import FER_TINY


def _csv_from_folders(path, rows_extra: str = "") -> None:
    lines = ["emotion,pixels,Usage"]
    for split_usage in ("Training", "PublicTest"):
        for image_path, label in class_folders(FER_TINY):
            from fer_core.datasets import read_crop

            pixels = " ".join(map(str, read_crop(image_path).ravel()))
            lines.append(f"{label},{pixels},{split_usage}")
    path.write_text("\n".join(lines) + "\n" + rows_extra)


def test_folder_tree_gives_splits_with_48x48_images_and_labels(tmp_path):
    shutil.copytree(FER_TINY, tmp_path / "train")
    shutil.copytree(FER_TINY, tmp_path / "PublicTest")
    splits = load_fer2013(tmp_path)
    assert set(splits) == {"train", "val"}
    train = splits["train"]
    assert train.images.shape == (21, 48, 48) and train.images.dtype == np.uint8
    assert sorted(np.bincount(train.labels)) == [3] * 7


def test_kaggle_csv_gives_the_same_faces_as_the_folders(tmp_path):
    csv = tmp_path / "fer2013.csv"
    _csv_from_folders(csv)
    splits = load_fer2013(csv)
    assert set(splits) == {"train", "val"}
    shutil.copytree(FER_TINY, tmp_path / "tree" / "train")
    folders = load_fer2013(tmp_path / "tree")["train"]
    assert np.array_equal(splits["train"].images, folders.images)
    assert np.array_equal(splits["val"].labels, folders.labels)


def test_malformed_csv_rows_are_skipped_and_reported_by_row_number(tmp_path):
    csv = tmp_path / "fer2013.csv"
    bad = "9,1 2 3,Training\nx,1 2,Training\n3,1 2 3,Training\n3," + " ".join(["300"] * 2304) + ",Training\n"
    _csv_from_folders(csv, bad)
    train = load_fer2013(csv)["train"]
    assert len(train) == 21
    problems = " | ".join(train.problems)
    assert "row 44: emotion 9 is outside 0-6" in problems
    assert "row 45" in problems and "row 46: 3 pixels instead of 2304" in problems
    assert "row 47: pixel values outside 0-255" in problems


def test_csv_without_the_pixels_column_is_refused(tmp_path):
    csv = tmp_path / "x.csv"
    csv.write_text("emotion,Usage\n1,Training\n")
    with pytest.raises(DatasetError, match="pixels"):
        load_fer2013(csv)


def test_unknown_class_folders_are_named_in_the_error(tmp_path):
    shutil.copytree(FER_TINY, tmp_path / "data")
    (tmp_path / "data" / "contempt").mkdir()
    with pytest.raises(DatasetError, match="contempt"):
        class_folders(tmp_path / "data")


def test_class_folder_names_are_case_insensitive_and_in_label_order(tmp_path):
    shutil.copytree(FER_TINY / "happy", tmp_path / "Happy")
    items = class_folders(tmp_path)
    assert {label for _, label in items} == {EMOTIONS.index("happy")}


def test_folder_without_splits_is_refused(tmp_path):
    with pytest.raises(DatasetError, match="train/ and val/"):
        load_fer2013(tmp_path)


def test_split_off_keeps_the_same_share_of_every_class_apart_for_the_same_seed():
    labels = np.repeat(np.arange(7), [40, 20, 60, 100, 80, 40, 60])
    split = Split(np.arange(len(labels)), labels)  # each image stands for its own index
    rest, held = split.split_off(0.1, seed=3)
    assert list(np.bincount(held.labels)) == [4, 2, 6, 10, 8, 4, 6]
    assert len(rest) + len(held) == len(split)
    assert not set(rest.images) & set(held.images)
    again = split.split_off(0.1, seed=3)[1]
    other = split.split_off(0.1, seed=4)[1]
    assert np.array_equal(again.images, held.images)
    assert not np.array_equal(other.images, held.images)


def test_example_faces_leave_out_what_the_fer_plus_crowd_called_not_a_face(tmp_path):
    from fer_core.datasets import sample_faces
    from fer_core.ferplus import VOTE_NAMES

    for name in ("0.jpg", "1.jpg", "2.jpg"):
        path = tmp_path / "train" / "happy" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    rows = ["file," + ",".join(VOTE_NAMES)]
    rows.append("train/happy/0.jpg," + ",".join("10" if v == "not_face" else "0" for v in VOTE_NAMES))
    rows.append("train/happy/1.jpg," + ",".join("10" if v == "happy" else "0" for v in VOTE_NAMES))
    (tmp_path / "ferplus.csv").write_text("\n".join(rows) + "\n")
    assert [p.name for p in sample_faces(tmp_path, per_class=2)["happy"]] == ["1.jpg", "2.jpg"]


def test_class_counts_and_samples_come_from_the_split_folders(tmp_path):
    for split, n in (("train", 3), ("val", 1)):
        (tmp_path / split / "happy").mkdir(parents=True)
        for i in range(n):
            (tmp_path / split / "happy" / f"{i}.jpg").write_bytes(b"x")
    counts = datasets.class_counts(tmp_path)
    assert counts["train"]["happy"] == 3 and counts["val"]["happy"] == 1 and counts["train"]["sad"] == 0
    assert [p.name for p in datasets.sample_faces(tmp_path, per_class=2)["happy"]] == ["0.jpg", "1.jpg"]
