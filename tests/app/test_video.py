"""The Video page (pages/video.py) as Streamlit runs it: empty state, a timeline per person, messages, cancelling.

Every video here is made by the test from the fixture photos with PyAV (a second or two, small frames).
"""

from __future__ import annotations

from unittest import mock

import numpy as np
from streamlit.testing.v1 import AppTest

from fer_core import load_image
from tests.app.pages import _texts, _upload
from tests.conftest import PHOTOS, fitted, write_video


def _video_page() -> AppTest:
    """The Video page, set to look for faces both near and far (the test video's faces are small)."""
    at = AppTest.from_file("streamlit_app.py", default_timeout=120)
    at.run()
    at.switch_page("pages/video.py").run()
    at.radio[0].set_value("auto").run()
    assert not at.exception
    return at


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_the_video_page_starts_with_a_friendly_empty_state():
    assert "Add a video above" in _texts(_video_page().info)


def test_an_uploaded_video_gets_a_timeline_per_person_a_summary_and_downloads(two_people_video):
    at = _upload(_video_page(), "two.mp4", two_people_video.read_bytes(), "video/mp4")
    assert "2 people followed through 2.0 s of video" in _texts(at.success)
    assert [h.value for h in at.subheader] == ["Summary", "Person 1", "Person 2"]
    assert list(at.dataframe[0].value["person"]) == [1, 2]
    assert len(at.get("plotly_chart")) == 4 and len(at.get("iframe")) == 1  # the player with its timeline
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download the timeline (CSV)",
        "Download the annotated video",
    ]


def test_a_file_that_is_not_a_video_gets_a_clear_message_on_the_page():
    at = _upload(_video_page(), "clip.mp4", b"this is not really a video", "video/mp4")
    assert "We could not use this video: This file is not a video we can read" in _texts(at.error)


def test_a_rotated_phone_video_is_shown_upright_with_a_note_on_the_page(tmp_path):
    portrait = fitted(load_image(PHOTOS / "grace_hopper.jpg"), 240, 320)
    video = write_video(tmp_path / "phone.mp4", [np.ascontiguousarray(np.rot90(portrait, -1))] * 5, rotation=90)
    at = _upload(_video_page(), "phone.mp4", video.read_bytes(), "video/mp4")
    assert "1 person followed" in _texts(at.success)
    assert "recorded turned by 90°" in _texts(at.info)


def test_a_video_without_faces_says_so_on_the_page(tmp_path):
    video = write_video(tmp_path / "wall.mp4", [np.full((120, 160, 3), 180, np.uint8)] * 5)
    at = _upload(_video_page(), "wall.mp4", video.read_bytes(), "video/mp4")
    assert "0 people followed" in _texts(at.success)
    assert "No face was found in any frame" in _texts(at.warning)


def test_stop_here_keeps_and_shows_what_was_analysed_and_the_whole_video_can_follow(two_people_video):
    from streamlit.delta_generator import DeltaGenerator
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    from fer_core.video import analyze_upload

    calls = []
    real_progress = DeltaGenerator.progress

    def progress(self, *args, **kwargs):  # the second call is the bar moving: a click interrupts it there
        calls.append(args)
        if len(calls) == 2:
            page = get_script_run_ctx().page_script_hash  # what Streamlit raises when a click asks for a rerun
            raise RerunException(RerunData(page_script_hash=page))
        return real_progress(self, *args, **kwargs)

    def reporting_often(*args):
        return analyze_upload(*args, progress_seconds=0.0)

    at = _video_page()
    with (
        mock.patch.object(DeltaGenerator, "progress", progress),
        mock.patch("fer_core.video.analyze_upload", reporting_often),
    ):
        _upload(at, "two.mp4", two_people_video.read_bytes(), "video/mp4")
    assert "You stopped the analysis at" in _texts(at.info)
    [result] = at.session_state["video_results"].values()
    assert 0 < result.frames_read < 20 and result.stopped_at is not None
    _button(at, "Analyse the whole video").click().run()
    assert "2 people followed" in _texts(at.success)
    assert "You stopped" not in _texts(at.info)
