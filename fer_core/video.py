"""Analyse a recorded video faster than real time: every (or every Nth) frame, people followed with stable ids.

Frames are decoded one at a time with PyAV (FFmpeg) and dropped once analysed, so memory stays flat however long
the video is. Faces are tracked and smoothed exactly as on the Live page (FaceTracker), on the video's own clock.
"""

from __future__ import annotations

import contextlib
import io
import math
import tempfile
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np
import pandas as pd

from .annotate import annotate
from .errors import InvalidVideoError
from .labels import EMOTIONS
from .recognizer import EmotionRecognizer, FaceResult
from .track import FaceTracker, Track

VIDEO_TYPES: tuple[str, ...] = ("mp4", "mov", "m4v", "webm", "mkv", "avi")
"""File extensions the Video page and CLI accept (lower case, no dot)."""

SOUND_TYPES: tuple[str, ...] = ("mp3", "m4a", "wav", "aac", "ogg", "oga", "opus", "flac", "wma")
"""Extensions of sound-only files, which get their own message."""

ANNOTATED_TYPES: tuple[str, ...] = ("mp4", "mov", "mkv")
"""Extensions an annotated video can be written as (H.264, which browsers play)."""

TABLE_COLUMNS: tuple[str, ...] = ("time", "frame", "person", "x", "y", "width", "height", *EMOTIONS, "emotion")
"""The faces table's first columns: one row per person per analysed frame (any further FaceResult fields follow)."""

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
        if self.damaged_at is not None:
            notes.append(
                f"The video is damaged after {self.damaged_at:.1f} s; only the part before that could be analysed."
            )
        return notes

    def summary(self) -> pd.DataFrame:
        """One row per person: first and last second seen, seconds on screen, the dominant emotion and the share of
        on-screen time spent in each emotion (each analysed frame counts for the time until the next one)."""
        rows = []
        for person, rows_of_person in self.faces.groupby("person", sort=True):
            times = rows_of_person["time"].to_numpy()
            weights = np.minimum(np.diff(times, append=times[-1] + self.step), 2 * self.step)
            emotions = rows_of_person["emotion"].to_numpy()
            shares = {e: float(weights[emotions == e].sum() / weights.sum()) for e in EMOTIONS}
            rows.append(
                {
                    "person": int(person),
                    "first_seen": round(float(times[0]), 2),
                    "last_seen": round(float(times[-1]), 2),
                    "seconds": round(float(weights.sum()), 2),
                    "dominant": max(shares, key=shares.get),
                    **{e: round(v, 4) for e, v in shares.items()},
                }
            )
        return pd.DataFrame(rows, columns=["person", "first_seen", "last_seen", "seconds", "dominant", *EMOTIONS])

    def timeline(self, person: int, max_points: int = 600) -> tuple[list[float], dict[str, list[float]]]:
        """One person's probabilities over time (seconds, emotion -> values), averaged into at most `max_points`
        bins so a long video still draws quickly."""
        rows = self.faces[self.faces["person"] == person]
        times = rows["time"].to_numpy(dtype=float)
        values = rows[list(EMOTIONS)].to_numpy(dtype=float)
        if len(times) > max_points:
            width = (times[-1] - times[0]) / max_points or 1.0
            bins = np.minimum(((times - times[0]) / width).astype(int), max_points - 1)
            counts = np.bincount(bins)
            used = counts > 0
            times = np.bincount(bins, weights=times)[used] / counts[used]
            values = np.stack(
                [np.bincount(bins, weights=values[:, i])[used] / counts[used] for i in range(len(EMOTIONS))], axis=1
            )
        return [round(float(t), 3) for t in times], {e: values[:, i].tolist() for i, e in enumerate(EMOTIONS)}

    def csv(self) -> bytes:
        """The faces table as UTF-8 CSV."""
        return self.faces.to_csv(index=False).encode()


ProgressCallback = Callable[[VideoProgress], None]


