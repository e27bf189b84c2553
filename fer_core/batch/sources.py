"""Turn what people name on the command line into the list of files to analyse: files, folders (searched
recursively), globs (`photos/**/*.jpg`) and `.txt` lists of paths, one a line.

Folders and globs give only photos and videos (by suffix), so a folder's notes, sidecar files and hidden files
(`.DS_Store`, `._photo.jpg`) are passed over. A file named on its own, on the command line or in a list, is always
taken: if it is not a photo or a video, or is missing, it is refused with a reason in the status table, never
skipped in silence. Only a path typed on the command line that does not exist stops the run before it starts.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import FerError
from ..images import IMAGE_SUFFIXES
from ..uploads import VIDEO_TYPES

Kind = Literal["photo", "video", "other"]

VIDEO_SUFFIXES: tuple[str, ...] = tuple(f".{t}" for t in VIDEO_TYPES)
"""Suffixes read as videos: the ones the Video page and `fer_core video` accept."""

LIST_SUFFIX = ".txt"
"""A source with this suffix is a list of paths, one a line (blank lines and lines starting with # are skipped)."""

_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class MediaFile:
    """One file to analyse: its absolute path (the key results are recorded and resumed under) and its kind."""

    path: str
    kind: Kind


def kind_of(path: str | Path) -> Kind:
    """ "photo" or "video" by the file's suffix (any case), else "other"."""
    suffix = Path(path).suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "photo"
    return "video" if suffix in VIDEO_SUFFIXES else "other"


def find_media(sources: Iterable[str | Path]) -> list[MediaFile]:
    """Every file the sources name, each once, in the order found (folders sorted by name).

    Raises FerError when nothing at all is found, so a mistyped folder or glob is not a silent empty run.
    """
    sources = [str(source) for source in sources]
    seen: set[str] = set()
    found: list[MediaFile] = []
    for source in sources:
        for path in _expand(source):
            absolute = os.path.abspath(path)
            if absolute not in seen:
                seen.add(absolute)
                found.append(MediaFile(absolute, kind_of(absolute)))
    if not found:
        raise FerError(f"No photos or videos found in {', '.join(sources) or 'nothing'}.")
    return found


def _expand(source: str, in_list: bool = False) -> Iterator[str]:
    """The files one source stands for; a list file's lines are expanded in turn (relative to the list's folder),
    except that a list inside a list is taken as a plain file."""
    if _GLOB_CHARACTERS & set(source):
        for match in sorted(glob.glob(source, recursive=True)):
            if os.path.isdir(match):
                yield from _walk(match)
            elif kind_of(match) != "other" and not _hidden(match):
                yield match
    elif os.path.isdir(source):
        yield from _walk(source)
    elif not in_list and source.lower().endswith(LIST_SUFFIX) and os.path.isfile(source):
        yield from _listed(Path(source))
    elif in_list or os.path.lexists(source):
        yield source
    else:  # a mistyped name on the command line: say so now rather than start Ray to refuse it
        raise FerError(f"There is no file or folder at {source}.")


def _listed(list_file: Path) -> Iterator[str]:
    """The files named in a list file, one path a line; relative paths are relative to the list's own folder."""
    try:
        lines = list_file.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise FerError(f"Could not read the list of files {list_file}: {exc}") from exc
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            yield from _expand(str(list_file.parent / Path(line).expanduser()), in_list=True)


def _walk(folder: str) -> Iterator[str]:
    """Photos and videos under `folder` and its subfolders, sorted by name; hidden files and folders are left out."""
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and kind_of(name) != "other":
                yield os.path.join(root, name)


def _hidden(path: str) -> bool:
    return Path(path).name.startswith(".")
