"""Read a video with PyAV (FFmpeg): open it, learn its facts (VideoInfo), and decode it frame by frame, upright.

Frames are decoded one at a time and dropped once used, so memory stays flat however long the video is; anything
FFmpeg cannot use becomes an InvalidVideoError with a reason a person can act on.
"""

from __future__ import annotations

import io
import math
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np

from ..errors import InvalidVideoError

MAX_SIDE = 1280
"""Larger videos are analysed (and annotated) scaled down to this many pixels on their long side; boxes are
reported in the original video's pixels. Faces stay far above the detector's needs and decoding stays fast."""

VideoSource = str | Path | bytes | BinaryIO
"""A video file path, its bytes, or a binary file object (such as an upload)."""


@dataclass(frozen=True)
class VideoInfo:
    """What the file says about the video, as shown upright: size in pixels, frame rate, length and turn applied."""

    width: int
    height: int
    fps: float
    frames: int
    duration: float
    rotation: int


def open_video(source: VideoSource) -> av.container.InputContainer:
    """Open the file with FFmpeg; anything it cannot read as a media file becomes InvalidVideoError."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    elif isinstance(source, Path):
        source = str(source)
    elif not isinstance(source, str):
        source.seek(0)
    try:
        return av.open(source, mode="r")
    except FileNotFoundError as exc:
        raise InvalidVideoError(f"There is no file at {exc.filename or source}.") from exc
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise InvalidVideoError(
            "This file is not a video we can read: it may be damaged, incomplete, or not a video at all."
        ) from exc


class VideoReader:
    """Decodes the first video stream frame by frame, upright, at working size, with each frame's time in seconds.

    `scale` turns working-size pixels back into the original video's; `damaged_at` is set when decoding failed
    part-way (the video then ends there).
    """

    def __init__(self, container: av.container.InputContainer, max_side: int = MAX_SIDE) -> None:
        self.container = container
        self.stream = _video_stream(container)
        self.stream.thread_type = "AUTO"
        self.frames_read = 0
        self.last_seconds = 0.0
        self.damaged_at: float | None = None
        self._intervals = array("d")
        self._decoded = self._decode()
        self._first = next(self._decoded, None)
        if self._first is None:
            raise InvalidVideoError("This video has no frames to analyse.")
        self._turns = round(self._first.rotation / 90) % 4
        width, height = self._first.width, self._first.height
        shrink = min(1.0, max_side / max(width, height, 1))
        self._size = (max(2, round(width * shrink / 2) * 2), max(2, round(height * shrink / 2) * 2))
        upright = (height, width) if self._turns % 2 else (width, height)
        self.scale = upright[0] / (self._size[1] if self._turns % 2 else self._size[0])
        self.info = VideoInfo(
            width=upright[0],
            height=upright[1],
            fps=self._fps(),
            frames=self._expected_frames(),
            duration=self._duration(),
            rotation=self._turns * 90,
        )

    def frames(self, decode_all: bool, every: int) -> Iterator[tuple[float, np.ndarray | None]]:
        """(seconds since the first frame, upright RGB) per frame; frames that will be neither analysed nor drawn
        are not converted to RGB (they give None)."""
        start = self._first.time or 0.0
        previous = -math.inf
        for index, frame in enumerate(self._chain()):
            seconds = frame.time - start if frame.time is not None else index / self.info.fps
            if seconds <= previous:
                seconds = previous + 1 / self.info.fps
            if previous > -math.inf:
                self._intervals.append(seconds - previous)
            previous = self.last_seconds = seconds
            self.frames_read += 1
            needed = decode_all or index % every == 0
            yield seconds, self._rgb(frame) if needed else None

    def variable_frame_rate(self) -> bool:
        """True when many frame-to-frame intervals differ by more than a quarter from their median."""
        if len(self._intervals) < 4:
            return False
        intervals = np.array(self._intervals)
        typical = float(np.median(intervals))
        return bool(np.mean(np.abs(intervals - typical) > 0.25 * typical) > 0.1)

    def _chain(self) -> Iterator[av.VideoFrame]:
        """Every frame: the first (decoded early to learn the size and turn), then the rest."""
        yield self._first
        yield from self._decoded

    def _decode(self) -> Iterator[av.VideoFrame]:
        """Frames in display order; a decoding failure after some frames ends the video there (noted, not raised)."""
        decoded = 0
        try:
            for frame in self.container.decode(self.stream):
                decoded += 1
                yield frame
        except (av.error.FFmpegError, OSError) as exc:
            if not decoded:
                raise InvalidVideoError(
                    "This video could not be decoded: it may be damaged or use a format we cannot read."
                ) from exc
            self.damaged_at = self.last_seconds

    def _rgb(self, frame: av.VideoFrame) -> np.ndarray:
        """The frame as upright RGB at working size (FFmpeg scales while converting)."""
        rgb = frame.to_ndarray(format="rgb24", width=self._size[0], height=self._size[1])
        return np.ascontiguousarray(np.rot90(rgb, self._turns)) if self._turns else rgb

    def _fps(self) -> float:
        """The first plausible frame rate the file states (25 when it states none)."""
        for rate in (self.stream.average_rate, self.stream.guessed_rate, self.stream.base_rate):
            if rate and 0 < float(rate) < 1000:
                return float(rate)
        return 25.0

    def _duration(self) -> float:
        """Length in seconds, from the stream or else the container (0 when neither says)."""
        if self.stream.duration and self.stream.time_base:
            return float(self.stream.duration * self.stream.time_base)
        if self.container.duration:
            return self.container.duration / av.time_base
        return 0.0

    def _expected_frames(self) -> int:
        """Frames the file says it holds, or its length times its rate (for progress only)."""
        if self.stream.frames:
            return int(self.stream.frames)
        return round(self._duration() * self._fps())


def _video_stream(container: av.container.InputContainer) -> av.VideoStream:
    """The first video stream; a file with none, or a still photo FFmpeg can also open, is refused with a reason."""
    streams = container.streams.video
    if not streams:
        if container.streams.audio:
            raise InvalidVideoError("This file has sound but no picture; please upload a video with images.")
        raise InvalidVideoError("This video has no frames to analyse.")
    if container.format.name.endswith("_pipe") or container.format.name.startswith("image2"):
        raise InvalidVideoError("This is a photo, not a video: the Photos page analyses photos.")
    return streams[0]