def check_upload(name: str, size: int, max_bytes: int) -> None:
    """Raise InvalidVideoError when a file has an unsupported extension or is larger than `max_bytes`."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in SOUND_TYPES:
        raise InvalidVideoError(f".{suffix} files hold sound but no picture; please upload a video.")
    if suffix not in VIDEO_TYPES:
        shown = f".{suffix} files are" if suffix else "Files without an extension are"
        raise InvalidVideoError(f"{shown} not supported; please upload an MP4, MOV, WebM, MKV or AVI video.")
    if size > max_bytes:
        raise InvalidVideoError(f"The video is too large ({size / 1e6:.1f} MB); the limit is {max_bytes / 1e6:.0f} MB.")


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
    check_upload(name, size, max_bytes)
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
    video; a video in which no face is found gives an empty faces table.
    """
    if every < 1:
        raise ValueError("every must be 1 or more")
    if annotate_to is not None and Path(annotate_to).suffix.lower().lstrip(".") not in ANNOTATED_TYPES:
        raise InvalidVideoError("The annotated video is written as H.264: give a file name ending in .mp4.")
    started = time.perf_counter()
    with _open(source) as container:
        reader = _Reader(container, max_side)
        info = reader.info
        step = every / info.fps
        tracker = FaceTracker(forget_seconds=max(1.0, 3 * step))
        people = _People()
        last_report = started
        with Mp4Writer(annotate_to, info.fps) if annotate_to is not None else contextlib.nullcontext() as writer:
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
                now = time.perf_counter()
                if progress is not None and now - last_report >= progress_seconds:
                    last_report = now
                    progress(VideoProgress(index + 1, max(info.frames, index + 1), now - started))
    seconds = time.perf_counter() - started
    if progress is not None:
        progress(VideoProgress(reader.frames_read, reader.frames_read, seconds))
    return VideoAnalysis(
        info=info,
        faces=people.table(),
        frames_read=reader.frames_read,
        frames_analyzed=math.ceil(reader.frames_read / every),
        step=step,
        covered=reader.last_seconds + 1 / info.fps,
        seconds=seconds,
        variable_frame_rate=reader.variable_frame_rate(),
        damaged_at=reader.damaged_at,
    )


def _open(source: VideoSource) -> av.container.InputContainer:
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


class _Reader:
    """Decodes the first video stream frame by frame, upright, at working size, with each frame's time in seconds."""

    def __init__(self, container: av.container.InputContainer, max_side: int) -> None:
        self.container = container
        streams = container.streams.video
        if not streams:
            if container.streams.audio:
                raise InvalidVideoError("This file has sound but no picture; please upload a video with images.")
            raise InvalidVideoError("This video has no frames to analyse.")
        self.stream = streams[0]
        if container.format.name.endswith("_pipe") or container.format.name.startswith("image2"):
            raise InvalidVideoError("This is a photo, not a video: the Photos page analyses photos.")
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
        rgb = frame.to_ndarray(format="rgb24", width=self._size[0], height=self._size[1])
        return np.ascontiguousarray(np.rot90(rgb, self._turns)) if self._turns else rgb

    def _fps(self) -> float:
        for rate in (self.stream.average_rate, self.stream.guessed_rate, self.stream.base_rate):
            if rate and 0 < float(rate) < 1000:
                return float(rate)
        return 25.0

    def _duration(self) -> float:
        if self.stream.duration and self.stream.time_base:
            return float(self.stream.duration * self.stream.time_base)
        if self.container.duration:
            return self.container.duration / av.time_base
        return 0.0

    def _expected_frames(self) -> int:
        if self.stream.frames:
            return int(self.stream.frames)
        return round(self._duration() * self._fps())


