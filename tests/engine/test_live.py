"""Live analysis (fer_core.live): late frames skip the classifier, every frame publishes one update on the bounded
channel, and the server log gets one line a second."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from fer_core import EMOTIONS, load_image
from fer_core.live import LiveProcessor

BLANK = np.full((120, 160, 3), 128, np.uint8)


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


def test_an_update_carries_the_mean_probabilities_as_one_read_only_array_in_emotions_order(counted, frame):
    processor = LiveProcessor(counted)
    processor.process(frame, frame_time=0.0)
    update = processor.updates.get_nowait()
    assert update.mean.shape == (len(EMOTIONS),) and not update.mean.flags.writeable
    assert list(update.mix) == list(EMOTIONS) and list(update.mix.values()) == update.mean.tolist()


def _two_frames(recognizer, frame: np.ndarray, arriving_apart: float) -> LiveProcessor:
    """A processor (max_lag 0.25 s, max_skip 0.5 s) given two frames 0.1 s apart in the stream that reach it
    `arriving_apart` seconds apart."""
    clock = _Clock()
    processor = LiveProcessor(recognizer, max_lag=0.25, max_skip=0.5, clock=clock)
    processor.process(frame, frame_time=0.0)
    clock.now += arriving_apart
    processor.process(frame, frame_time=0.1)
    return processor


def test_a_late_frame_is_drawn_from_memory_without_calling_the_classifier(counted, frame):
    processor = _two_frames(counted, frame, arriving_apart=0.4)
    assert counted.classifier.calls == 1
    updates = [processor.updates.get_nowait() for _ in range(2)]
    assert [u.analyzed for u in updates] == [True, False]
    assert updates[1].faces == updates[0].faces


def test_late_frames_are_still_analysed_when_nothing_was_for_too_long(counted, frame):
    _two_frames(counted, frame, arriving_apart=0.6)
    assert counted.classifier.calls == 2


def test_a_new_stream_with_timestamps_from_zero_is_not_taken_as_late(counted, frame):
    clock = _Clock()
    processor = LiveProcessor(counted, clock=clock)
    processor.process(frame, frame_time=5.0)
    clock.now += 60
    processor.process(frame, frame_time=0.0)
    clock.now += 0.2
    processor.process(frame, frame_time=0.2)
    assert counted.classifier.calls == 3


def test_at_thirty_frames_a_second_every_frame_is_tracked_and_expressions_are_read_seven_and_a_half_times(
    counted, frame
):
    clock = _Clock()
    processor = LiveProcessor(counted, clock=clock)
    for step in range(12):
        processor.process(frame, frame_time=step / 30)
        clock.now += 1 / 30
    updates = processor.updates.drain()
    assert counted.classifier.calls == 3
    assert all(u.analyzed for u in updates) and len({u.faces for u in updates}) == 1
    assert updates[-1].faces_seen == 12 * updates[0].faces and updates[-1].frames_read == 3


def test_at_fifteen_frames_a_second_every_other_frame_is_read(counted, frame):
    clock = _Clock()
    processor = LiveProcessor(counted, clock=clock)
    for step in range(6):
        processor.process(frame, frame_time=step / 15)
        clock.now += 1 / 15
    assert counted.classifier.calls == 3


def test_a_face_that_comes_into_view_is_read_at_once(counted, frame):
    clock = _Clock()
    processor = LiveProcessor(counted, clock=clock)
    processor.process(BLANK, frame_time=0.0)
    clock.now += 1 / 30
    processor.process(frame, frame_time=1 / 30)
    assert counted.classifier.calls == 1  # the blank frame had no face to read
    assert processor.updates.drain()[-1].faces >= 2


def test_the_queue_keeps_the_newest_updates_when_the_page_falls_behind(recognizer):
    processor = LiveProcessor(recognizer, queue_size=2)
    for step in range(5):
        processor.process(BLANK, frame_time=step / 15)
    assert processor.updates.qsize() == 2
    assert [u.frame for u in processor.updates.drain()] == [4, 5]


def test_each_live_session_gets_its_own_number_for_the_server_log(recognizer):
    assert LiveProcessor(recognizer).number != LiveProcessor(recognizer).number


def test_the_server_log_gets_one_line_per_second_in_the_format_the_load_tools_read(recognizer, caplog):
    clock = _Clock()
    processor = LiveProcessor(recognizer, clock=clock)
    with caplog.at_level(logging.INFO, logger="fer_core.live"):
        for step in range(4):
            processor.process(BLANK, frame_time=step * 0.4)
            clock.now += 0.4
    lines = [r.getMessage() for r in caplog.records if r.name == "fer_core.live"]
    assert lines == [
        f"live: 1 frames, 1 analyzed, 0 faces seen, 0.0 fps (session {processor.number}), 1 read",
        f"live: 4 frames, 4 analyzed, 0 faces seen, 2.5 fps (session {processor.number}), 4 read",
    ]


def test_the_landmarks_switch_draws_the_face_mesh_on_the_live_frame(recognizer, frame):
    plain = LiveProcessor(recognizer).process(frame, 0.0)
    processor = LiveProcessor(recognizer)
    processor.show_landmarks = True
    meshed = processor.process(frame, 0.0)
    mesh_colour = np.all(meshed == (0, 255, 200), axis=2) & ~np.all(plain == (0, 255, 200), axis=2)
    assert mesh_colour.sum() > 100
