"""Analyse a recorded video faster than real time: every (or every Nth) frame, people followed with stable ids.

Faces are tracked and smoothed exactly as on the Live page (FaceTracker), on the video's own clock.
"""

from __future__ import annotations

import contextlib
import io
import math
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from ..annotate import annotate
from ..errors import InvalidVideoError
from ..recognizer import EmotionRecognizer
from ..track import FaceTracker
from ..uploads import VIDEOS, check_upload
from .decode import MAX_SIDE, VideoInfo, VideoReader, VideoSource, open_video
from .encode import ANNOTATED_TYPES, Mp4Writer
from .people import People, summary, timeline


@dataclass(frozen=True)
class VideoProgress:
    """How far an analysis is: frames read out of the expected total, and wall-clock seconds spent."""

    done: int
    total: int
    elapsed: float

    @property
    def fraction(self) -> float:
        """Share of the video done, 0 to 1."""
        return min(1.0, self.done / self.total) if self.total else 0.0

    @property
    def seconds_left(self) -> float | None:
        """Estimated wall-clock seconds until the end (None until something is done)."""
        if self.fraction <= 0:
            return None
        return self.elapsed * (1 - self.fraction) / self.fraction


ProgressCallback = Callable[[VideoProgress], None]


class StopAnalysis(Exception):  # noqa: N818 - a request, not an error
    """Raised by a progress callback to end an analysis early: it then returns what it found so far."""


@dataclass(frozen=True)
class VideoAnalysis:
    """The result: the faces table (TABLE_COLUMNS), the video's facts, speed, and anything people should know."""

    info: VideoInfo
    faces: pd.DataFrame = field(repr=False)
    frames_read: int
    frames_analyzed: int
    step: float
    covered: float
    seconds: float
    variable_frame_rate: bool
    damaged_at: float | None = None
    annotated: bytes | None = field(default=None, repr=False)
    stopped_at: float | None = None
    """Where the analysis was stopped (StopAnalysis), in seconds of video; None when it went to the end."""

    @property
    def people(self) -> list[int]:
        """Ids of the people seen, in order of first appearance."""
        return sorted(int(p) for p in self.faces["person"].unique())

    @property
    def frames_per_second(self) -> float:
        """Frames read per wall-clock second."""
        return self.frames_read / self.seconds if self.seconds else 0.0

    @property
    def realtime_factor(self) -> float:
        """Seconds of video analysed per wall-clock second (2.0: twice as fast as playing it)."""
        return self.covered / self.seconds if self.seconds else 0.0

    def notes(self) -> list[str]:
        """Things about this video a person should know, in plain words (empty when there is nothing to say)."""
        notes = []
        if self.info.rotation:
            notes.append(f"The video was recorded turned by {self.info.rotation}°; it was analysed the right way up.")
        if self.variable_frame_rate:
            notes.append(
                "The video's frame rate varies (common for phone recordings); every time shown is the frame's own."
            )
        if self.stopped_at is not None:
            notes.append(f"You stopped the analysis at {self.stopped_at:.1f} s: all shown here is up to that point.")
        if self.damaged_at is not None:
            notes.append(
                f"The video is damaged after {self.damaged_at:.1f} s; only the part before that could be analysed."
            )
        return notes

    def summary(self) -> pd.DataFrame:
        """One row per person: when seen, seconds on screen, dominant emotion and share of time in each emotion."""
        return summary(self.faces, self.step)

    def timeline(self, person: int, max_points: int = 600) -> tuple[list[float], dict[str, list[float]]]:
        """One person's probabilities over time, averaged into at most `max_points` bins."""
        return timeline(self.faces, person, max_points)

    def csv(self) -> bytes:
        """The faces table as UTF-8 CSV."""
        return self.faces.to_csv(index=False).encode()


def analyze_upload(
    name: str,
    data: bytes | BinaryIO,
    recognizer: EmotionRecognizer,
    max_bytes: int,
    every: int = 1,
    show_probabilities: bool = True,
    progress: ProgressCallback | None = None,
    progress_seconds: float = 0.25,
) -> VideoAnalysis:
    """Check and analyse an uploaded video; the annotated MP4 comes back in `annotated`.

    The upload is read from memory; the annotated video is written in a temporary folder that is removed when
    this returns or is interrupted (for instance by Streamlit stopping the script when someone clicks Cancel).
    """
    size = len(data) if isinstance(data, bytes) else data.seek(0, io.SEEK_END)
    check_upload(name, size, max_bytes, VIDEOS)
    with tempfile.TemporaryDirectory(prefix="fer-video-") as folder:
        target = Path(folder) / "annotated.mp4"
        analysis = analyze_video(data, recognizer, every, target, show_probabilities, progress, progress_seconds)
        return replace(analysis, annotated=target.read_bytes())


