"""What the Live page is told about its stream's connection (LiveProcessor.page_sees / stream_ended / notice)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from fer_core.live import LiveProcessor

BLANK = np.full((120, 160, 3), 128, np.uint8)


@pytest.fixture
def clock():
    """Time the test moves by hand (clock.now); processors read it through `lambda: clock.now`."""
    return SimpleNamespace(now=100.0)


@pytest.fixture
def playing(recognizer, clock):
    """A processor whose page sees its stream playing and which got one frame."""
    processor = LiveProcessor(recognizer, clock=lambda: clock.now)
    processor.page_sees(True)
    processor.process(BLANK, frame_time=0.0)
    return processor


def test_nothing_is_said_while_frames_keep_coming(playing, clock):
    clock.now += 2
    playing.process(BLANK, frame_time=2.0)
    clock.now += 1
    assert playing.notice() is None


def test_frames_that_stop_coming_are_reported_as_a_lost_connection(playing, clock):
    clock.now += 7
    level, text = playing.notice()
    assert level == "warning" and "connection to the server was lost" in text


def test_the_server_end_of_the_stream_stopping_is_reported_at_once(playing):
    playing.stream_ended()
    level, text = playing.notice()
    assert level == "warning" and "Press STOP, then START" in text


def test_a_stream_that_never_sends_video_points_to_a_turn_server(recognizer, clock):
    processor = LiveProcessor(recognizer, clock=lambda: clock.now)
    processor.page_sees(True)
    clock.now += 10
    assert processor.notice() is None
    clock.now += 40
    level, text = processor.notice()
    assert level == "warning" and "No video has reached the server in 50 s" in text and "TURN" in text


def test_a_stopped_stream_says_how_far_it_got_and_a_new_start_clears_it(playing, clock):
    playing.process(BLANK, frame_time=0.1)
    playing.stream_ended()
    playing.page_sees(False)
    level, text = playing.notice()
    assert level == "info" and "stopped after 2 frames" in text
    clock.now += 60
    playing.page_sees(True)
    assert playing.notice() is None


def test_a_page_that_never_streamed_gets_no_notice(recognizer):
    processor = LiveProcessor(recognizer)
    processor.page_sees(False)
    assert processor.notice() is None


def test_each_live_session_gets_its_own_number_for_the_server_log(recognizer):
    assert LiveProcessor(recognizer).number != LiveProcessor(recognizer).number
