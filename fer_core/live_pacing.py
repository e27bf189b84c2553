"""Timing of a live stream: which frames to analyse when the machine falls behind, and how fast frames come."""

from __future__ import annotations

import math


class Pacing:
    """Which frames to analyse: one that arrives `max_lag` seconds later than its timestamp promised is late and
    only redrawn, unless nothing was analysed for `max_skip` seconds."""

    def __init__(self, max_lag: float, max_skip: float) -> None:
        self.max_lag = max_lag
        self.max_skip = max_skip
        self._offset: float | None = None
        self._last_frame_time: float | None = None
        self._last_analysis = -math.inf

    def should_analyze(self, now: float, frame_time: float | None) -> bool:
        """Whether the frame arriving at `now` with stream timestamp `frame_time` is to be analysed."""
        return not self._is_late(now, frame_time) or now - self._last_analysis >= self.max_skip

    def analysed(self, now: float) -> None:
        """A frame was analysed at `now`."""
        self._last_analysis = now

    def _is_late(self, now: float, frame_time: float | None) -> bool:
        """Late: more delayed than the least delay seen in this stream (a new stream restarts the count)."""
        if frame_time is None:
            return False
        if self._last_frame_time is not None and frame_time < self._last_frame_time:
            self._offset = None
        self._last_frame_time = frame_time
        delay = now - frame_time
        if self._offset is None or delay < self._offset:
            self._offset = delay
        return delay - self._offset > self.max_lag


class FrameRate:
    """Frames per second, smoothed over about ten frames."""

    def __init__(self) -> None:
        self.fps = 0.0
        self._last: float | None = None

    def tick(self, now: float) -> float:
        """A frame came at `now`; returns the smoothed rate."""
        if self._last is not None and now > self._last:
            rate = 1.0 / (now - self._last)
            self.fps = rate if self.fps == 0 else 0.9 * self.fps + 0.1 * rate
        self._last = now
        return self.fps
