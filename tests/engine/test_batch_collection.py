"""Batch results read back for people (fer_core.batch.collection): the mix per file and per folder, each video's
people as the Video page sums them up, refusals, and the same collection from the folder or from uploaded files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from fer_core import EMOTIONS
from fer_core.batch.collection import open_results, read_uploaded
from fer_core.batch.results import FILES_SCHEMA, ResultsFolder, faces_table
from fer_core.errors import DatasetError
from fer_core.video.people import summary


def _face(file: str, emotion: str, time: float | None = None, person: int | None = None) -> dict:
    probabilities = {e: (0.7 if e == emotion else 0.05) for e in EMOTIONS}
    return {"file": file, "time": time, "person": person, "emotion": emotion, **probabilities}


def _faces() -> pd.DataFrame:
    photos = [_face("party/a.jpg", "happy"), _face("party/a.jpg", "happy"), _face("party/b.jpg", "sad")]
    photos += [_face("office/c.jpg", "neutral")]
    video = [_face("clips/talk.mp4", "happy" if t < 1 else "surprise", t, 1) for t in np.arange(0, 2, 0.2)]
    video += [_face("clips/talk.mp4", "angry", t, 2) for t in np.arange(0.4, 1.4, 0.2)]
    return pd.DataFrame(photos + video)


def _files() -> pd.DataFrame:
    names = ["party/a.jpg", "party/b.jpg", "office/c.jpg", "clips/talk.mp4", "office/empty.jpg", "notes.txt"]
    kinds = ["photo"] * 3 + ["video", "photo", "other"]
    statuses = ["analysed"] * 4 + ["no face", "refused"]
    reasons = [None] * 5 + ["Files of type .txt are not supported; please upload a photo or a video."]
    return pd.DataFrame({"file": names, "kind": kinds, "status": statuses, "reason": reasons})


def write_results(folder: Path) -> Path:
    """A RESULTS folder as a batch writes it, in two parts (two workers' batches): 4 photos in 3 folders, a video
    with two people, a photo without a face and a refused file."""
    results, faces, files = ResultsFolder(folder), _faces(), _files()
    results.open()
    for part in (slice(0, 4), slice(4, None)):
        chosen = files.iloc[part]
        results.write(
            pa.Table.from_pandas(chosen.reindex(columns=FILES_SCHEMA.names), FILES_SCHEMA, preserve_index=False),
            faces_table(faces[faces["file"].isin(chosen["file"])]),
        )
    return folder


@pytest.fixture
def results(tmp_path) -> Path:
    return write_results(tmp_path / "RESULTS")


def test_the_mix_counts_every_face_once_per_file_and_per_folder(results):
    collection = open_results(results)
    by_file = collection.mix("file")
    assert by_file.loc["party/a.jpg", "happy"] == 1.0 and by_file.loc["party/a.jpg", "faces"] == 2
    assert by_file.index[0] == "clips/talk.mp4"  # most faces first: 10 + 5 video rows
    by_folder = collection.mix("folder")
    assert by_folder.loc["party", "happy"] == pytest.approx(2 / 3) and by_folder.loc["party", "sad"] == pytest.approx(
        1 / 3
    )
    assert np.allclose(by_folder[list(EMOTIONS)].sum(axis=1), 1.0)
    overall = collection.mix("all").loc["all"]
    assert overall["faces"] == 19 and overall["angry"] == pytest.approx(5 / 19)


def test_a_videos_people_are_summed_up_as_on_the_video_page(results):
    collection = open_results(results)
    assert collection.videos() == ["clips/talk.mp4"]
    people = collection.people("clips/talk.mp4")
    expected = summary(_faces().dropna(subset=["time"]).astype({"person": int}), step=0.2)
    pd.testing.assert_frame_equal(people.reset_index(drop=True), expected, check_dtype=False, atol=1e-6)
    assert people.set_index("person").loc[2, "dominant"] == "angry"
    seconds, shares = collection.timeline("clips/talk.mp4", 1)
    assert len(seconds) == 10 and shares["happy"][0] == pytest.approx(0.7)


def test_statuses_and_refusals_come_with_their_reasons(results):
    collection = open_results(results)
    assert collection.status_counts() == {"analysed": 4, "no face": 1, "refused": 1}
    refused = collection.refused()
    assert refused["file"].tolist() == ["notes.txt"] and "not supported" in refused["reason"][0]


def _zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.rglob("*"):
            archive.write(path, path.relative_to(folder.parent).as_posix())
    return buffer.getvalue()


def test_uploaded_zip_or_csvs_give_the_same_collection_as_the_folder(results):
    from_folder = open_results(results)
    from_zip = read_uploaded([("RESULTS.zip", _zipped(results))])
    ResultsFolder(results).write_csv()
    from_csv = read_uploaded([(name, (results / name).read_bytes()) for name in ("faces.csv", "files.csv")])
    for other in (from_zip, from_csv):
        pd.testing.assert_frame_equal(other.mix("file"), from_folder.mix("file"))
        assert other.status_counts() == from_folder.status_counts()
        pd.testing.assert_frame_equal(other.people("clips/talk.mp4"), from_folder.people("clips/talk.mp4"))


@pytest.mark.parametrize(
    ("uploads", "words"),
    [
        ([("faces.csv", b"file,emotion\na.jpg,happy\n")], "No files table"),
        ([("broken.parquet", b"not parquet at all")], "could not be read"),
        ([("broken.zip", b"PK\x03\x04 truncated")], "could not be read"),
    ],
)
def test_uploads_that_are_not_batch_results_get_a_plain_reason(uploads, words):
    with pytest.raises(DatasetError, match=words):
        read_uploaded(uploads)


def test_a_folder_that_is_not_a_results_folder_says_which_folder_to_choose(tmp_path):
    with pytest.raises(DatasetError, match="--out"):
        open_results(tmp_path)
