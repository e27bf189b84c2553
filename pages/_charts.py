"""Plotly figures shared by the pages, all coloured with labels.COLORS so an emotion looks the same everywhere."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from fer_core.labels import COLORS, EMOTIONS

_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "template": "plotly_white"}


def probability_bars(probabilities: Mapping[str, float], height: int = 230) -> go.Figure:
    """Horizontal bars of one face's seven probabilities, most probable emotion highlighted by its colour."""
    values = [probabilities[e] for e in EMOTIONS]
    figure = go.Figure(
        go.Bar(
            x=values,
            y=list(EMOTIONS),
            orientation="h",
            marker_color=[COLORS[e] for e in EMOTIONS],
            text=[f"{v:.0%}" for v in values],
            textposition="outside",
            hovertemplate="%{y}: %{x:.1%}<extra></extra>",
        )
    )
    figure.update_layout(height=height, showlegend=False, **{**_LAYOUT, "margin": {"l": 10, "r": 10, "t": 10, "b": 10}})
    figure.update_xaxes(range=[0, 1.15], tickformat=".0%", showgrid=False, visible=False)
    figure.update_yaxes(autorange="reversed")
    return figure


def class_distribution(counts: Mapping[str, Mapping[str, int]]) -> go.Figure:
    """Images per emotion, one group of bars per split (e.g. train and val); splits told apart by pattern."""
    figure = go.Figure()
    patterns = ["", "/", "."]
    for i, (split, per_class) in enumerate(counts.items()):
        figure.add_bar(
            name=split,
            x=list(EMOTIONS),
            y=[per_class.get(e, 0) for e in EMOTIONS],
            marker_color=[COLORS[e] for e in EMOTIONS],
            marker_pattern_shape=patterns[i % len(patterns)],
            hovertemplate=f"{split} %{{x}}: %{{y}} images<extra></extra>",
        )
    figure.update_layout(barmode="group", title="Images per emotion", yaxis_title="images", **_LAYOUT)
    return figure


def per_class_scores(per_class: Mapping[str, Mapping[str, float]]) -> go.Figure:
    """Precision, recall and F1 per emotion as grouped bars (emotion colour, metric told apart by pattern)."""
    figure = go.Figure()
    for metric, pattern in (("precision", "/"), ("recall", "."), ("f1", "")):
        figure.add_bar(
            name=metric if metric != "f1" else "F1",
            x=list(EMOTIONS),
            y=[per_class[e][metric] for e in EMOTIONS],
            marker_color=[COLORS[e] for e in EMOTIONS],
            marker_pattern_shape=pattern,
            hovertemplate=f"%{{x}} {metric}: %{{y:.1%}}<extra></extra>",
        )
    figure.update_layout(barmode="group", title="Scores per emotion", **_LAYOUT)
    figure.update_yaxes(range=[0, 1], tickformat=".0%")
    return figure


def confusion_heatmap(matrix: Sequence[Sequence[int]], normalized: bool) -> go.Figure:
    """Confusion matrix (rows: true emotion, columns: predicted); normalized shows each row as shares of that class."""
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
            hovertemplate="true %{y}, predicted %{x}: %{text}<extra></extra>",
            showscale=False,
        )
    )
    figure.update_layout(title="Confusion matrix", height=460, **_LAYOUT)
    figure.update_xaxes(title="predicted", side="bottom")
    figure.update_yaxes(title="true", autorange="reversed")
    return figure


def training_curves(history: Sequence[Mapping[str, float]]) -> go.Figure:
    """Accuracy and loss per epoch, training vs. validation, side by side."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=("Accuracy", "Loss"))
    epochs = [int(row["epoch"]) + 1 for row in history]
    for col, metric in ((1, "accuracy"), (2, "loss")):
        for prefix, name, dash in (("", "training", "dot"), ("val_", "validation", "solid")):
            key = prefix + metric
            if history and key in history[0]:
                figure.add_scatter(
                    x=epochs,
                    y=[row[key] for row in history],
                    name=name,
                    line={"dash": dash, "color": "#1f3b73" if prefix else "#7a8cb3"},
                    showlegend=col == 1,
                    row=1,
                    col=col,
                )
    figure.update_xaxes(title="epoch")
    figure.update_yaxes(tickformat=".0%", row=1, col=1)
    figure.update_layout(title="Training curves", height=360, **_LAYOUT)
    return figure


def reliability_diagram(bins: Sequence[Mapping], ece: float) -> go.Figure:
    """Accuracy against confidence per confidence bin, with the diagonal a perfectly calibrated model would follow."""
    used = [b for b in bins if b["count"]]
    centers = [(b["lower"] + b["upper"]) / 2 for b in used]
    figure = go.Figure()
    figure.add_bar(
        x=centers,
        y=[b["accuracy"] for b in used],
        width=[b["upper"] - b["lower"] for b in used],
        name="accuracy in bin",
        marker_color="#1f77b4",
        customdata=[[b["count"], b["confidence"]] for b in used],
        hovertemplate="confidence %{customdata[1]:.0%}: accuracy %{y:.0%} (%{customdata[0]} faces)<extra></extra>",
    )
    figure.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect calibration", line={"dash": "dash"})
    figure.update_layout(title=f"Reliability (calibration error {ece:.1%})", **_LAYOUT)
    figure.update_xaxes(title="confidence", range=[0, 1], tickformat=".0%")
    figure.update_yaxes(title="accuracy", range=[0, 1], tickformat=".0%")
    return figure


def emotion_mix(seconds: Sequence[float], shares: Mapping[str, Sequence[float]]) -> go.Figure:
    """Stacked area of the average emotion probabilities over time (x: seconds since start)."""
    figure = go.Figure()
    for emotion in EMOTIONS:
        figure.add_scatter(
            x=list(seconds),
            y=list(shares[emotion]),
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
