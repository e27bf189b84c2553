"""Live: the browser's camera, analysed on this computer; boxes, emotions and a chart of the last seconds."""

import av
import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from fer_core.live import LiveProcessor
from fer_core.live_view import LiveView
from pages import _charts as charts
from pages._live_connection import ConnectionWatch
from pages._people import duration, people_charts
from pages._server import set_up_server
from pages._ui import emotion_legend, ready_recognizer, rtc_configuration

set_up_server()

# What the video area says when the browser refuses the camera (streamlit-webrtc's device form).
CAMERA_MESSAGES = {
    "device_access_denied": "The camera is blocked for this site: allow it in the browser, then press START",
    "device_not_available": "No camera found, or another program is using it",
    "media_api_not_available": "This browser cannot share a camera here (the page must be opened over https)",
}


st.title("Live")
st.caption("Turn on your camera: every face is followed, and its emotion is drawn on the video as it changes.")

# The processor analyses frames in streamlit-webrtc's worker thread; this page learns what it found only from
# the updates it drains into `view`, and watches the connection itself.
if "live_processor" not in st.session_state:
    st.session_state.live_processor = LiveProcessor(ready_recognizer("near", "Live analysis"))
    st.session_state.live_view = LiveView()
    st.session_state.live_watch = ConnectionWatch(st.session_state.live_view)
processor: LiveProcessor = st.session_state.live_processor
view: LiveView = st.session_state.live_view
watch: ConnectionWatch = st.session_state.live_watch


def on_frame(frame: av.VideoFrame) -> av.VideoFrame:
    """Runs in streamlit-webrtc's worker thread: no st.* here, results go out through processor.updates."""
    return av.VideoFrame.from_ndarray(processor.process(frame.to_ndarray(format="rgb24"), frame.time), format="rgb24")


video_col, side_col = st.columns([3, 2], gap="large")
with video_col:
    ctx = webrtc_streamer(
        key="live",
        mode=WebRtcMode.SENDRECV,
        rtc_configuration=rtc_configuration(),
        # 640x480 at 15 frames a second at most: plenty to follow faces, and it halves the server's decoding and
        # encoding per stream against a 30 fps webcam, so a small server can hold several streams at once.
        media_stream_constraints={"video": {"width": {"ideal": 640}, "frameRate": {"max": 15}}, "audio": False},
        video_frame_callback=on_frame,
        on_video_ended=watch.stream_ended,
        async_processing=True,
        translations=CAMERA_MESSAGES,
    )
    if ctx.state.playing and not watch.playing:
        view.restart()
    view.drain(processor.updates)
    watch.page_sees(ctx.state.playing)
    processor.show_probabilities = st.toggle("Show probability bars on the video", value=True)
    processor.show_landmarks = st.toggle(
        "Show face landmarks", help="The 468 points the face mesh finds on each face (slower: about 10 ms a face)"
    )
    st.caption(
        "Press **START** and allow the camera. The video is analysed on this computer and never recorded. "
        "If the camera is blocked, allow it with the camera icon in the address bar, then press START again."
    )
    emotion_legend()


@st.fragment(run_every=1.0 if ctx.state.playing else None)
def emotion_panel() -> None:
    """Drains the callback's queue and redraws the readouts and the emotion-mix chart once a second."""
    view.drain(processor.updates)
    latest = view.latest
    if ctx.state.playing:
        st.subheader("Emotion mix, last 20 seconds")
    notice = watch.notice()
    if notice:
        level, text = notice
        (st.warning if level == "warning" else st.info)(text, icon=":material/link_off:")
    if latest is not None and latest.error:
        st.error(f"Analysis stopped: {latest.error}", icon=":material/error:")
    if ctx.state.playing and latest is not None:
        faces, speed, analysed = st.columns(3)
        faces.metric("Faces", latest.faces)
        speed.metric("Speed", f"{latest.fps:.0f}/s", help="Video pictures shown per second")
        analysed.metric("Analysed", f"{latest.frames_analyzed:,}", help="Video pictures analysed so far")
        seconds, shares = view.timeline.series()
        if seconds:
            st.plotly_chart(charts.emotion_mix(seconds, shares), key="emotion-mix")
        else:
            st.info("No face in view yet: look at the camera.", icon=":material/face:")
    elif view.people.rows:
        session_summary()
    else:
        st.info("Press START to see how the emotions in view change over time.", icon=":material/play_circle:")
    st.download_button(
        "Download the log (CSV)",
        view.log.csv,
        "fer-live-log.csv",
        "text/csv",
        disabled=latest is None,
        on_click="ignore",
        help="One row per second: pictures, faces and the average probability of each emotion.",
    )
    st.download_button(
        "Download the people (CSV)",
        lambda: view.people.summary().to_csv(index=False),
        "fer-live-people.csv",
        "text/csv",
        disabled=not view.people.rows,
        on_click="ignore",
        help="One row per person: when they were seen and the share of their time in each emotion.",
    )


def session_summary() -> None:
    """After STOP: how long the session was, and each person's emotions over it."""
    summary = view.people.summary()
    rows = view.log.rows()
    seconds = rows[-1]["second"] + 1 - rows[0]["second"] if rows else 0
    st.subheader("Your session")
    count = len(summary)
    st.write(f"{count} {'person' if count == 1 else 'people'} seen in {duration(seconds)} of video.")
    people_charts(summary, "live", per_row=1)


with side_col:
    emotion_panel()
