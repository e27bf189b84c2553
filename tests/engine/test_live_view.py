"""The page's side of live analysis (fer_core.live_view): the updates drained from the channel add up into a
timeline and a per-second log."""

from __future__ import annotations

import numpy as np
import pytest

from fer_core import EMOTIONS
from fer_core.live import LiveUpdate, UpdateQueue
from fer_core.live_view import LiveView, SessionLog


def _updates(*frames: tuple[float, str | None, bool]) -> list[LiveUpdate]:
    """Updates of consecutive frames given as (seconds, emotion of the one face or None, analysed)."""
    updates, analyzed_so_far = [], 0
    for number, (seconds, emotion, analyzed) in enumerate(frames, start=1):
        analyzed_so_far += analyzed
        mean = np.array([float(e == emotion) for e in EMOTIONS]) if emotion else None
        face = 1 if emotion else 0
        updates.append(LiveUpdate(seconds, 100 + seconds, number, analyzed, analyzed_so_far, face, 0, mean, 15.0, 5.0))
    return updates


def test_the_session_log_has_one_row_per_second_with_the_dominant_emotion():
    log = SessionLog()
    for update in _updates((0.1, "happy", True), (0.5, "happy", True), (0.9, None, False), (1.2, "sad", True)):
        log.add(update)
    rows = log.rows()
    assert [(r["second"], r["frames"], r["analyzed"], r["dominant"]) for r in rows] == [
        (0, 3, 2, "happy"),
        (1, 1, 1, "sad"),
    ]
    assert rows[0]["happy"] == 1.0
    assert log.csv().decode().splitlines()[0].startswith("second,frames,analyzed,skipped,faces,angry")


def test_the_session_log_counts_frames_the_page_missed_when_the_channel_dropped_them():
    updates = _updates(*[(step / 10, "happy", True) for step in range(25)])
    log = SessionLog()
    for update in updates[:3] + updates[-2:]:
        log.add(update)
    assert [(r["second"], r["frames"], r["analyzed"]) for r in log.rows()] == [(0, 3, 3), (2, 22, 22)]


def test_the_timeline_drains_the_queue_and_averages_short_bins():
    source = UpdateQueue()
    for update in _updates((0.1, "happy", True), (0.3, "sad", True), (0.7, "sad", True), (0.8, None, True)):
        source.publish(update)
    view = LiveView(bin_seconds=0.5)
    assert view.drain(source) == 4 and source.empty()
    seconds, shares = view.timeline.series()
    assert seconds == [0.0, 0.5]
    assert shares["happy"] == [0.5, 0.0] and shares["sad"] == [0.5, 1.0]
    assert view.latest.seconds == 0.8 and len(view.log.rows()) == 1


def test_after_a_session_each_person_gets_the_share_of_time_in_each_emotion():
    from dataclasses import replace

    view = LiveView()
    queue = UpdateQueue()
    frames = [(i / 10, "happy" if i < 30 else "sad", True) for i in range(40)]
    for update in _updates(*frames):
        people = ((1, "happy" if update.seconds < 3 else "sad"), (2, "neutral")) if update.seconds < 2 else ()
        queue.publish(replace(update, people=people or ((1, "happy" if update.seconds < 3 else "sad"),)))
    view.drain(queue)
    summary = view.people.summary(step=0.1).set_index("person")
    assert list(summary.index) == [1, 2]
    assert summary.loc[1, "dominant"] == "happy" and summary.loc[1, "happy"] == pytest.approx(0.75)
    assert summary.loc[2, "neutral"] == 1.0 and summary.loc[2, "last_seen"] == pytest.approx(1.9)
    view.restart()
    assert view.people.summary().empty and view.latest is not None
