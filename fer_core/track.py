"""Follow faces from one video frame to the next and smooth their probabilities, so labels do not flicker."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .detect import Box, Face
from .labels import EMOTIONS
from .recognizer import FaceResult


@dataclass
class Track:
    """One face followed over time: its id, latest (smoothed) result, when it was last seen and last read.

    `probabilities` holds the smoothed probabilities as an array in EMOTIONS order, the shape they keep through
    a frame's analysis; `result.probabilities` is the same numbers as a dict, for drawing and tables. `last_read`
    is when the classifier last gave them (a frame may only move the box: `FaceTracker.follow`).
    """

    id: int
    result: FaceResult
    last_seen: float
    probabilities: np.ndarray
    last_read: float


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
        matched = self._match([r.box for r in results], now)
        for ri, track in matched.items():
            self._blend(track, results[ri], now)
        for ri, result in enumerate(results):
            if ri not in matched:
                matched[ri] = Track(self._next_id, result, now, result.vector.copy(), last_read=now)
                self._next_id += 1
                self.tracks.append(matched[ri])
        return sorted(matched.values(), key=lambda t: t.id)

    def follow(self, faces: Sequence[Face], now: float) -> list[Track] | None:
        """Move the tracks to this frame's detected `faces`, keeping their probabilities: for frames between two
        classifier reads. None when a face matches no track (a newcomer must be read); the faces as tracks else."""
        matched = self._match([f.box for f in faces], now)
        if len(matched) < len(faces):
            return None
        for fi, track in matched.items():
            face = faces[fi]
            track.result = replace(track.result, box=face.box, keypoints=face.keypoints, detection_score=face.score)
            track.last_seen = now
        return sorted(matched.values(), key=lambda t: t.id)

    def _match(self, boxes: list[Box], now: float) -> dict[int, Track]:
        """Forget tracks unseen for too long, then pair boxes with tracks, most overlapping first: index -> track."""
        self.tracks = [t for t in self.tracks if now - t.last_seen <= self.forget_seconds]
        pairs = sorted(
            ((t.result.box.overlap(b), ti, bi) for ti, t in enumerate(self.tracks) for bi, b in enumerate(boxes)),
            reverse=True,
        )
        used: set[int] = set()
        matched: dict[int, Track] = {}
        for overlap, ti, bi in pairs:
            if overlap < self.min_overlap:
                break
            if ti not in used and bi not in matched:
                used.add(ti)
                matched[bi] = self.tracks[ti]
        return matched

    def current(self, now: float) -> list[Track]:
        """Tracks still remembered at time `now` (for frames that were not analysed), by id."""
        return sorted((t for t in self.tracks if now - t.last_seen <= self.forget_seconds), key=lambda t: t.id)

    def _blend(self, track: Track, result: FaceResult, now: float) -> None:
        """Move the track to `result`'s box, its probabilities towards `result`'s as much as the time gap says."""
        weight = 1.0 - math.exp(-max(now - track.last_read, 0.0) / self.smoothing_seconds)
        mixed = (1.0 - weight) * track.probabilities + weight * result.vector
        mixed /= mixed.sum()
        track.probabilities = mixed
        track.result = replace(result, probabilities=dict(zip(EMOTIONS, mixed.tolist(), strict=True)), vector=mixed)
        track.last_seen = now
        track.last_read = now
