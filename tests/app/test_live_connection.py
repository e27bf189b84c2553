"""What the Live page tells a person about its stream's connection (pages/_live_connection.ConnectionWatch), from
the updates it drains and what the browser reports."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from fer_core.live import LiveProcessor
from fer_core.live_view import LiveView
from pages._live_connection import ConnectionWatch

BLANK = np.full((120, 160, 3), 128, np.uint8)


class _Clock:
    """Time the test moves by hand (clock.now); the processor and the watch both read it."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> _Clock:
    return _Clock()


class _Page(SimpleNamespace):
    """A Live page's objects: the processor, the view it drains the updates into, and its connection watch."""

    def frame(self, frame_time: float) -> None:
        """One frame reaches the server, and the page drains its update (as its once-a-second run does)."""
        self.processor.process(BLANK, frame_time=frame_time)
        self.view.drain(self.processor.updates)


def _page(recognizer, clock: _Clock) -> _Page:
    view = LiveView()
    return _Page(processor=LiveProcessor(recognizer, clock=clock), view=view, watch=ConnectionWatch(view, clock=clock))


@pytest.fixture
def playing(recognizer, clock) -> _Page:
    """A page that sees its stream playing, whose processor got one frame."""
    page = _page(recognizer, clock)
    page.watch.page_sees(True)
    page.frame(0.0)
    return page


def test_nothing_is_said_while_frames_keep_coming(playing, clock):
    clock.now += 2
    playing.frame(2.0)
    clock.now += 1
    assert playing.watch.notice() is None


def test_frames_that_stop_coming_are_reported_as_a_lost_connection(playing, clock):
    clock.now += 7
    level, text = playing.watch.notice()
    assert level == "warning" and "connection to the server was lost" in text


def test_the_server_end_of_the_stream_stopping_is_reported_at_once(playing):
    playing.watch.stream_ended()
    level, text = playing.watch.notice()
    assert level == "warning" and "Press STOP, then START" in text


def test_a_stream_that_never_sends_video_points_to_a_turn_server(recognizer, clock):
    page = _page(recognizer, clock)
    page.watch.page_sees(True)
    clock.now += 10
    assert page.watch.notice() is None
    clock.now += 40
    level, text = page.watch.notice()
    assert level == "warning" and "No video has reached the server in 50 s" in text and "TURN" in text


def test_a_stopped_stream_says_how_far_it_got_and_a_new_start_clears_it(playing, clock):
    playing.frame(0.1)
    playing.watch.stream_ended()
    playing.watch.page_sees(False)
    level, text = playing.watch.notice()
    assert level == "info" and "stopped after 2 frames" in text and "did not press" not in text
    clock.now += 60
    playing.watch.page_sees(True)
    assert playing.watch.notice() is None


def test_a_page_that_never_streamed_gets_no_notice(recognizer, clock):
    page = _page(recognizer, clock)
    page.watch.page_sees(False)
    assert page.watch.notice() is None
