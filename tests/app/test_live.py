"""The Live page (pages/live.py) as Streamlit runs it, before any stream starts."""

from __future__ import annotations

from types import SimpleNamespace
from unittest import mock

from tests.app.pages import _app, _texts


def test_live_page_invites_to_press_start_before_the_stream_runs():
    stream = SimpleNamespace(state=SimpleNamespace(playing=False))
    with mock.patch("streamlit_webrtc.webrtc_streamer", return_value=stream) as streamer:
        at = _app("pages/live.py")
    assert streamer.call_args.kwargs["rtc_configuration"] == {"iceServers": []}
    assert "Press START" in _texts(at.info)
    assert at.get("download_button")[0].proto.disabled


def test_after_stop_the_page_sums_up_the_session_per_person_and_offers_it_as_csv():
    import numpy as np

    from fer_core import EMOTIONS
    from fer_core.live import LiveUpdate

    stream = SimpleNamespace(state=SimpleNamespace(playing=False))
    with mock.patch("streamlit_webrtc.webrtc_streamer", return_value=stream):
        at = _app("pages/live.py")
        happy = np.array([float(e == "happy") for e in EMOTIONS])
        for frame in range(1, 31):
            update = LiveUpdate(frame / 10, 0.0, frame, True, frame, 1, frame, happy, 15.0, 5.0, people=((1, "happy"),))
            at.session_state["live_processor"].updates.publish(update)
        at.run()
    assert not at.exception
    assert "Your session" in [h.value for h in at.subheader]
    assert "1 person seen in" in _texts(at.markdown)
    assert "**Person 1**: mostly **happy** (100% of the time)" in _texts(at.markdown)
    people = next(b for b in at.get("download_button") if b.proto.label == "Download the people (CSV)")
    assert not people.proto.disabled
    assert "Frames per second" not in str(at.get("metric"))
