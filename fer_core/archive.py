"""Unpack a dataset someone uploads (ZIP of `<emotion>/` image folders, or a FER2013-style CSV) safely.

Nothing is trusted: paths that escape the folder, links, too many files, too many bytes and
suspicious compression ratios (zip bombs) are refused before anything is written, and the real
number of bytes written is counted as well, since a ZIP's own size fields can lie.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from .errors import DatasetError
from .images import IMAGE_SUFFIXES
from .labels import EMOTIONS

MAX_FILES = 20_000
"""Most files an uploaded archive may hold."""

MAX_TOTAL_BYTES = 500_000_000
"""Most bytes an uploaded archive may unpack to (500 MB)."""

MAX_RATIO = 100
"""Largest compression ratio accepted for a member over 1 MB; real photos compress far less than this."""

_CHUNK = 1 << 16
_JUNK = ("__MACOSX", "Thumbs.db", "desktop.ini")


def extract_dataset(
    name: str,
    data: bytes,
    destination: str | Path,
    max_files: int = MAX_FILES,
    max_bytes: int = MAX_TOTAL_BYTES,
) -> Path:
    """Write the upload under `destination` and return what fer_core.evaluate takes: a CSV file or a class-folder root.

    Raises DatasetError with a message for people when the upload is not a dataset we accept.
    """
    destination = Path(destination)
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        if len(data) > max_bytes:
            raise DatasetError(f"The CSV file is too large; the limit is {max_bytes // 1_000_000} MB.")
        target = destination / "dataset.csv"
        target.write_bytes(data)
        return target
    if suffix != ".zip":
        raise DatasetError("Please upload a .zip of emotion folders or a FER2013-style .csv file.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise DatasetError("This file is not a valid ZIP archive.") from exc
    with archive:
        members = _plan(archive, max_files, max_bytes)
        try:
            _extract(archive, members, destination, max_bytes)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as exc:
            raise DatasetError("The archive is damaged or uses a compression we cannot read.") from exc
    return destination


def _plan(archive: zipfile.ZipFile, max_files: int, max_bytes: int) -> list[tuple[zipfile.ZipInfo, str, str]]:
    """Check every entry and decide where each image goes: (entry, class folder, file name)."""
    files = []
    for info in archive.infolist():
        parts = _safe_parts(info)
        if info.is_dir() or any(p in _JUNK or p.startswith(".") for p in parts):
            continue
        files.append((info, parts))
    if not files:
        raise DatasetError("The archive is empty: it should hold one folder per emotion with face images inside.")
    if len(files) > max_files:
        raise DatasetError(f"The archive holds {len(files)} files; the limit is {max_files}.")
    declared = sum(info.file_size for info, _ in files)
    if declared > max_bytes:
        raise DatasetError(f"The archive unpacks to {declared / 1e6:.0f} MB; the limit is {max_bytes / 1e6:.0f} MB.")
    for info, _ in files:
        if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DatasetError(f"{info.filename} is compressed suspiciously well (a possible zip bomb); refused.")
        if info.flag_bits & 0x1:
            raise DatasetError("The archive is password-protected; please upload an unencrypted ZIP.")
    roots = {parts[0] for _, parts in files}
    wrapped = all(len(parts) == 3 for _, parts in files)
    if len(roots) == 1 and wrapped and next(iter(roots)).lower() not in EMOTIONS:
        files = [(info, parts[1:]) for info, parts in files]
    wrong = [info.filename for info, parts in files if len(parts) != 2]
    if wrong:
        raise DatasetError(
            "The archive should hold one folder per emotion with images directly inside "
            f"(like happy/photo1.jpg); these do not fit: {_few(wrong)}."
        )
    unknown = sorted({parts[0] for _, parts in files if parts[0].lower() not in EMOTIONS})
    if unknown:
        raise DatasetError(
            f"Unknown emotion folder(s): {_few(unknown)}. Folder names must be among: {', '.join(EMOTIONS)}."
        )
    not_images = [
        info.filename for info, parts in files if PurePosixPath(parts[1]).suffix.lower() not in IMAGE_SUFFIXES
    ]
    if not_images:
        raise DatasetError(
            f"Only images are accepted (JPEG, PNG, BMP, WebP, TIFF, GIF); these are not: {_few(not_images)}."
        )
    return [(info, parts[0].lower(), parts[1]) for info, parts in files]


def _safe_parts(info: zipfile.ZipInfo) -> tuple[str, ...]:
    """The entry's path components; absolute paths, '..', drive letters and links are refused."""
    name = info.filename.replace("\\", "/")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise DatasetError(f"The archive contains a link ({info.filename}); links are not allowed.")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise DatasetError(f"The archive contains an absolute path ({info.filename}); refused.")
    parts = tuple(p for p in name.split("/") if p not in ("", "."))
    if ".." in parts:
        raise DatasetError(f"The archive contains a path leading outside its folder ({info.filename}); refused.")
    return parts


def _extract(archive: zipfile.ZipFile, members: list, destination: Path, max_bytes: int) -> None:
    """Copy the planned entries, counting the bytes really written against `max_bytes`."""
    written = 0
    for info, emotion, filename in members:
        folder = destination / emotion
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / filename
        with archive.open(info) as source, target.open("wb") as sink:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                if written > max_bytes:
                    raise DatasetError(f"The archive unpacks to more than {max_bytes / 1e6:.0f} MB; refused.")
                sink.write(chunk)


def _few(names: list[str], shown: int = 3) -> str:
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")
