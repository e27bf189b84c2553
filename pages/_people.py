"""How the Video and Live pages word a person's summary: when they were seen and which emotion they mostly showed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fer_core import EMOTIONS
from pages import _charts as charts


def duration(seconds: float) -> str:
    """A length of time for people: "4.2 s", "42 s" or "3 min 5 s"."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def pace(realtime_factor: float) -> str:
    """How analysis speed compares with watching: "3.2 times as fast as playing it" or "2.0 times as long"."""
    if realtime_factor >= 1:
        return f"{realtime_factor:.1f} times as fast as playing it"
    return f"{1 / max(realtime_factor, 1e-9):.1f} times as long as playing it"


def person_line(row) -> str:  # noqa: ANN001 - a row of fer_core.video.summary's table (itertuples)
    """ "Person 1: mostly happy (64% of the time), on screen 42 s between 0.0 s and 41.9 s." """
    return (
        f"**Person {row.person}**: mostly **{row.dominant}** ({getattr(row, row.dominant):.0%} of the time), "
        f"on screen {duration(row.seconds)} between {row.first_seen:.1f} s and {row.last_seen:.1f} s."
    )


def people_charts(summary: pd.DataFrame, key: str, per_row: int = 2) -> None:
    """Each person's line and the share of their time in each emotion, `per_row` people side by side."""
    columns = st.columns(per_row)
    for index, row in enumerate(summary.itertuples()):
        with columns[index % per_row].container(border=True):
            st.markdown(person_line(row))
            shares = {emotion: getattr(row, emotion) for emotion in EMOTIONS}
            st.plotly_chart(charts.probability_bars(shares), key=f"{key}-person{row.person}", width="stretch")