def analyze_video(
    source: VideoSource,
    recognizer: EmotionRecognizer,
    every: int = 1,
    annotate_to: str | Path | None = None,
    show_probabilities: bool = True,
    progress: ProgressCallback | None = None,
    progress_seconds: float = 0.25,
    max_side: int = MAX_SIDE,
) -> VideoAnalysis:
    """Analyse every `every`-th frame of a video: find, track and smooth faces; optionally write an annotated copy.

    A face counts as a person once seen in three analysed frames (a detector's one-off mistake is not a person).
    Frames in between are not analysed; in the annotated copy they show the last known boxes. `progress` is called
    at most every `progress_seconds` and once at the end. Raises InvalidVideoError for files that are not a usable
    video; a video in which no face is found gives an empty faces table. When `progress` raises StopAnalysis, the
    analysis ends there and returns what it found (`stopped_at` says where), the annotated copy playable up to there.
    """
    if every < 1:
        raise ValueError("every must be 1 or more")
    if annotate_to is not None and Path(annotate_to).suffix.lower().lstrip(".") not in ANNOTATED_TYPES:
        raise InvalidVideoError("The annotated video is written as H.264: give a file name ending in .mp4.")
    started = time.perf_counter()
    people = People()
    with open_video(source) as container:
        reader = VideoReader(container, max_side)
        reports = _Reports(progress, progress_seconds, reader.info.frames, started)
        with Mp4Writer(annotate_to, reader.info.fps) if annotate_to is not None else contextlib.nullcontext() as writer:
            _follow(reader, recognizer, every, people, writer, show_probabilities, reports)
    seconds = time.perf_counter() - started
    reports.final(reader.frames_read, seconds)
    return VideoAnalysis(
        info=reader.info,
        faces=people.table(),
        frames_read=reader.frames_read,
        frames_analyzed=math.ceil(reader.frames_read / every),
        step=every / reader.info.fps,
        covered=reader.last_seconds + 1 / reader.info.fps,
        seconds=seconds,
        variable_frame_rate=reader.variable_frame_rate(),
        damaged_at=reader.damaged_at,
        stopped_at=reader.last_seconds if reports.stopped else None,
    )


def _follow(
    reader: VideoReader,
    recognizer: EmotionRecognizer,
    every: int,
    people: People,
    writer: Mp4Writer | None,
    show_probabilities: bool,
    reports: _Reports,
) -> None:
    """The frame loop: analyse every `every`-th frame into `people`, draw every frame when writing a copy."""
    tracker = FaceTracker(forget_seconds=max(1.0, 3 * every / reader.info.fps))
    for index, (seconds, rgb) in enumerate(reader.frames(decode_all=writer is not None, every=every)):
        if index % every == 0:
            faces = recognizer.detector.detect(rgb)
            tracks = tracker.update(recognizer.analyze_faces(rgb, faces), seconds)
            people.add(index, seconds, tracks, tracker.tracks, reader.scale)
        else:
            tracks = tracker.current(seconds)
        if writer is not None:
            results, numbers = people.shown(tracks)
            writer.write(annotate(rgb, results, show_probabilities, numbers), seconds)
        reports.frame(index + 1)
        if reports.stopped:
            break


class _Reports:
    """Calls `progress` at most every `every_seconds` of wall-clock time while frames are read, and once at the end."""

    def __init__(self, progress: ProgressCallback | None, every_seconds: float, expected: int, started: float) -> None:
        self.progress = progress
        self.every_seconds = every_seconds
        self.expected = expected
        self.started = self.last = started
        self.stopped = False

    def frame(self, done: int) -> None:
        """One more frame read (`done` in all)."""
        now = time.perf_counter()
        if self.progress is not None and now - self.last >= self.every_seconds:
            self.last = now
            self._tell(VideoProgress(done, max(self.expected, done), now - self.started))

    def final(self, done: int, seconds: float) -> None:
        """The analysis is over: all `done` frames read in `seconds`."""
        if self.progress is not None and not self.stopped:
            self._tell(VideoProgress(done, done, seconds))

    def _tell(self, progress: VideoProgress) -> None:
        """Call `progress`; its StopAnalysis marks the analysis as stopped."""
        try:
            self.progress(progress)
        except StopAnalysis:
            self.stopped = True
