"""Plain words on every page an audience sees (issue 18): none of the jargon in tests.app.pages.JARGON appears
outside the details for experts. The Dashboard has its own, fuller check in test_dashboard.py."""

from __future__ import annotations

from types import SimpleNamespace
from unittest import mock

import numpy as np

from fer_core import EMOTIONS
from fer_core.live import LiveUpdate
from tests.app.pages import _app, _jargon, _on_screen, _upload


def _screen(at) -> list[str]:
    return list(_on_screen(at._tree))


def test_home_and_the_photos_page_with_the_examples_speak_plainly():
    assert _jargon(_screen(_app())) == {}
    at = _app("pages/photos.py")
    next(t for t in at.toggle if t.label == "Use the example photos").set_value(True).run()
    assert _jargon(_screen(at)) == {}


def test_the_live_page_speaks_plainly_while_streaming_and_after():
    happy = np.array([float(e == "happy") for e in EMOTIONS])
    for playing in (True, False):
        stream = SimpleNamespace(state=SimpleNamespace(playing=playing))
        with mock.patch("streamlit_webrtc.webrtc_streamer", return_value=stream):
            at = _app("pages/live.py")
            for frame in range(1, 21):
                update = LiveUpdate(
                    frame / 10, 0.0, frame, True, frame, 1, frame, happy, 15.0, 5.0, people=((1, "happy"),)
                )
                at.session_state["live_processor"].updates.publish(update)
            at.run()
        assert _jargon(_screen(at)) == {}, playing


def test_the_video_page_speaks_plainly(two_people_video):
    at = _app("pages/video.py")
    _upload(at, "two.mp4", two_people_video.read_bytes(), "video/mp4")
    assert "times as" in " ".join(str(s.value) for s in at.success)
    assert _jargon(_screen(at)) == {}
