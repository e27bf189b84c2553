"""Uploaded datasets: good archives unpack into class folders; unsafe or malformed ones are refused with a reason."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from fer_core import DatasetError
from fer_core.archive import extract_dataset
from fer_core.datasets import class_folders
from tests.conftest import FER_TINY

JPEG = (FER_TINY / "happy").glob("*.jpg").__next__().read_bytes()


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_of_emotion_folders_unpacks_into_class_folders(tmp_path):
    data = _zip({"happy/a.jpg": JPEG, "Sad/b.jpg": JPEG, "__MACOSX/happy/._a.jpg": b"x", "happy/.DS_Store": b"x"})
    root = extract_dataset("faces.zip", data, tmp_path)
    assert sorted((p.parent.name, p.name) for p, _ in class_folders(root)) == [("happy", "a.jpg"), ("sad", "b.jpg")]


def test_one_wrapping_folder_around_the_emotion_folders_is_accepted(tmp_path):
    root = extract_dataset("faces.zip", _zip({"my set/happy/a.jpg": JPEG, "my set/fear/b.png": JPEG}), tmp_path)
    assert {p.parent.name for p, _ in class_folders(root)} == {"happy", "fear"}


def test_a_csv_is_passed_through_as_a_file(tmp_path):
    path = extract_dataset("fer.csv", b"emotion,pixels,Usage\n", tmp_path)
    assert path.is_file() and path.read_bytes() == b"emotion,pixels,Usage\n"


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"../happy/a.jpg": JPEG}, "outside its folder"),
        ({"happy/../../a.jpg": JPEG}, "outside its folder"),
        ({"/happy/a.jpg": JPEG}, "absolute path"),
        ({"C:/happy/a.jpg": JPEG}, "absolute path"),
        ({"joyful/a.jpg": JPEG, "happy/b.jpg": JPEG}, "Unknown emotion folder(s): joyful"),
        ({"happy/a.jpg": JPEG, "a.jpg": JPEG}, "one folder per emotion"),
        ({"happy/deeper/a.jpg": JPEG, "sad/b.jpg": JPEG}, "one folder per emotion"),
        ({"happy/notes.txt": b"hello"}, "these are not: happy/notes.txt"),
        ({"__MACOSX/x": b""}, "empty"),
    ],
)
def test_malformed_or_unsafe_archives_are_refused_with_a_reason(tmp_path, entries, message):
    with pytest.raises(DatasetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        extract_dataset("faces.zip", _zip(entries), tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.jpg"))


def test_a_symbolic_link_in_the_archive_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("happy/a.jpg")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(DatasetError, match="link"):
        extract_dataset("faces.zip", buffer.getvalue(), tmp_path)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    bomb = _zip({"happy/a.jpg": bytes(20_000_000)})
    assert len(bomb) < 100_000
    with pytest.raises(DatasetError, match="zip bomb"):
        extract_dataset("faces.zip", bomb, tmp_path)
    assert not list(tmp_path.rglob("*.jpg"))


def test_too_many_files_or_bytes_are_refused(tmp_path):
    entries = {f"happy/{i}.jpg": JPEG for i in range(5)}
    with pytest.raises(DatasetError, match="5 files; the limit is 4"):
        extract_dataset("faces.zip", _zip(entries), tmp_path, max_files=4)
    with pytest.raises(DatasetError, match="limit"):
        extract_dataset("faces.zip", _zip(entries), tmp_path, max_bytes=len(JPEG) * 4)


def test_sizes_a_zip_lies_about_are_caught_while_unpacking(tmp_path):
    data = bytearray(_zip({"happy/a.jpg": JPEG * 3}, compression=zipfile.ZIP_STORED))
    header = data.index(b"PK\x01\x02")
    data[header + 24 : header + 28] = (10).to_bytes(4, "little")
    with pytest.raises(DatasetError, match="damaged|more than"):
        extract_dataset("faces.zip", bytes(data), tmp_path, max_bytes=len(JPEG))


def test_files_that_are_not_zips_or_csvs_are_refused(tmp_path):
    with pytest.raises(DatasetError, match="not a valid ZIP"):
        extract_dataset("faces.zip", b"this is not a zip", tmp_path)
    with pytest.raises(DatasetError, match=".zip of emotion folders"):
        extract_dataset("faces.tar", b"data", tmp_path)


def test_an_archive_nested_inside_the_archive_is_refused_not_unpacked(tmp_path):
    inner = _zip({"happy/a.jpg": JPEG})
    with pytest.raises(DatasetError, match="sad/more.zip"):
        extract_dataset("faces.zip", _zip({"happy/a.jpg": JPEG, "sad/more.zip": inner}), tmp_path / "out")
    with pytest.raises(DatasetError, match="one folder per emotion"):
        extract_dataset("faces.zip", _zip({"inner.zip": inner}), tmp_path / "out2")
    assert not list(tmp_path.rglob("*.jpg"))
