"""Analyse a webcam stream frame by frame: track and smooth faces, draw them with the speed, publish an update.

`LiveProcessor.process` is what the streamlit-webrtc frame callback calls, in a worker thread. It never touches
the UI, and the UI never touches it: everything the page shows leaves as an immutable `LiveUpdate` on the
processor's `updates` queue (bounded; the newest are kept), which the page drains (`fer_core.live_view`).
Whoever runs the server gets one log line per second per stream.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from .annotate import annotate
from .errors import FerError
from .labels import EMOTIONS
from .landmarks import FaceMesh, draw_landmarks
from .live_pacing import FrameRate, Pacing
from .recognizer import EmotionRecognizer
from .track import FaceTracker, Track

log = logging.getLogger(__name__)

_READ_SLACK = 0.01
"""Seconds early a read may come: frames arrive with jitter, and at 15 frames a second every other one is read."""

_numbers = itertools.count(1)
"""Numbers the live sessions of this process, so the server log can tell concurrent streams apart."""


@dataclass(frozen=True)
class LiveUpdate:
    """What one frame produced, with the stream's running totals, so the page needs nothing else.

    `mean` is the faces' mean probabilities in EMOTIONS order (read-only; None without a face); `arrived` is the
    processor's clock reading when the frame came, for the page's connection watching; `error` says why analysis
    stopped, once it has; `people` is (person number, emotion) of each face in an analysed frame; `frames_read`
    counts the analysed frames whose expressions the classifier read (the others only moved the boxes).
    """

    seconds: float
    arrived: float
    frame: int
    analyzed: bool
    frames_analyzed: int
    faces: int
    faces_seen: int
    mean: np.ndarray | None = field(compare=False)
    fps: float
    ms: float
    error: str | None = None
    people: tuple[tuple[int, str], ...] = ()
    frames_read: int = 0

    @property
    def mix(self) -> dict[str, float] | None:
        """The mean probabilities as emotion -> share (None without a face)."""
        return None if self.mean is None else dict(zip(EMOTIONS, self.mean.tolist(), strict=True))


class UpdateQueue(queue.Queue):
    """The one channel from the frame callback to the page: a bounded queue of LiveUpdates that keeps the newest."""

    def publish(self, update: LiveUpdate) -> None:
        """Put the update on the queue; when the page falls behind, the oldest waiting update makes room."""
        while True:
            try:
                self.put_nowait(update)
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    self.get_nowait()

    def drain(self) -> list[LiveUpdate]:
        """Every waiting update, oldest first, without blocking."""
        updates = []
        with contextlib.suppress(queue.Empty):
            while True:
                updates.append(self.get_nowait())
        return updates


class LiveProcessor:
    """Turns each incoming frame into an annotated frame, with at most one classifier call per frame.

    A frame that arrives more than `max_lag` seconds behind the stream is not analysed (the last known faces are
    drawn instead), unless nothing was analysed for `max_skip` seconds, so a slow machine stays live. The page
    may switch `show_probabilities` (the bars under each face) and `show_landmarks` (the face mesh's points) at any
    time; it reads results only from `updates`.
    """

    def __init__(
        self,
        recognizer: EmotionRecognizer,
        max_lag: float = 0.25,
        max_skip: float = 0.5,
        show_probabilities: bool = True,
        queue_size: int = 256,
        clock: Callable[[], float] = time.monotonic,
        reads_per_second: float = 7.5,
    ) -> None:
        self.recognizer = recognizer
        self.read_every = 1.0 / reads_per_second
        self.show_probabilities = show_probabilities
        self.show_landmarks = False
        self.clock = clock
        self.updates = UpdateQueue(maxsize=queue_size)
        self.number = next(_numbers)
        self._tracker = FaceTracker()
        self._mesh = FaceMesh()
        self._pacing = Pacing(max_lag, max_skip)
        self._rate = FrameRate()
        self._started: float | None = None
        self._error: str | None = None
        self._last: LiveUpdate | None = None
        self._last_read = -math.inf
        self._reads = 0

    def process(self, rgb: np.ndarray, frame_time: float | None = None) -> np.ndarray:
        """Analyse (or, when late, just redraw) one RGB frame; `frame_time` is its stream timestamp in seconds."""
        start = self.clock()
        if self._started is None:
            self._started = start
        analyze = self._pacing.should_analyze(start, frame_time) and self._error is None
        tracks = self._analyze(rgb, start) if analyze else None
        analyzed = tracks is not None
        if tracks is None:
            tracks = self._tracker.current(start)
        if self.show_landmarks and tracks:
            rgb = draw_landmarks(rgb, self._mesh.landmarks(rgb, [t.result.box for t in tracks]))
        canvas = annotate(rgb, [t.result for t in tracks], show_probabilities=self.show_probabilities)
        ms = (self.clock() - start) * 1000
        fps = self._rate.tick(start)
        self._readout(canvas, fps)
        update = self._update(start, tracks, analyzed, fps, ms)
        self.updates.publish(update)
        self._report(update)
        self._last = update
        return canvas

    def _analyze(self, rgb: np.ndarray, now: float) -> list[Track] | None:
        """Detect and track the faces, and read their expressions (the classifier) at most `reads_per_second`
        times a second: boxes follow every frame, while a face's expression changes over tenths of a second and
        its probabilities are smoothed over half of one anyway. A face new to the frame is read at once. None
        (and analysis stops for good) when the model fails."""
        try:
            faces = self.recognizer.detector.detect(rgb)
            early = now - self._last_read < self.read_every - _READ_SLACK
            tracks = self._tracker.follow(faces, now) if early else None
            if tracks is None:
                tracks = self._tracker.update(self.recognizer.analyze_faces(rgb, faces), now)
                self._last_read = now
                self._reads += 1
        except FerError as exc:
            self._error = str(exc)
            log.warning("live analysis stopped: %s", exc)
            return None
        self._pacing.analysed(now)
        return tracks

    def _update(self, start: float, tracks: list[Track], analyzed: bool, fps: float, ms: float) -> LiveUpdate:
        """This frame's update, its totals carried on from the previous one."""
        last = self._last
        mean = np.mean([t.probabilities for t in tracks], axis=0) if tracks else None
        if mean is not None:
            mean.flags.writeable = False
        return LiveUpdate(
            seconds=start - self._started,
            arrived=start,
            frame=(last.frame if last else 0) + 1,
            analyzed=analyzed,
            frames_analyzed=(last.frames_analyzed if last else 0) + analyzed,
            faces=len(tracks),
            faces_seen=(last.faces_seen if last else 0) + (len(tracks) if analyzed else 0),
            mean=mean,
            fps=fps,
            ms=ms,
            error=self._error,
            people=tuple((t.id, t.result.emotion) for t in tracks) if analyzed else (),
            frames_read=self._reads,
        )

    def _readout(self, canvas: np.ndarray, fps: float) -> None:
        """The speed (or that analysis is unavailable) on a black strip in the frame's top-left corner."""
        text = "Analysis unavailable: model not loaded" if self._error else f"{fps:.0f} pictures a second"
        scale = max(0.45, canvas.shape[1] / 1400)
        (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        cv2.rectangle(canvas, (0, 0), (w + 12, h + base + 10), (0, 0, 0), cv2.FILLED)
        cv2.putText(canvas, text, (6, h + 5), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1, cv2.LINE_AA)

    def _report(self, update: LiveUpdate) -> None:
        """One log line per second, so whoever runs the server can see the stream is being analysed."""
        if self._last is not None and int(self._last.seconds) == int(update.seconds):
            return
        log.info(
            "live: %d frames, %d analyzed, %d faces seen, %.1f fps (session %d), %d read",
            update.frame,
            update.frames_analyzed,
            update.faces_seen,
            update.fps,
            self.number,
            update.frames_read,
        )
