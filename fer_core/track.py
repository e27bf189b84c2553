"""Follow faces from one video frame to the next and smooth their probabilities, so labels do not flicker."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .labels import EMOTIONS
from .recognizer import FaceResult


@dataclass
class Track:
    """One face followed over time: its id, latest (smoothed) result and when it was last seen.

    `probabilities` holds the smoothed probabilities as an array in EMOTIONS order, the shape they keep through
    a frame's analysis; `result.probabilities` is the same numbers as a dict, for drawing and tables.
    """

    id: int
    result: FaceResult
    last_seen: float
    probabilities: np.ndarray


class FaceTracker:
    """Match each frame's faces to the previous ones by box overlap and average their probabilities over time.

    Smoothing is an exponential moving average with time constant `smoothing_seconds`, so it behaves the same
    at 5 or 30 frames per second; a face unseen for `forget_seconds` is dropped.
    """

    def __init__(self, smoothing_seconds: float = 0.5, forget_seconds: float = 0.7, min_overlap: float = 0.3) -> None:
        self.smoothing_seconds = smoothing_seconds
        self.forget_seconds = forget_seconds
        self.min_overlap = min_overlap
        self.tracks: list[Track] = []
        self._next_id = 1

    def update(self, results: list[FaceResult], now: float) -> list[Track]:
        """Feed one frame's faces (seen at time `now`, seconds); returns the faces of this frame as tracks, by id."""
        self.tracks = [t for t in self.tracks if now - t.last_seen <= self.forget_seconds]
        pairs = sorted(
            ((t.result.box.overlap(r.box), ti, ri) for ti, t in enumerate(self.tracks) for ri, r in enumerate(results)),
            reverse=True,
        )
        matched_tracks: set[int] = set()
        matched_results: dict[int, Track] = {}
        for overlap, ti, ri in pairs:
            if overlap < self.min_overlap:
                break
            if ti in matched_tracks or ri in matched_results:
                continue
            self._blend(self.tracks[ti], results[ri], now)
            matched_tracks.add(ti)
            matched_results[ri] = self.tracks[ti]
        for ri, result in enumerate(results):
            if ri not in matched_results:
                track = Track(self._next_id, result, now, result.vector.copy())
                self._next_id += 1
                self.tracks.append(track)
                matched_results[ri] = track
        return sorted(matched_results.values(), key=lambda t: t.id)

    def current(self, now: float) -> list[Track]:
        """Tracks still remembered at time `now` (for frames that were not analysed), by id."""
        return sorted((t for t in self.tracks if now - t.last_seen <= self.forget_seconds), key=lambda t: t.id)

    def _blend(self, track: Track, result: FaceResult, now: float) -> None:
        """Move the track to `result`'s box, its probabilities towards `result`'s as much as the time gap says."""
        weight = 1.0 - math.exp(-max(now - track.last_seen, 0.0) / self.smoothing_seconds)
        mixed = (1.0 - weight) * track.probabilities + weight * result.vector
        mixed /= mixed.sum()
        track.probabilities = mixed
        track.result = replace(result, probabilities=dict(zip(EMOTIONS, mixed.tolist(), strict=True)), vector=mixed)
        track.last_seen = now
