"""The logic under the pages: the faces table and its exports, shared charts, dashboard readers."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from fer_core import COLORS, EMOTIONS, DatasetError, datasets, export, model_files
from fer_core.uploads import PhotoResult, analyze_photo, keep_faces
from pages import _charts as charts


@pytest.fixture(scope="module")
def photos(recognizer, group_photo, portrait) -> list[PhotoResult]:
    return [
        analyze_photo(path.name, path.read_bytes(), recognizer, max_bytes=50_000_000)
        for path in (group_photo, portrait)
    ] + [analyze_photo("notes.png", b"not an image", recognizer, max_bytes=50_000_000)]


def test_a_bad_upload_becomes_a_result_with_a_reason_instead_of_an_exception(photos):
    assert photos[2].error and "not an image" in photos[2].error and photos[2].faces == []


def test_the_minimum_confidence_setting_drops_only_less_certain_faces(photos):
    scores = sorted(f.detection_score for f in photos[0].faces)
    kept = keep_faces(photos[0], scores[0] + 1e-6)
    assert len(kept.faces) == len(scores) - 1


def test_the_faces_table_has_one_row_per_face_numbered_per_photo(photos):
    table = export.faces_table(photos)
    assert list(table.columns) == ["file", "face", "emotion", "confidence", "uncertain", *EMOTIONS]
    counts = [len(p.faces) for p in photos]
    assert len(table) == sum(counts)
    assert list(table[table.file == photos[0].name].face) == list(range(1, counts[0] + 1))


def test_csv_and_json_exports_hold_the_same_faces(photos):
    rows = export.table_csv(photos).decode().strip().splitlines()
    document = json.loads(export.table_json(photos, "emotion.keras"))
    assert len(rows) - 1 == sum(len(image["faces"]) for image in document["images"])
    assert document["images"][2]["error"] and document["emotions"] == list(EMOTIONS)


def test_annotated_images_download_as_one_png_per_readable_photo(photos):
    with zipfile.ZipFile(io.BytesIO(export.annotated_zip(photos, show_probabilities=True))) as archive:
        assert archive.namelist() == [f"{p.name.rsplit('.', 1)[0]}_annotated.png" for p in photos[:2]]


def test_a_face_crop_stays_inside_the_photo(photos):
    photo = photos[1]
    crop = export.face_crop(photo.rgb, photo.faces[0].box)
    assert 0 < crop.shape[0] <= photo.rgb.shape[0] and crop.shape[2] == 3


def test_charts_colour_each_emotion_with_the_shared_colours():
    figure = charts.probability_bars(dict.fromkeys(EMOTIONS, 1 / 7))
    assert list(figure.data[0].marker.color) == [COLORS[e] for e in EMOTIONS]
    mix = charts.emotion_mix([0.0, 0.5], {e: [0.1, 0.2] for e in EMOTIONS})
    assert [trace.line.color for trace in mix.data] == [COLORS[e] for e in EMOTIONS]


def test_the_normalized_confusion_matrix_shows_each_true_emotion_as_shares():
    matrix = np.diag([2, 0, 1, 4, 1, 1, 3]).tolist()
    matrix[0][3] = 2
    figure = charts.confusion_heatmap(matrix, normalized=True)
    assert figure.data[0].z[0][0] == 0.5 and figure.data[0].z[1].sum() == 0


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


def test_class_counts_and_samples_come_from_the_split_folders(tmp_path):
    for split, n in (("train", 3), ("val", 1)):
        (tmp_path / split / "happy").mkdir(parents=True)
        for i in range(n):
            (tmp_path / split / "happy" / f"{i}.jpg").write_bytes(b"x")
    counts = datasets.class_counts(tmp_path)
    assert counts["train"]["happy"] == 3 and counts["val"]["happy"] == 1 and counts["train"]["sad"] == 0
    assert [p.name for p in datasets.sample_faces(tmp_path, per_class=2)["happy"]] == ["0.jpg", "1.jpg"]
