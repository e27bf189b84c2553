"""What the Photos page shows once photos are analysed: every face at a glance, one photo up close, the table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import streamlit as st

from fer_core import EMOTIONS, export
from fer_core.annotate import annotate
from fer_core.explain import legend, overlay
from fer_core.landmarks import draw_landmarks
from fer_core.uploads import PhotoResult
from pages import _charts as charts
from pages._ui import explainer, face_mesh, model_path

DISPLAY_WIDTH = 800
"""Widest the annotated photo is shown (pixels): its text is sized for this, and the main column at a 1280-pixel
wide window holds it."""
DISPLAY_HEIGHT = 640
"""Tallest it is shown, so a portrait-format photo does not fill three screens."""

BARS_UP_TO = 3
"""Photos with more faces get no bars drawn on them (they would cover the faces); each card has its own."""

_CROP_PIXELS = 240
"""Longest side of a face's small picture: twice what a card or the overview shows, sharp on a high-density screen,
not a whole photo's worth of pixels sent to the browser per face."""

_CARD_WIDTH = 220
"""Pixels a face's card is wide: three to a row at 1280 px, two at 800, wrapping rather than squeezing the bars."""

_ORDERS = ("As in the photos", "By emotion", "Surest first")


@dataclass(frozen=True)
class View:
    """The page's display settings."""

    detector_range: str
    probabilities: bool
    explanations: bool
    landmarks: bool = False


def overview(photos: Sequence[PhotoResult]) -> None:
    """Every face of every photo as a small picture with its answer, filtered and ordered as the person asks."""
    faces = [(photo, number, face) for photo in photos for number, face in enumerate(photo.faces, start=1)]
    present = [e for e in EMOTIONS if any(face.emotion == e for _, _, face in faces)]
    st.subheader("Every face at a glance")
    left, right = st.columns([3, 2])
    shown = left.pills("Show", present, selection_mode="multi", default=present, key="overview_emotions")
    order = right.segmented_control("Order", _ORDERS, default=_ORDERS[0], key="overview_order") or _ORDERS[0]
    chosen = [item for item in faces if item[2].emotion in shown]
    if order == _ORDERS[1]:
        chosen.sort(key=lambda item: EMOTIONS.index(item[2].emotion))
    elif order == _ORDERS[2]:
        chosen.sort(key=lambda item: -item[2].confidence)
    if not chosen:
        st.info("No face shows the emotions picked above.", icon=":material/filter_alt:")
        return
    st.image(
        [export.face_crop(photo.rgb, face.box, longest=_CROP_PIXELS) for photo, _, face in chosen],
        caption=[f"{face.label} · {_short(photo.name)} #{number}" for photo, number, face in chosen],
        width=120,
    )


def _short(name: str, most: int = 14) -> str:
    """A file name cut to fit under a small picture."""
    stem = name.rsplit(".", 1)[0]
    return stem if len(stem) <= most else stem[: most - 1] + "…"


def faces_count(photo: PhotoResult) -> str:
    """ "1 face", "5 faces"."""
    return f"{len(photo.faces)} face{'s' if len(photo.faces) != 1 else ''}"


def photo_details(photo: PhotoResult, index: int, view: View) -> None:
    """One photo: annotated at display size, then a card per face (picture, answer, bars, heatmap)."""
    st.subheader(f"{photo.name}: {faces_count(photo)}")
    height, natural = photo.rgb.shape[:2]
    width = min(DISPLAY_WIDTH, natural, round(DISPLAY_HEIGHT * natural / height))
    bars = view.probabilities and len(photo.faces) <= BARS_UP_TO
    rgb = photo.rgb
    if view.landmarks:
        rgb = draw_landmarks(rgb, face_mesh().landmarks(rgb, [face.box for face in photo.faces]))
    st.image(annotate(rgb, photo.faces, bars, display_width=width), width=width)
    if view.probabilities and not bars:
        st.caption("With this many faces, each face's bars are in its card below, so the photo stays clear.")
    if not photo.faces:
        st.warning(
            "No face found. Try *Also tiny faces* under Settings, or a photo where faces look towards the camera.",
            icon=":material/face:",
        )
    cards = st.container(horizontal=True)
    for number, face in enumerate(photo.faces, start=1):
        with cards.container(border=True, width=_CARD_WIDTH):
            crop_col, chart_col = st.columns([1, 2])
            crop_col.image(export.face_crop(photo.rgb, face.box, longest=_CROP_PIXELS), width="stretch")
            crop_col.markdown(f"**Face {number}**")
            if view.probabilities:
                chart_col.plotly_chart(
                    charts.probability_bars(face.probabilities), key=f"photo{index}-face{number}", width="stretch"
                )
            if view.explanations:
                heat = explainer(view.detector_range).heatmap(face.aligned)
                chart_col.image(overlay(face.aligned, heat), caption="What the model looked at", width="stretch")
                chart_col.image(legend(), caption="blue: weighed little · red: weighed most", width="stretch")
            st.markdown(export.verdict(face))


def faces_table(photos: Sequence[PhotoResult]) -> None:
    """All faces in one table, numbers as whole percentages, and the downloads (made only when clicked)."""
    table = export.faces_table(photos)
    shown = table.assign(**{c: (table[c] * 100).round() for c in ("confidence", *EMOTIONS)})
    st.dataframe(
        shown.drop(columns=["uncertain"]),
        hide_index=True,
        column_config={
            "answer": st.column_config.TextColumn("answer", help="What the cards and the image say"),
            "confidence": st.column_config.ProgressColumn(
                "how sure", min_value=0, max_value=100, format="%d%%", color="#1f77b4"
            ),
        }
        | {emotion: st.column_config.NumberColumn(emotion, format="%d%%") for emotion in EMOTIONS},
    )


def downloads(photos: Sequence[PhotoResult], readable: Sequence[PhotoResult], probabilities: bool) -> None:
    """CSV, JSON and ZIP downloads, none rerunning (or greying out) the page when clicked. The table and details
    are small and made at once, so a click while the page is still drawing finds them; the ZIP of annotated
    images is made only when clicked."""
    csv_col, json_col, zip_col = st.columns(3)
    if any(photo.faces for photo in photos):
        csv_col.download_button(
            "Download table (CSV)", export.table_csv(photos), "faces.csv", "text/csv", on_click="ignore"
        )
        json_col.download_button(
            "Download details (JSON)",
            export.table_json(photos, model_path().name),
            "faces.json",
            "application/json",
            on_click="ignore",
        )
    if readable:
        zip_col.download_button(
            "Download annotated images (ZIP)",
            partial(export.annotated_zip, readable, probabilities),
            "annotated-photos.zip",
            "application/zip",
            on_click="ignore",
        )
