"""Analyse a webcam stream frame by frame: track faces, draw them, measure speed, and report to the page.

`LiveProcessor.process` is what the streamlit-webrtc frame callback calls, in a worker thread. It never touches
the UI: it publishes `LiveUpdate`s on a bounded queue that the page drains, and keeps a per-second log.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import math
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from .annotate import annotate
from .errors import FerError
from .labels import EMOTIONS
from .recognizer import EmotionRecognizer
from .track import FaceTracker

log = logging.getLogger(__name__)

_numbers = itertools.count(1)
"""Numbers the live sessions of this process, so the server log can tell concurrent streams apart."""

LOG_COLUMNS: tuple[str, ...] = ("second", "frames", "analyzed", "skipped", "faces", *EMOTIONS, "dominant")
"""Columns of the per-second session log: frame counts, most faces seen, mean probabilities, dominant emotion."""


@dataclass(frozen=True)
class LiveUpdate:
    """What one frame produced: time since the stream started, faces in view, their mean probabilities, speed."""

    seconds: float
    faces: int
    mix: dict[str, float] | None
    fps: float
    ms: float
    analyzed: bool


@dataclass
class _Second:
    frames: int = 0
    analyzed: int = 0
    faces: int = 0
    sums: np.ndarray = field(default_factory=lambda: np.zeros(len(EMOTIONS)))
    with_faces: int = 0


class SessionLog:
    """Per-second summary of a live session, safe to read from the page while the callback writes it."""

    def __init__(self) -> None:
        self._seconds: dict[int, _Second] = {}
        self._lock = threading.Lock()

    def add(self, update: LiveUpdate) -> None:
        """Count one frame into its second."""
        with self._lock:
            second = self._seconds.setdefault(int(update.seconds), _Second())
            second.frames += 1
            second.analyzed += update.analyzed
            second.faces = max(second.faces, update.faces)
            if update.mix and update.analyzed:
                second.sums += [update.mix[e] for e in EMOTIONS]
                second.with_faces += 1

    def rows(self) -> list[dict]:
        """One dict per second (LOG_COLUMNS keys); probabilities are blank for seconds without a face."""
        with self._lock:
            items = sorted(self._seconds.items())
            rows = []
            for number, s in items:
                means = s.sums / s.with_faces if s.with_faces else None
                row = {"second": number, "frames": s.frames, "analyzed": s.analyzed}
                row.update(skipped=s.frames - s.analyzed, faces=s.faces)
                row.update(
                    {e: (round(float(means[i]), 4) if means is not None else None) for i, e in enumerate(EMOTIONS)}
                )
                row["dominant"] = EMOTIONS[int(means.argmax())] if means is not None else ""
                rows.append(row)
            return rows

    def csv(self) -> bytes:
        """The log as CSV (header only when nothing was recorded yet)."""
        buffer = io.StringIO()
        buffer.write(",".join(LOG_COLUMNS) + "\n")
        for row in self.rows():
            buffer.write(",".join("" if row[c] is None else str(row[c]) for c in LOG_COLUMNS) + "\n")
        return buffer.getvalue().encode()


class EmotionTimeline:
    """The page's side: recent updates from the queue, averaged into short bins for a chart of the emotion mix."""

    def __init__(self, window_seconds: float = 20.0, bin_seconds: float = 0.5) -> None:
        self.window_seconds = window_seconds
        self.bin_seconds = bin_seconds
        self.updates: deque[LiveUpdate] = deque()
        self.received = 0

    def drain(self, source: queue.Queue) -> int:
        """Move every waiting update from `source` into the timeline without blocking; returns how many arrived."""
        count = 0
        while True:
            try:
                update = source.get_nowait()
            except queue.Empty:
                break
            if self.updates and update.seconds < self.updates[-1].seconds:
                self.updates.clear()
            self.updates.append(update)
            count += 1
        self.received += count
        while self.updates and self.updates[-1].seconds - self.updates[0].seconds > self.window_seconds:
            self.updates.popleft()
        return count

    def series(self) -> tuple[list[float], dict[str, list[float]]]:
        """Bin start times and the mean share of each emotion per bin (bins without faces are left out)."""
        bins: dict[int, list[np.ndarray]] = {}
        for u in self.updates:
            if u.mix:
                bins.setdefault(math.floor(u.seconds / self.bin_seconds), []).append([u.mix[e] for e in EMOTIONS])
        keys = sorted(bins)
        means = [np.mean(bins[k], axis=0) for k in keys]
        return [k * self.bin_seconds for k in keys], {e: [float(m[i]) for m in means] for i, e in enumerate(EMOTIONS)}

    def latest(self) -> LiveUpdate | None:
        """The most recent update, for speed and face-count readouts."""
        return self.updates[-1] if self.updates else None


