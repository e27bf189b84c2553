"""The example photos and video that come with the app, so anyone can try it, offline, without files of their own.

The photos are in pages/examples (licensed for demos: SOURCES.md there). The video is made from the group photo
on first use (a slow pan and zoom across the five people, a few seconds of H.264) and kept for every session.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import streamlit as st

from fer_core.images import IMAGE_SUFFIXES, load_image
from fer_core.video.encode import Mp4Writer

EXAMPLES = Path(__file__).resolve().parent / "examples"
VIDEO_NAME = "example-meeting.mp4"
_VIDEO_SIZE = (640, 360)
_VIDEO_SECONDS = 6.0
_VIDEO_FPS = 15


@dataclass(frozen=True)
class ExampleFile:
    """An example as the pages use an upload: a name, a stable id and its bytes."""

    name: str
    data: bytes

    @property
    def file_id(self) -> str:
        """Stays the same across reruns, so an analysed example is not analysed again."""
        return f"example:{self.name}"

    def getvalue(self) -> bytes:
        """The file's bytes, as st.UploadedFile.getvalue() gives them."""
        return self.data


@st.cache_resource(show_spinner=False)
def example_photos() -> tuple[ExampleFile, ...]:
    """Every example photo, in name order."""
    paths = sorted(p for p in EXAMPLES.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    return tuple(ExampleFile(path.name, path.read_bytes()) for path in paths)


@st.cache_resource(show_spinner="Making the example video…")
def example_video() -> ExampleFile:
    """A short H.264 video panning and zooming across the example group photo."""
    photo = load_image((EXAMPLES / "group_meeting.jpg").read_bytes())
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / VIDEO_NAME
        with Mp4Writer(target, _VIDEO_FPS) as writer:
            frames = round(_VIDEO_SECONDS * _VIDEO_FPS)
            for index in range(frames):
                writer.write(_camera_move(photo, index / (frames - 1)), index / _VIDEO_FPS)
        return ExampleFile(VIDEO_NAME, target.read_bytes())


def _camera_move(photo: np.ndarray, progress: float) -> np.ndarray:
    """The frame at `progress` (0 to 1): the view, kept at the top where the heads are, glides left to right while
    zooming in, then back out."""
    height, width = photo.shape[:2]
    zoom = 1.0 + 0.35 * np.sin(np.pi * progress)
    view_w = min(width, round(width / zoom))
    view_h = min(height, round(view_w * _VIDEO_SIZE[1] / _VIDEO_SIZE[0]))
    x = round((width - view_w) * progress)
    return cv2.resize(photo[:view_h, x : x + view_w], _VIDEO_SIZE, interpolation=cv2.INTER_AREA)
