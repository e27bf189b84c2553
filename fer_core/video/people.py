"""The people in a video: tracked faces become numbered people, one table row per person per analysed frame,
and what the table adds up to (each person's summary and timeline)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import EMOTIONS
from ..recognizer import FaceResult
from ..track import Track

TABLE_COLUMNS: tuple[str, ...] = ("time", "frame", "person", "x", "y", "width", "height", *EMOTIONS, "emotion")
"""The faces table's first columns: one row per person per analysed frame (any further FaceResult fields follow)."""

SUMMARY_COLUMNS: tuple[str, ...] = ("person", "first_seen", "last_seen", "seconds", "dominant", *EMOTIONS)
"""The summary's columns: one row per person."""


class People:
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
        """Move the rows gathered so far into a compact DataFrame chunk."""
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


def summary(faces: pd.DataFrame, step: float) -> pd.DataFrame:
    """One row per person (SUMMARY_COLUMNS): first and last second seen, seconds on screen, the dominant emotion
    and the share of on-screen time spent in each emotion. Each analysed frame counts for the time until the next
    one, `step` seconds at most twice over, so a long absence is not time in the last emotion."""
    rows = []
    for person, rows_of_person in faces.groupby("person", sort=True):
        times = rows_of_person["time"].to_numpy()
        weights = np.minimum(np.diff(times, append=times[-1] + step), 2 * step)
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
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def timeline(faces: pd.DataFrame, person: int, max_points: int = 600) -> tuple[list[float], dict[str, list[float]]]:
    """One person's probabilities over time (seconds, emotion -> values), averaged into at most `max_points`
    bins so a long video still draws quickly."""
    rows = faces[faces["person"] == person]
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
