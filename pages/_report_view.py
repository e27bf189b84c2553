"""The Dashboard's view of an evaluation report (fer_core.evaluate output), in plain words first: how often it is
right, for each emotion, which emotions get mixed up and whether its confidence can be trusted. The experts' terms
and exact figures (precision, recall, F1, macro-F1, ECE) wait one click away, under "Details for experts"."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from fer_core import EMOTIONS
from pages import _charts as charts
from pages._ui import headline_figures


def show_report(metrics: dict, key: str, expert_notes: Sequence[str] = ()) -> None:
    """Every chart of an evaluation report; `expert_notes` are added to its details for experts."""
    figures = [
        ("Accuracy", f"{metrics['accuracy']:.1%}", "The share of faces whose emotion it named right."),
        (
            "Balanced score",
            f"{metrics['macro_f1']:.1%}",
            "Like accuracy, but every emotion counts the same, so a rare one (disgust) weighs as much as a common "
            "one (happy).",
        ),
    ]
    if "expected_calibration_error" in metrics:
        figures.append(
            (
                "Confidence off by",
                f"{metrics['expected_calibration_error']:.1%}",
                "How far the confidence it gives is from how often it is really right, on average (lower is better).",
            )
        )
    headline_figures([*figures, ("Faces scored", f"{metrics.get('n_scored', 0):,}", None)])
    if "accuracy_counting_no_face_as_wrong" in metrics and metrics.get("n_no_face"):
        st.caption(
            f"Counting the {metrics['n_no_face']} photos where it found no face as wrong answers, it is right "
            f"{metrics['accuracy_counting_no_face_as_wrong']:.1%} of the time."
        )
    _per_emotion(metrics, key)
    _mixed_up(metrics, key)
    _confidence(metrics, key)
    _skipped(metrics)
    _for_experts(metrics, expert_notes)


def _per_emotion(metrics: dict, key: str) -> None:
    st.markdown("#### How well each emotion is recognised")
    words = charts.SCORE_WORDS
    st.caption(
        f"**{words['recall'].capitalize()}**: of the faces that show an emotion, the share it names right. "
        f"**{words['precision'].capitalize()}**: when it names that emotion, how often it is right. "
        f"The **{words['f1']}** sums up both."
    )
    st.plotly_chart(charts.per_class_scores(metrics["per_class"]), key=f"{key}-per-class")


def _mixed_up(metrics: dict, key: str) -> None:
    st.markdown("#### Which emotions get mixed up")
    st.caption(
        "Each row is the emotion a face really shows; each column, what the model said. "
        "Right answers lie on the diagonal."
    )
    view = st.segmented_control(
        "Show", ["Counts", "Share of each true emotion"], default="Counts", key=f"{key}-confusion-view"
    )
    normalized = view == "Share of each true emotion"
    st.plotly_chart(charts.confusion_heatmap(metrics["confusion_matrix"], normalized), key=f"{key}-confusion")


def _confidence(metrics: dict, key: str) -> None:
    if metrics.get("reliability_bins"):
        st.markdown("#### Can its confidence be trusted?")
        st.caption(
            "Each bar groups faces the model was about equally sure of and shows how often it was right. "
            "Closer to the dashed line is better."
        )
        st.plotly_chart(charts.reliability_diagram(metrics["reliability_bins"]), key=f"{key}-reliability")
    uncertain = metrics.get("uncertain") or {}
    if uncertain.get("uncertain_share"):
        st.markdown("#### When is it unsure?")
        certain = uncertain["accuracy_when_certain"]
        st.caption(
            f"For {uncertain['uncertain_share']:.0%} of these faces the top two emotions were too close to call, "
            "so the app names both (for example *neutral or sad?*)"
            + (f"; when it names one emotion, it is right {certain:.0%} of the time." if certain is not None else ".")
        )


def _skipped(metrics: dict) -> None:
    if metrics.get("no_face") or metrics.get("unreadable"):
        with st.expander(
            f"Skipped: {metrics.get('n_no_face', 0)} without a face, {metrics.get('n_unreadable', 0)} unreadable"
        ):
            for name in metrics.get("no_face", []):
                st.write(f"No face found: {name}")
            for item in metrics.get("unreadable", []):
                st.write(f"Unreadable: {item['file']} ({item['reason']})")


def _for_experts(metrics: dict, notes: Sequence[str]) -> None:
    """The exact figures under their usual names: precision, recall, F1 per emotion, macro-F1, ECE, how it ran."""
    with st.expander("Details for experts: the scores under their usual names"):
        per_class = metrics["per_class"]
        st.dataframe(
            [
                {"emotion": e, **{m: per_class[e][m] for m in ("precision", "recall", "f1")}}
                | {"support": per_class[e]["support"]}
                for e in EMOTIONS
            ],
            hide_index=True,
            column_config={m: st.column_config.NumberColumn(m, format="%.3f") for m in ("precision", "recall", "f1")},
        )
        st.caption(_how_it_ran(metrics))
        for note in notes:
            st.caption(note)


def _how_it_ran(metrics: dict) -> str:
    parts = [f"Accuracy {metrics['accuracy']:.2%}", f"macro-F1 {metrics['macro_f1']:.3f}"]
    if metrics.get("expected_calibration_error") is not None:
        bins = len(metrics.get("reliability_bins", []))
        parts.append(f"expected calibration error (ECE, {bins} bins) {metrics['expected_calibration_error']:.3f}")
    parts.append(f"mode {metrics.get('mode', 'crops')}" + (" with 12-view TTA (--tta)" if metrics.get("tta") else ""))
    if metrics.get("model"):
        parts.append(f"model {metrics['model']}")
    if metrics.get("images_per_second"):
        parts.append(f"{metrics['images_per_second']:g} images per second")
    return ", ".join(parts) + "."