class LiveProcessor:
    """Turns each incoming frame into an annotated frame, with at most one classifier call per frame.

    A frame that arrives more than `max_lag` seconds behind the stream is not analysed (the last known faces are
    drawn instead), unless nothing was analysed for `max_skip` seconds, so a slow machine stays live.

    It also watches the connection for the page, which reports on every run whether the browser says its stream
    plays (`page_sees`) and when the server's end of the stream stops (`stream_ended`); `notice` then says what
    a person should know: video stopped coming (or never came), or the stream stopped.
    """

    def __init__(
        self,
        recognizer: EmotionRecognizer,
        max_lag: float = 0.25,
        max_skip: float = 0.5,
        show_probabilities: bool = True,
        queue_size: int = 256,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.recognizer = recognizer
        self.max_lag = max_lag
        self.max_skip = max_skip
        self.show_probabilities = show_probabilities
        self.clock = clock
        self.updates: queue.Queue[LiveUpdate] = queue.Queue(maxsize=queue_size)
        self.log = SessionLog()
        self.tracker = FaceTracker()
        self.error: str | None = None
        self.frames = 0
        self.analyzed = 0
        self.faces_seen = 0
        self._started: float | None = None
        self._offset: float | None = None
        self._last_frame_time: float | None = None
        self._last_analysis = -math.inf
        self._last_tick: float | None = None
        self._fps = 0.0
        self._logged_second = -1
        self.number = next(_numbers)
        self._playing = False
        self._watch_from: float | None = None
        self._last_frame_at: float | None = None
        self._ended = False
        self._frames_at_start = 0
        self._stopped_after: int | None = None

    def process(self, rgb: np.ndarray, frame_time: float | None = None) -> np.ndarray:
        """Analyse (or, when late, just redraw) one RGB frame; `frame_time` is its stream timestamp in seconds."""
        start = self.clock()
        self._last_frame_at = start
        if self._started is None:
            self._started = start
        analyze = not self._is_late(start, frame_time) or start - self._last_analysis >= self.max_skip
        tracks = self.tracker.current(start)
        if analyze and self.error is None:
            try:
                faces = self.recognizer.detector.detect(rgb)
                tracks = self.tracker.update(self.recognizer.analyze_faces(rgb, faces), start)
                self._last_analysis = start
                self.analyzed += 1
                self.faces_seen += len(tracks)
            except FerError as exc:
                self.error = str(exc)
                log.warning("live analysis stopped: %s", exc)
        results = [t.result for t in tracks]
        canvas = annotate(rgb, results, show_probabilities=self.show_probabilities)
        end = self.clock()
        self._tick(start)
        ms = (end - start) * 1000
        self._readout(canvas, ms)
        self.frames += 1
        mix = None
        if results:
            mean = np.mean([[r.probabilities[e] for e in EMOTIONS] for r in results], axis=0)
            mix = dict(zip(EMOTIONS, map(float, mean), strict=True))
        update = LiveUpdate(start - self._started, len(results), mix, self._fps, ms, analyze and self.error is None)
        self.log.add(update)
        self._publish(update)
        self._report(update)
        return canvas

    def page_sees(self, playing: bool) -> None:
        """Call on every page run with whether the browser says its stream is playing; notes starts and stops."""
        if playing and not self._playing:
            self._watch_from = self.clock()
            self._frames_at_start = self.frames
            self._ended = False
            self._stopped_after = None
        elif self._playing and not playing:
            self._stopped_after = self.frames - self._frames_at_start
        self._playing = playing

    def stream_ended(self) -> None:
        """The server's end of the stream stopped (STOP was pressed, or the connection dropped)."""
        self._ended = True

    def notice(self, stall_after: float = 6.0, connect_within: float = 45.0) -> tuple[str, str] | None:
        """("warning" or "info", message) about the stream for the person watching, or None when all is well.

        While the browser says it plays: a warning when the server's end stopped or no frame came for `stall_after`
        seconds, or when no frame at all came in the first `connect_within` seconds. After it stopped: a note.
        """
        if not self._playing:
            if self._stopped_after is None:
                return None
            return "info", (
                f"The video stopped after {self._stopped_after:,} frames. If you did not press STOP, the connection "
                "to the server dropped (the network or the server was too busy): press START to connect again."
            )
        now = self.clock()
        had_frames = self._last_frame_at is not None and self._last_frame_at >= self._watch_from
        if self._ended or (had_frames and now - self._last_frame_at > stall_after):
            return "warning", (
                "The video connection to the server was lost, so nothing is being analysed. "
                "Press STOP, then START to connect again."
            )
        if not had_frames and now - self._watch_from > connect_within:
            return "warning", (
                f"No video has reached the server in {now - self._watch_from:.0f} s. If the app runs on another "
                "computer, it needs a STUN or TURN server (see FER_ICE_SERVERS); press STOP, then START to retry."
            )
        return None

    def _is_late(self, now: float, frame_time: float | None) -> bool:
        """A frame is late when it arrives `max_lag` seconds later than its timestamp promised."""
        if frame_time is None:
            return False
        if self._last_frame_time is not None and frame_time < self._last_frame_time:
            self._offset = None
        self._last_frame_time = frame_time
        delay = now - frame_time
        if self._offset is None or delay < self._offset:
            self._offset = delay
        return delay - self._offset > self.max_lag

    def _tick(self, now: float) -> None:
        if self._last_tick is not None and now > self._last_tick:
            rate = 1.0 / (now - self._last_tick)
            self._fps = rate if self._fps == 0 else 0.9 * self._fps + 0.1 * rate
        self._last_tick = now

    def _readout(self, canvas: np.ndarray, ms: float) -> None:
        text = f"{self._fps:4.1f} fps  {ms:3.0f} ms/frame"
        if self.error:
            text = "Analysis unavailable: model not loaded"
        scale = max(0.45, canvas.shape[1] / 1400)
        (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        cv2.rectangle(canvas, (0, 0), (w + 12, h + base + 10), (0, 0, 0), cv2.FILLED)
        cv2.putText(canvas, text, (6, h + 5), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1, cv2.LINE_AA)

    def _publish(self, update: LiveUpdate) -> None:
        """Put the update on the queue; when the page falls behind, the oldest waiting update makes room."""
        while True:
            try:
                self.updates.put_nowait(update)
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    self.updates.get_nowait()

    def _report(self, update: LiveUpdate) -> None:
        """One log line per second, so whoever runs the server can see the stream is being analysed."""
        second = int(update.seconds)
        if second != self._logged_second:
            self._logged_second = second
            log.info(
                "live: %d frames, %d analyzed, %d faces seen, %.1f fps (session %d)",
                self.frames,
                self.analyzed,
                self.faces_seen,
                update.fps,
                self.number,
            )