class _People:
    """Turns tracked faces into numbered people and the faces table.

    A face becomes a person once it has been seen in `confirm` analysed frames, so a detector's mistake on one
    or two frames never becomes a person; the rows of those first frames are kept and added then. Rows are
    stored in chunks of compact DataFrames so a long video does not pile up Python objects.
    """

    CHUNK = 2000

    def __init__(self, confirm: int = 3) -> None:
        self.confirm = confirm
        self.numbers: dict[int, int] = {}
        self._pending: dict[int, list[dict]] = {}
        self._rows: list[dict] = []
        self._chunks: list[pd.DataFrame] = []

    def add(self, frame: int, seconds: float, tracks: list[Track], remembered: list[Track], scale: float) -> None:
        """Record one analysed frame's tracks (boxes scaled back to the original video's pixels); `remembered` are
        the tracks the tracker still holds, so rows of faces it has forgotten are dropped."""
        for track in tracks:
            row = _row(frame, seconds, track.result, scale)
            if track.id in self.numbers:
                self._rows.append(row | {"person": self.numbers[track.id]})
                continue
            pending = self._pending.setdefault(track.id, [])
            pending.append(row)
            if len(pending) >= self.confirm:
                self.numbers[track.id] = number = len(self.numbers) + 1
                self._rows.extend(r | {"person": number} for r in self._pending.pop(track.id))
        kept = {t.id for t in remembered}
        self._pending = {i: rows for i, rows in self._pending.items() if i in kept}
        if len(self._rows) >= self.CHUNK:
            self._flush()

    def shown(self, tracks: list[Track]) -> tuple[list[FaceResult], list[int]]:
        """The results and person numbers of the tracks that are people, for drawing."""
        people = [t for t in tracks if t.id in self.numbers]
        return [t.result for t in people], [self.numbers[t.id] for t in people]

    def table(self) -> pd.DataFrame:
        """All rows as one DataFrame sorted by frame and person (TABLE_COLUMNS only when there are none)."""
        self._flush()
        if not self._chunks:
            return pd.DataFrame(columns=list(TABLE_COLUMNS))
        return pd.concat(self._chunks, ignore_index=True).sort_values(["frame", "person"], ignore_index=True)

    def _flush(self) -> None:
        if self._rows:
            self._chunks.append(pd.DataFrame(self._rows))
            self._rows = []


def _row(frame: int, seconds: float, result: FaceResult, scale: float) -> dict:
    """The table row of one face: time, frame, person (set once known), box in original pixels, probabilities,
    emotion, then any other simple fields FaceResult.to_dict offers (such as the confidence)."""
    described = result.to_dict()
    box = result.box
    row = {"time": round(seconds, 3), "frame": frame, "person": 0}
    row.update(
        x=round(box.x * scale),
        y=round(box.y * scale),
        width=round(box.width * scale),
        height=round(box.height * scale),
    )
    row.update(described["probabilities"])
    row["emotion"] = described["emotion"]
    row.update({k: v for k, v in described.items() if k not in row and isinstance(v, int | float | str | bool)})
    return row


class Mp4Writer:
    """Writes RGB frames as H.264 MP4 (yuv420p, index at the front) that browsers play, with PyAV's own libx264;
    each frame keeps its own time, so a variable frame rate survives. Usable as a context manager.

    x264's "superfast" preset at quality 26 spends about a third less time per frame than "veryfast" at 23, for
    about 0.5 Mbit/s at 640x480: the annotated copy costs little next to the analysis itself."""

    def __init__(self, path: str | Path, fps: float) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.container = av.open(str(path), mode="w", options={"movflags": "+faststart"})
        self.fps = fps
        self.stream: av.VideoStream | None = None
        self._last_pts = -1

    def write(self, rgb: np.ndarray, seconds: float) -> None:
        """Encode one RGB frame shown at `seconds`."""
        if self.stream is None:
            self.stream = self.container.add_stream("libx264", rate=Fraction(self.fps).limit_denominator(1001))
            self.stream.width, self.stream.height = rgb.shape[1], rgb.shape[0]
            self.stream.pix_fmt = "yuv420p"
            self.stream.codec_context.time_base = Fraction(1, 1000)
            self.stream.options = {"preset": "superfast", "crf": "26"}
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        self._last_pts = max(round(seconds * 1000), self._last_pts + 1)
        frame.pts, frame.time_base = self._last_pts, Fraction(1, 1000)
        self.container.mux(self.stream.encode(frame))

    def close(self) -> None:
        """Flush the encoder and finish the file."""
        try:
            if self.stream is not None:
                self.container.mux(self.stream.encode(None))
        finally:
            self.container.close()

    def __enter__(self) -> Mp4Writer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
