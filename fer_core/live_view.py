"""The page's side of a live stream: what the processor's updates add up to, built only from the updates drained
from its channel (`LiveProcessor.updates`): the latest one, the recent emotion mix and the per-second log.

Used from one thread (the page's); nothing here is shared with the frame callback.
"""

from __future__ import annotations

import io
import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .labels import EMOTIONS
from .live import LiveUpdate, UpdateQueue
from .video.people import summary

LOG_COLUMNS: tuple[str, ...] = ("second", "frames", "analyzed", "skipped", "faces", *EMOTIONS, "dominant")
"""Columns of the per-second session log: frame counts, most faces seen, mean probabilities, dominant emotion."""


class LiveView:
    """Everything the Live page shows of a stream: drain the channel once per page run, then read from here."""

    def __init__(self, window_seconds: float = 20.0, bin_seconds: float = 0.5) -> None:
        self.timeline = EmotionTimeline(window_seconds, bin_seconds)
        self.log = SessionLog()
        self.people = PeopleLog()
        self.latest: LiveUpdate | None = None

    def drain(self, source: UpdateQueue) -> int:
        """Take every waiting update from `source` into the timeline and the logs; returns how many arrived."""
        updates = source.drain()
        for update in updates:
            self.timeline.add(update)
            self.log.add(update)
            self.people.add(update)
        if updates:
            self.latest = updates[-1]
        return len(updates)

    def restart(self) -> None:
        """Forget the previous stream's logs (a new START begins a new session); the latest update stays."""
        self.log = SessionLog()
        self.people = PeopleLog()


class PeopleLog:
    """Who showed which emotion when, over the session: one row per face per analysed frame (at most `limit`
    rows, about three hours of one face at 15 frames a second; later rows are not kept)."""

    def __init__(self, limit: int = 150_000) -> None:
        self.limit = limit
        self.rows: list[tuple[float, int, str]] = []

    def add(self, update: LiveUpdate) -> None:
        """Keep the update's (seconds, person, emotion) rows."""
        room = self.limit - len(self.rows)
        self.rows.extend((update.seconds, person, emotion) for person, emotion in update.people[: max(room, 0)])

    def summary(self, step: float = 0.25) -> pd.DataFrame:
        """One row per person, as the Video page's summary (fer_core.video.summary): when seen, for how long,
        the dominant emotion and the share of time in each; frames `step` seconds or more apart count as gaps."""
        faces = pd.DataFrame(self.rows, columns=["time", "person", "emotion"])
        return summary(faces, step)


class EmotionTimeline:
    """Recent updates, averaged into short bins for a chart of the emotion mix."""

    def __init__(self, window_seconds: float = 20.0, bin_seconds: float = 0.5) -> None:
        self.window_seconds = window_seconds
        self.bin_seconds = bin_seconds
        self.updates: deque[LiveUpdate] = deque()

    def add(self, update: LiveUpdate) -> None:
        """Keep `update`, forget those older than the window (and all of them when a new stream starts over)."""
        if self.updates and update.seconds < self.updates[-1].seconds:
            self.updates.clear()
        self.updates.append(update)
        while self.updates[-1].seconds - self.updates[0].seconds > self.window_seconds:
            self.updates.popleft()

    def series(self) -> tuple[list[float], dict[str, list[float]]]:
        """Bin start times and the mean share of each emotion per bin (bins without faces are left out)."""
        bins: dict[int, list[np.ndarray]] = {}
        for u in self.updates:
            if u.mean is not None:
                bins.setdefault(math.floor(u.seconds / self.bin_seconds), []).append(u.mean)
        keys = sorted(bins)
        means = np.array([np.mean(bins[k], axis=0) for k in keys]).reshape(len(keys), len(EMOTIONS))
        return [k * self.bin_seconds for k in keys], {e: means[:, i].tolist() for i, e in enumerate(EMOTIONS)}


@dataclass
class _Second:
    """One second of the log: running totals at its last frame, most faces, summed probabilities of analysed faces."""

    frames_to: int
    analyzed_to: int
    faces: int = 0
    sums: np.ndarray = field(default_factory=lambda: np.zeros(len(EMOTIONS)))
    with_faces: int = 0


class SessionLog:
    """Per-second summary of a live session.

    Frame counts come from the updates' running totals, so they stay exact when the page fell behind and the
    channel dropped updates; faces and probabilities are those of the updates that arrived.
    """

    def __init__(self) -> None:
        self._seconds: dict[int, _Second] = {}
        self._before: tuple[int, int] | None = None

    def add(self, update: LiveUpdate) -> None:
        """Count one frame into its second."""
        if self._before is None:
            self._before = (update.frame - 1, update.frames_analyzed - update.analyzed)
        second = self._seconds.setdefault(int(update.seconds), _Second(update.frame, update.frames_analyzed))
        second.frames_to, second.analyzed_to = update.frame, update.frames_analyzed
        second.faces = max(second.faces, update.faces)
        if update.mean is not None and update.analyzed:
            second.sums += update.mean
            second.with_faces += 1

    def rows(self) -> list[dict]:
        """One dict per second (LOG_COLUMNS keys); probabilities are blank for seconds without a face."""
        rows = []
        frames_before, analyzed_before = self._before or (0, 0)
        for number, s in sorted(self._seconds.items()):
            frames, analyzed = s.frames_to - frames_before, s.analyzed_to - analyzed_before
            frames_before, analyzed_before = s.frames_to, s.analyzed_to
            means = s.sums / s.with_faces if s.with_faces else None
            row = {"second": number, "frames": frames, "analyzed": analyzed, "skipped": frames - analyzed}
            row["faces"] = s.faces
            row.update({e: (round(float(means[i]), 4) if means is not None else None) for i, e in enumerate(EMOTIONS)})
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
