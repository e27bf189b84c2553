"""Video: upload a recording; everyone in it is followed and gets a timeline of their emotions."""

import threading

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from fer_core import EMOTIONS, FerError
from fer_core.video import VIDEO_TYPES, StopAnalysis, VideoAnalysis, VideoProgress, analyze_upload
from pages import _charts as charts
from pages._examples import ExampleFile, example_video
from pages._people import duration, pace, person_line
from pages._server import set_up_server
from pages._synced_player import synced_player
from pages._ui import emotion_legend, max_upload_bytes, recognizer, warmed_up, where_are_the_faces

set_up_server()

st.title("Video")
st.caption(
    "Upload a recording, such as an ad test, a lecture or a user-study session: everyone in it is followed "
    "through the video and gets a timeline of their emotions."
)

with st.expander("Settings", icon=":material/tune:"):
    detector_range = where_are_the_faces(
        "Faces far from the camera, such as an audience filmed from the back, need one of the slower searches.",
        default="near",
    )
    every = st.select_slider(
        "Analyse",
        options=[1, 2, 3, 5, 10],
        format_func=lambda n: "every frame" if n == 1 else f"1 frame in {n}",
        help="Skipping frames makes long videos quicker; emotions rarely change within a tenth of a second.",
    )
    show_probabilities = st.toggle(
        "Show probability bars on the video", value=True, help="Bars for all seven emotions under each face."
    )

upload = st.file_uploader(
    f"Drag and drop a video here ({', '.join(t.upper() for t in VIDEO_TYPES)})",
    help="Other kinds of files are checked and get a message saying why they cannot be used.",
)
if st.toggle(
    "No video at hand? Use the example video", key="use_example_video", help="Six seconds across a meeting of five"
):
    upload = upload or example_video()
if upload is None:
    st.info(
        "Add a video above, or use the example, to see how each person's emotions change through it.",
        icon=":material/movie:",
    )
    st.stop()

job = (upload.file_id, detector_range, every, show_probabilities)
# Plain dicts in the session: filling them needs no Streamlit call, so a result is kept even while Streamlit is
# stopping the run (a click during the analysis), when every Streamlit call, session_state included, raises. The
# click's own run starts at once, beside the stopping one: it waits for that one's (partial) result.
results: dict = st.session_state.setdefault("video_results", {})
running: dict[tuple, threading.Event] = st.session_state.setdefault("video_running", {})
if job in running:
    running[job].wait(timeout=60)


def _analyse_again() -> None:
    results.pop(job, None)


if job not in results:
    placeholder = st.empty()
    with placeholder.container():
        bar = st.progress(0.0, text="Loading the video…")
        st.button("Stop here", icon=":material/stop_circle:", help="Keep and show what was analysed so far")
    interrupted: list[BaseException] = []

    def show(progress: VideoProgress) -> None:
        """Move the bar; a click anywhere (Streamlit interrupts the run) stops the analysis where it is."""
        left = progress.seconds_left
        text = f"Frame {progress.done:,} of {progress.total:,}"
        try:
            bar.progress(progress.fraction, text=text + (f", about {duration(left)} left" if left else ""))
        except ScriptControlException as interrupt:
            interrupted.append(interrupt)
            raise StopAnalysis from interrupt

    results.clear()
    finished = running[job] = threading.Event()
    try:
        model = warmed_up(recognizer(detector_range))
        data = upload.getvalue() if isinstance(upload, ExampleFile) else upload  # an upload is read as a file
        results[job] = analyze_upload(upload.name, data, model, max_upload_bytes(), every, show_probabilities, show)
    except FerError as exc:
        results[job] = str(exc)
    finally:
        running.pop(job, None)
        finished.set()
    if interrupted:
        raise interrupted[0]
    placeholder.empty()

analysis: VideoAnalysis | str = results[job]
if isinstance(analysis, str):
    st.error(f"We could not use this video: {analysis}", icon=":material/broken_image:")
    st.stop()

people = analysis.people
st.success(
    f"{len(people)} {'person' if len(people) == 1 else 'people'} followed through {duration(analysis.covered)} "
    f"of video, analysed in {duration(analysis.seconds)} ({pace(analysis.realtime_factor)})."
)
for note in analysis.notes():
    st.info(note, icon=":material/info:")
if analysis.stopped_at is not None:
    st.button("Analyse the whole video", on_click=_analyse_again, icon=":material/replay:")
emotion_legend()

video_col, summary_col = st.columns([3, 2], gap="large")
with video_col:
    synced_player(analysis.annotated, analysis.faces, analysis.covered, analysis.step)
video_col.caption(
    "Each face is numbered as in the timelines below. Under the video, each person's emotion over time: the dark "
    "line follows the video, and a click on a lane jumps there."
)
download_csv, download_video = video_col.columns(2)
download_csv.download_button(
    "Download the timeline (CSV)", analysis.csv(), "emotions.csv", "text/csv", on_click="ignore"
)
download_video.download_button(
    "Download the annotated video", analysis.annotated, "annotated.mp4", "video/mp4", on_click="ignore"
)

summary = analysis.summary()
with summary_col:
    st.subheader("Summary")
    if not people:
        st.warning(
            "No face was found in any frame. Try *Near or far* in Settings, "
            "or a video where faces look towards the camera.",
            icon=":material/face:",
        )
    for row in summary.itertuples():
        st.markdown(person_line(row))

if people:
    st.markdown("#### Share of each person's time on screen spent in each emotion")
    st.dataframe(
        summary.assign(**{e: (summary[e] * 100).round() for e in EMOTIONS}),  # whole percentages, as on Photos
        hide_index=True,
        column_config={
            "person": st.column_config.NumberColumn("Person"),
            "first_seen": st.column_config.NumberColumn("From", format="%.1f s"),
            "last_seen": st.column_config.NumberColumn("To", format="%.1f s"),
            "seconds": st.column_config.NumberColumn("On screen", format="%.1f s"),
            "dominant": st.column_config.TextColumn("Mostly"),
        }
        | {e: st.column_config.NumberColumn(e, format="%d%%") for e in EMOTIONS},
    )

for row in summary.itertuples():
    st.divider()
    st.subheader(f"Person {row.person}")
    timeline_col, share_col = st.columns([2, 1])
    seconds, shares = analysis.timeline(row.person)
    timeline_col.markdown("**Emotions over time**")
    timeline_col.plotly_chart(charts.emotion_mix(seconds, shares), key=f"timeline-{row.person}")
    share_col.markdown("**Share of time on screen**")
    share_col.plotly_chart(charts.probability_bars({e: getattr(row, e) for e in EMOTIONS}), key=f"shares-{row.person}")
