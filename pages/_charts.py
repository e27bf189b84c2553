"""Plotly figures shared by the pages, all coloured with labels.COLORS so an emotion looks the same everywhere."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from fer_core.labels import COLORS, EMOTIONS

_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "template": "plotly_white"}

_LEGEND_BELOW = {"orientation": "h", "y": -0.15, "yanchor": "top", "x": 0}
"""Legends go under the chart: beside the title they overlap it in a window 800 px wide."""


def probability_bars(probabilities: Mapping[str, float], height: int = 230) -> go.Figure:
    """Horizontal bars of one face's seven probabilities, each labelled "sad 65%" on its left: in a narrow card a
    number drawn after a long bar would fall off the chart's edge (Streamlit's theme leaves no right margin)."""
    values = [probabilities[e] for e in EMOTIONS]
    figure = go.Figure(
        go.Bar(
            x=values,
            y=[f"{emotion} {value:.0%}" for emotion, value in zip(EMOTIONS, values, strict=True)],
            orientation="h",
            marker_color=[COLORS[e] for e in EMOTIONS],
            hovertemplate="%{y}<extra></extra>",
        )
    )
    figure.update_layout(height=height, showlegend=False, **{**_LAYOUT, "margin": {"l": 10, "r": 10, "t": 10, "b": 10}})
    figure.update_xaxes(range=[0, 1], showgrid=False, visible=False)
    figure.update_yaxes(autorange="reversed")
    return figure


def class_distribution(counts: Mapping[str, Mapping[str, int]]) -> go.Figure:
    """Images per emotion, one group of bars per set of photos (named by the caller); sets told apart by pattern."""
    figure = go.Figure()
    patterns = ["", "/", "."]
    for i, (split, per_class) in enumerate(counts.items()):
        figure.add_bar(
            name=split,
            x=list(EMOTIONS),
            y=[per_class.get(e, 0) for e in EMOTIONS],
            marker_color=[COLORS[e] for e in EMOTIONS],
            marker_pattern_shape=patterns[i % len(patterns)],
            hovertemplate=f"{split}, %{{x}}: %{{y}} photos<extra></extra>",
        )
    figure.update_layout(barmode="group", title="Photos per emotion", yaxis_title="photos", **_LAYOUT)
    figure.update_layout(legend=_LEGEND_BELOW)
    return figure


SCORE_WORDS = {"recall": "found", "precision": "right when it says so", "f1": "balanced score"}
"""Plain names for recall, precision and F1, as the per-emotion chart and its caption use them."""


def per_class_scores(per_class: Mapping[str, Mapping[str, float]]) -> go.Figure:
    """Recall, precision and F1 per emotion, in plain words, as grouped bars (emotion colour, score by pattern)."""
    figure = go.Figure()
    for metric, pattern in (("recall", "."), ("precision", "/"), ("f1", "")):
        figure.add_bar(
            name=SCORE_WORDS[metric],
            x=list(EMOTIONS),
            y=[per_class[e][metric] for e in EMOTIONS],
            marker_color=[COLORS[e] for e in EMOTIONS],
            marker_pattern_shape=pattern,
            hovertemplate=f"%{{x}}, {SCORE_WORDS[metric]}: %{{y:.0%}}<extra></extra>",
        )
    figure.update_layout(barmode="group", title="Scores per emotion", **_LAYOUT)
    figure.update_layout(legend=_LEGEND_BELOW)
    figure.update_yaxes(range=[0, 1], tickformat=".0%")
    return figure


def confusion_heatmap(matrix: Sequence[Sequence[int]], normalized: bool) -> go.Figure:
    """Which emotions get mixed up (rows: true emotion, columns: the model's answer); normalized shows each row as
    shares of that true emotion."""
    counts = np.asarray(matrix, dtype=np.float64)
    if normalized:
        totals = counts.sum(axis=1, keepdims=True)
        values = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
        text = [[f"{v:.0%}" for v in row] for row in values]
    else:
        values = counts
        text = [[f"{int(v)}" for v in row] for row in values]
    figure = go.Figure(
        go.Heatmap(
            z=values,
            x=list(EMOTIONS),
            y=list(EMOTIONS),
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            hovertemplate="true %{y}, it said %{x}: %{text}<extra></extra>",
            showscale=False,
        )
    )
    figure.update_layout(title="What it said for each true emotion", height=460, **_LAYOUT)
    figure.update_xaxes(title="the model said", side="bottom")
    figure.update_yaxes(title="true emotion", autorange="reversed")
    return figure


_CURVES = {
    "accuracy": ("Right answers during training", "training round", "new photos", "photos it learned from"),
    "loss": ("Loss per epoch", "epoch", "val", "train"),
}
"""Per measure: the chart's title, its x axis and the names of its two lines (the accuracy chart is in plain words,
the loss chart is for experts)."""


def training_curves(history: Sequence[Mapping[str, float]], metric: str = "accuracy") -> go.Figure:
    """One measure per training round: on new photos kept apart from training (solid, what counts) and on the
    photos it learned from (dotted)."""
    title, x_title, new, learned = _CURVES[metric]
    rounds = [int(row["epoch"]) + 1 for row in history]
    figure = go.Figure()
    for prefix, name, dash, width in (("val_", new, "solid", 3), ("", learned, "dot", 2)):
        if history and prefix + metric in history[0]:
            figure.add_scatter(
                x=rounds,
                y=[row[prefix + metric] for row in history],
                name=name,
                mode="lines+markers",
                line={"dash": dash, "color": "#1f3b73" if prefix else "#7a8cb3", "width": width},
            )
    figure.update_xaxes(title=x_title, dtick=1 if len(rounds) <= 20 else None)
    if metric == "accuracy":  # the whole scale, so the gap between the lines looks as big as it is
        figure.update_yaxes(tickformat=".0%", range=[0, 1.02])
    figure.update_layout(title=title, height=340, **_LAYOUT)
    figure.update_layout(legend={**_LEGEND_BELOW, "y": -0.4})  # under the x axis's title in this short chart
    return figure


def reliability_diagram(bins: Sequence[Mapping]) -> go.Figure:
    """How often it was right against how sure it was, per confidence bin, with the diagonal a model whose
    confidence matched reality would follow (the average gap is the report's "Confidence off by" figure). Title
    short and legend below, so neither is cut or overlaps the bars in a window 800 px wide."""
    used = [b for b in bins if b["count"]]
    centers = [(b["lower"] + b["upper"]) / 2 for b in used]
    figure = go.Figure()
    figure.add_bar(
        x=centers,
        y=[b["accuracy"] for b in used],
        width=[b["upper"] - b["lower"] for b in used],
        name="how often it was right",
        marker_color="#1f77b4",
        customdata=[[b["count"], b["confidence"]] for b in used],
        hovertemplate="%{customdata[0]} faces it was %{customdata[1]:.0%} sure of: right %{y:.0%}<extra></extra>",
    )
    figure.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="as sure as it is right", line={"dash": "dash"})
    figure.update_layout(title="How sure it was, and how often it was right", **_LAYOUT)
    figure.update_layout(legend=_LEGEND_BELOW)
    figure.update_xaxes(title="how sure it was", range=[0, 1], tickformat=".0%")
    figure.update_yaxes(title="how often it was right", range=[0, 1], tickformat=".0%")
    return figure


def emotion_mix(seconds: Sequence[float], shares: Mapping[str, Sequence[float]]) -> go.Figure:
    """Stacked area of the average emotion probabilities over time (x: seconds since start)."""
    figure = go.Figure()
    for emotion in EMOTIONS:
        figure.add_scatter(
            x=np.asarray(seconds, float),
            y=np.asarray(shares[emotion], float),
            name=emotion,
            mode="lines",
            stackgroup="mix",
            line={"color": COLORS[emotion], "width": 0.5},
            hovertemplate=f"{emotion} %{{y:.0%}}<extra></extra>",
        )
    figure.update_layout(height=320, legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"}, **_LAYOUT)
    figure.update_xaxes(title="seconds")
    figure.update_yaxes(range=[0, 1], tickformat=".0%")
    return figure


def mix_by_group(mix: pd.DataFrame, noun: str) -> go.Figure:
    """One stacked bar per group (a file or a folder, `noun`) of the share of its faces in each emotion, the
    groups in the table's order from the top; `mix` as fer_core.batch.collection.Collection.mix gives it."""
    figure = go.Figure()
    names = [str(name) for name in mix.index]
    for emotion in EMOTIONS:
        figure.add_bar(
            name=emotion,
            x=mix[emotion].tolist(),
            y=names,
            orientation="h",
            marker_color=COLORS[emotion],
            customdata=mix["faces"].tolist(),
            hovertemplate=f"%{{y}}: {emotion} %{{x:.0%}} of %{{customdata}} faces<extra></extra>",
        )
    height = 120 + 28 * len(names)
    figure.update_layout(barmode="stack", height=height, title=f"Emotions per {noun}", **_LAYOUT)
    figure.update_layout(
        margin={**_LAYOUT["margin"], "t": 80},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left", "traceorder": "normal"},
    )
    figure.update_xaxes(range=[0, 1], tickformat=".0%", title="share of the faces found")
    figure.update_yaxes(autorange="reversed", automargin=True)
    return figure
