"""The Dashboard's "Does it agree with people?" view of the accuracy report (models/accuracy.json)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fer_core import EMOTIONS


def show_accuracy(report: dict) -> None:
    """Three plain figures (agreement with ten-person votes, with the dataset's labels, on real photos), then the
    details by emotion, for experts, one click away."""
    val, wild = report["val"]["single"], report["wild_dev"]
    wild_photos = wild["tta12"]["all"]
    crowd, labels, photos = st.columns(3)
    crowd.metric(
        "Agrees with people",
        f"{val['ferplus_majority']['accuracy']:.0%}",
        help="On test photos where at least 5 of 10 people named the same emotion: how often the model names it too.",
    )
    labels.metric(
        "Matches the label",
        f"{val['fer2013']['accuracy']:.0%}",
        help="The label each test photo came with, given by one person; other people often disagree with it.",
    )
    photos.metric(
        "On real photos",
        f"{wild_photos['accuracy']:.0%}",
        help=f"{wild_photos['n']} news and film photos, analysed as the Photos page does (labels by one student each).",
    )
    st.caption(
        "People themselves often disagree about which emotion a face shows, so no one, and no model, gets every face "
        '"right". Test photos were kept apart from training: the model never learned from them.'
    )
    with st.expander("Details for experts: real photos, emotion by emotion"):
        table = pd.DataFrame(
            {
                "faces": [wild_photos["support"][e] for e in EMOTIONS],
                "found right (one look)": [wild["single"]["all"]["recall"][e] for e in EMOTIONS],
                "found right (12 views)": [wild_photos["recall"][e] for e in EMOTIONS],
            },
            index=list(EMOTIONS),
        )
        percent = st.column_config.NumberColumn(format="percent")
        st.dataframe(table, column_config=dict.fromkeys(table.columns[1:], percent))
        st.caption(
            f"Macro-F1 {wild_photos['macro_f1']:.2f} with 12 views, {wild['single']['all']['macro_f1']:.2f} with one "
            f"look; {len(wild['no_face'])} of {wild['n_photos']} photos had no face found.{_many_photos(wild)} "
            f"Figures from `{report['command']}` on {report['date'][:10]}."
        )


def _many_photos(wild: dict) -> str:
    """Sentences on the people with many of the photos, whose faces can sway a small set's score."""
    return "".join(
        f" {person['faces']} faces are one person ({person['person'].replace('_', ' ')}): right on "
        f"{person['accuracy']:.0%} of them, on {person['accuracy_without']:.0%} of everyone else's."
        for person in wild.get("most_photographed", {}).get("tta12", [])
    )
