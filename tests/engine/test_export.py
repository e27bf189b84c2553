"""Exports (fer_core.export): the faces table and its CSV and JSON downloads, annotated images, face crops."""

from __future__ import annotations

import io
import json
import zipfile

from fer_core import EMOTIONS, export


def test_the_faces_table_has_one_row_per_face_numbered_per_photo(photos):
    table = export.faces_table(photos)
    assert list(table.columns) == ["file", "face", "answer", "emotion", "confidence", "uncertain", *EMOTIONS]
    assert list(table.answer) == [face.label for photo in photos for face in photo.faces]
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


def test_a_face_crop_for_a_card_is_shrunk_to_what_the_page_needs_keeping_its_shape(photos):
    photo = photos[1]
    full = export.face_crop(photo.rgb, photo.faces[0].box)
    small = export.face_crop(photo.rgb, photo.faces[0].box, longest=64)
    assert max(small.shape[:2]) == 64 and small.shape[2] == 3
    assert abs(small.shape[1] / small.shape[0] - full.shape[1] / full.shape[0]) < 0.05
