"""Face tracking: faces keep their identity across frames, labels are smoothed, forgotten faces get new ids."""

from __future__ import annotations

import numpy as np
import pytest

from fer_core import EMOTIONS
from fer_core.detect import Box, Face
from fer_core.recognizer import FaceResult
from fer_core.track import FaceTracker


def _face(x: int, y: int, emotion: str, size: int = 100) -> FaceResult:
    probabilities = {e: (0.94 if e == emotion else 0.01) for e in EMOTIONS}
    return FaceResult(Box(x, y, size, size), 0.9, {}, probabilities, np.zeros((48, 48), np.uint8))


def test_a_face_that_moves_a_little_keeps_its_id():
    tracker = FaceTracker()
    first = tracker.update([_face(100, 100, "happy")], now=0.0)
    second = tracker.update([_face(110, 105, "happy")], now=0.1)
    assert [t.id for t in first] == [t.id for t in second]


def test_a_second_face_gets_a_new_id_and_the_first_keeps_its_own():
    tracker = FaceTracker()
    (first,) = tracker.update([_face(100, 100, "happy")], now=0.0)
    tracks = tracker.update([_face(400, 100, "sad"), _face(102, 101, "happy")], now=0.1)
    assert {t.id for t in tracks} == {first.id, first.id + 1}
    assert next(t for t in tracks if t.id == first.id).result.box.x == 102


def test_one_odd_frame_does_not_flip_the_label():
    tracker = FaceTracker(smoothing_seconds=0.5)
    for step in range(10):
        tracker.update([_face(100, 100, "happy")], now=step / 15)
    (track,) = tracker.update([_face(100, 100, "angry")], now=10 / 15)
    assert track.result.emotion == "happy"
    assert track.result.probabilities["angry"] > 0.01


def test_a_lasting_change_of_expression_does_change_the_label():
    tracker = FaceTracker(smoothing_seconds=0.5)
    tracker.update([_face(100, 100, "happy")], now=0.0)
    for step in range(1, 31):
        (track,) = tracker.update([_face(100, 100, "sad")], now=step / 15)
    assert track.result.emotion == "sad"


def test_smoothed_probabilities_still_sum_to_one():
    tracker = FaceTracker()
    tracker.update([_face(100, 100, "happy")], now=0.0)
    (track,) = tracker.update([_face(100, 100, "fear")], now=0.2)
    assert sum(track.result.probabilities.values()) == pytest.approx(1.0)


def test_a_face_gone_longer_than_the_memory_is_forgotten():
    tracker = FaceTracker(forget_seconds=0.5)
    (old,) = tracker.update([_face(100, 100, "happy")], now=0.0)
    assert tracker.current(0.4)
    assert tracker.current(0.6) == []
    (new,) = tracker.update([_face(100, 100, "happy")], now=0.6)
    assert new.id != old.id


def test_a_tracks_probability_array_and_its_results_dict_hold_the_same_numbers_in_emotions_order():
    tracker = FaceTracker()
    tracker.update([_face(100, 100, "happy")], now=0.0)
    (track,) = tracker.update([_face(100, 100, "fear")], now=0.2)
    assert track.probabilities.tolist() == [track.result.probabilities[e] for e in EMOTIONS]


def test_following_a_frame_moves_the_box_and_keeps_the_probabilities():
    tracker = FaceTracker()
    (read,) = tracker.update([_face(100, 100, "happy")], now=0.0)
    moved = Face(Box(108, 104, 100, 100), 0.8, {"nose": (150.0, 150.0)})
    (followed,) = tracker.follow([moved], now=1 / 30)
    assert followed.id == read.id and followed.result.box == moved.box and followed.result.keypoints == moved.keypoints
    assert followed.result.probabilities == read.result.probabilities and followed.last_seen == 1 / 30


def test_following_gives_none_when_a_face_is_new_so_it_gets_read():
    tracker = FaceTracker()
    tracker.update([_face(100, 100, "happy")], now=0.0)
    newcomer = Face(Box(400, 100, 100, 100), 0.9, {})
    assert tracker.follow([Face(Box(100, 100, 100, 100), 0.9, {}), newcomer], now=1 / 30) is None


def test_frames_only_followed_between_reads_do_not_slow_the_smoothing():
    """The blend towards a new read weighs the time since the last read, not since the last followed frame."""
    direct, followed = FaceTracker(smoothing_seconds=0.5), FaceTracker(smoothing_seconds=0.5)
    for tracker in (direct, followed):
        tracker.update([_face(100, 100, "happy")], now=0.0)
    followed.follow([Face(Box(100, 100, 100, 100), 0.9, {})], now=1 / 30)
    (a,) = direct.update([_face(100, 100, "sad")], now=2 / 30)
    (b,) = followed.update([_face(100, 100, "sad")], now=2 / 30)
    assert np.allclose(a.probabilities, b.probabilities)
