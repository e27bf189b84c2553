"""Live analysis: faces keep their identity across frames, labels are smoothed, late frames skip the classifier."""

from __future__ import annotations

import queue

import numpy as np
import pytest

from fer_core import EMOTIONS, load_image
from fer_core.detect import Box
from fer_core.live import EmotionTimeline, LiveProcessor, LiveUpdate, SessionLog
from fer_core.recognizer import FaceResult
from fer_core.track import FaceTracker, iou


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


def test_iou_of_identical_boxes_is_one_and_of_separate_boxes_zero():
    assert iou(Box(0, 0, 10, 10), Box(0, 0, 10, 10)) == 1.0
    assert iou(Box(0, 0, 10, 10), Box(20, 20, 10, 10)) == 0.0


class _CountingClassifier:
    """Wraps the real classifier and counts its calls."""

    def __init__(self, classifier):
        self.classifier = classifier
        self.calls = 0

    def probabilities(self, faces, tta=False):
        self.calls += 1
        return self.classifier.probabilities(faces, tta)

    def __getattr__(self, name):
        return getattr(self.classifier, name)


class _Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def counted(recognizer):
    original = recognizer.classifier
    recognizer.classifier = _CountingClassifier(original)
    yield recognizer
    recognizer.classifier = original


@pytest.fixture(scope="module")
def frame(group_photo) -> np.ndarray:
    return load_image(group_photo)


def test_each_frame_makes_at_most_one_classifier_call_and_reports_its_faces(counted, frame):
    processor = LiveProcessor(counted)
    out = processor.process(frame, frame_time=0.0)
    assert counted.classifier.calls == 1
    update = processor.updates.get_nowait()
    assert update.faces >= 2 and update.analyzed
    assert sum(update.mix.values()) == pytest.approx(1.0)
    assert out.shape == frame.shape and not np.array_equal(out, frame)


def test_a_late_frame_is_drawn_from_memory_without_calling_the_classifier(counted, frame):
    clock = _Clock()
    processor = LiveProcessor(counted, max_lag=0.25, max_skip=0.5, clock=clock)
    processor.process(frame, frame_time=0.0)
    clock.now += 0.4
    processor.process(frame, frame_time=0.1)
    assert counted.classifier.calls == 1
    updates = [processor.updates.get_nowait() for _ in range(2)]
    assert [u.analyzed for u in updates] == [True, False]
    assert updates[1].faces == updates[0].faces


def test_late_frames_are_still_analysed_when_nothing_was_for_too_long(counted, frame):
    clock = _Clock()
    processor = LiveProcessor(counted, max_lag=0.25, max_skip=0.5, clock=clock)
    processor.process(frame, frame_time=0.0)
    clock.now += 0.6
    processor.process(frame, frame_time=0.1)
    assert counted.classifier.calls == 2


def test_a_new_stream_with_timestamps_from_zero_is_not_taken_as_late(counted, frame):
    clock = _Clock()
    processor = LiveProcessor(counted, clock=clock)
    processor.process(frame, frame_time=5.0)
    clock.now += 60
    processor.process(frame, frame_time=0.0)
    clock.now += 0.05
    processor.process(frame, frame_time=0.05)
    assert counted.classifier.calls == 3


def test_the_queue_keeps_the_newest_updates_when_the_page_falls_behind(recognizer):
    processor = LiveProcessor(recognizer, queue_size=2)
    blank = np.full((120, 160, 3), 128, np.uint8)
    for step in range(5):
        processor.process(blank, frame_time=step / 15)
    assert processor.updates.qsize() == 2
    assert processor.frames == 5


def _update(seconds: float, emotion: str | None, analyzed: bool = True) -> LiveUpdate:
    mix = {e: (1.0 if e == emotion else 0.0) for e in EMOTIONS} if emotion else None
    return LiveUpdate(seconds, 1 if emotion else 0, mix, 15.0, 5.0, analyzed)


def test_the_session_log_has_one_row_per_second_with_the_dominant_emotion():
    log = SessionLog()
    for update in (_update(0.1, "happy"), _update(0.5, "happy"), _update(0.9, None, False), _update(1.2, "sad")):
        log.add(update)
    rows = log.rows()
    assert [(r["second"], r["frames"], r["analyzed"], r["dominant"]) for r in rows] == [
        (0, 3, 2, "happy"),
        (1, 1, 1, "sad"),
    ]
    assert rows[0]["happy"] == 1.0
    assert log.csv().decode().splitlines()[0].startswith("second,frames,analyzed,skipped,faces,angry")


def test_the_timeline_drains_the_queue_and_averages_short_bins():
    source: queue.Queue = queue.Queue()
    for update in (_update(0.1, "happy"), _update(0.3, "sad"), _update(0.7, "sad"), _update(0.8, None)):
        source.put(update)
    timeline = EmotionTimeline(bin_seconds=0.5)
    assert timeline.drain(source) == 4 and source.empty()
    seconds, shares = timeline.series()
    assert seconds == [0.0, 0.5]
    assert shares["happy"] == [0.5, 0.0] and shares["sad"] == [0.5, 1.0]
