"""The Dashboard's "Batch results" tab: open what a batch run wrote (its folder, or its files uploaded) and show the
collection's emotion mix, per folder or per file, each video's people over time, and the files it refused."""

from __future__ import annotations

import streamlit as st

from fer_core import EMOTIONS, FerError
from fer_core.batch.collection import Collection, open_results, read_uploaded
from pages import _charts as charts
from pages._people import people_charts
from pages._ui import headline_figures

OPENED = "batch_results"
"""Session-state key of the open collection and what it was read from."""

MOST_GROUPS = 30
"""Most folders or files drawn in the chart; the download lists them all."""

_SOURCES = {"folder": "A folder on this computer", "upload": "Upload its files"}


def batch_results() -> None:
    """The whole tab: choose the results, then the charts of what they hold."""
    st.subheader("Results of a batch run")
    st.caption(
        "A batch analyses a whole collection of photos and videos, on this computer or on several (docs/batch.md "
        "says how). Open what it wrote to see the mix of emotions across the collection."
    )
    source = st.radio(
        "Where are the results?", list(_SOURCES), format_func=_SOURCES.get, horizontal=True, key="batch-source"
    )
    made_from = _choose(source)
    opened = st.session_state.get(OPENED)
    if made_from is None or not opened or opened["made_from"] != made_from:
        st.info("Choose the results above to see their charts.", icon=":material/folder_open:")
        return
    _show(opened["collection"])


def _choose(source: str) -> tuple | None:
    """Read the results the person points at when they ask; what they were read from, or None."""
    if source == "folder":
        folder = st.text_input("Results folder (the one given to --out)", placeholder="/data/RESULTS").strip()
        if folder and st.button("Open", type="primary"):
            _open(("folder", folder), lambda: open_results(folder))
        return ("folder", folder) if folder else None
    uploads = st.file_uploader(
        "The results folder as a ZIP, or faces.csv and files.csv",
        type=["zip", "parquet", "csv"],
        accept_multiple_files=True,
    )
    if not uploads:
        return None
    made_from = ("upload", tuple(upload.file_id for upload in uploads))
    if (st.session_state.get(OPENED) or {}).get("made_from") != made_from:
        _open(made_from, lambda: read_uploaded((upload.name, upload.getvalue()) for upload in uploads))
    return made_from


def _open(made_from: tuple, read) -> None:  # noqa: ANN001 - a function of no arguments giving a Collection
    st.session_state.pop(OPENED, None)
    try:
        with st.spinner("Reading the results…"):
            st.session_state[OPENED] = {"made_from": made_from, "collection": read()}
    except FerError as exc:
        st.error(str(exc), icon=":material/folder_off:")


def _show(collection: Collection) -> None:
    counts = collection.status_counts()
    headline_figures(
        [
            ("Files analysed", counts["analysed"], None),
            ("Without a face", counts["no face"], None),
            ("Could not be used", counts["refused"], None),
            ("Faces found", len(collection.faces), None),
        ]
    )
    if collection.faces.empty:
        st.info("No face was found in these results.", icon=":material/face:")
    else:
        _mix(collection)
        _videos(collection)
    refused = collection.refused()
    if not refused.empty:
        with st.expander(f"Files that could not be used ({len(refused)}), and why"):
            st.dataframe(refused, hide_index=True, width="stretch")


def _mix(collection: Collection) -> None:
    st.markdown("**The whole collection**")
    overall = collection.mix("all").iloc[0]
    st.plotly_chart(charts.probability_bars({e: overall[e] for e in EMOTIONS}), key="batch-overall")
    st.caption("Share of all faces found in each emotion. In a video, a face counts once for each frame looked at.")
    by = st.segmented_control("Per", ["folder", "file"], default="folder", key="batch-by") or "folder"
    mix = collection.mix(by)
    st.plotly_chart(charts.mix_by_group(mix.head(MOST_GROUPS), by), key="batch-groups")
    if len(mix) > MOST_GROUPS:
        st.caption(f"The {MOST_GROUPS} {by}s with the most faces of {len(mix)}; the download has them all.")
    st.download_button(
        f"Download the mix per {by} (CSV)",
        lambda: mix.to_csv(index_label=by).encode(),
        file_name=f"emotions_per_{by}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )


def _videos(collection: Collection) -> None:
    videos = collection.videos()
    if not videos:
        return
    st.markdown("**People in a video**")
    video = st.selectbox("Video", videos, key="batch-video")
    people = collection.people(video)
    people_charts(people, key="batch-people")
    columns = st.columns(2)
    for index, row in enumerate(people.itertuples()):
        seconds, shares = collection.timeline(video, row.person)
        with columns[index % 2]:
            st.plotly_chart(charts.emotion_mix(seconds, shares), key=f"batch-timeline-{row.person}")
            st.caption(f"Person {row.person} over the video: how sure it was of each emotion, moment by moment.")
