"""Dashboard: what the model learned from, how often it is right, and a way to score it on your own labelled faces.

Plain words on screen; the experts' terms and figures wait under expanders labelled "Details for experts".
"""

import streamlit as st

from fer_core import EMOTIONS, FerError, datasets, model_files
from pages import _charts as charts
from pages._accuracy import show_accuracy
from pages._collection_view import batch_results
from pages._evaluation_view import evaluate_your_data
from pages._report_view import show_report
from pages._server import set_up_server
from pages._ui import data_dir, emotion_legend, model_dir

set_up_server()

# (No bare strings at the top level here: Streamlit's magic would show them on the page.)
# The dataset's split folders in plain words.
SPLIT_WORDS = {"train": "training photos", "val": "test photos (kept apart)", "test": "second test photos"}

# The model card's sections an audience reads, under plainer headings; the whole card is one click away.
CARD_SECTIONS = {
    "Intended use": "What it is for",
    "Not for": "What it must not be used for",
    "Known limitations": "Where it is weak",
}

st.title("Dashboard")
st.caption(
    "What the model learned from (FER2013, a public set of 35,887 face photos from the web), how often it is "
    "right, and how it does on faces you bring."
)
emotion_legend()
st.warning(
    "**Not for judging people.** It reads facial expressions, not feelings, and it is often wrong. Never use it for "
    "decisions about someone: hiring, school, policing, health.",
    icon=":material/front_hand:",
)

model_tab, card_tab, data_tab, yours_tab, batch_tab = st.tabs(
    ["How good it is", "Model card", "What it learned from", "Evaluate on your data", "Batch results"]
)


@st.cache_data(show_spinner="Counting images…")
def _counts(folder: str) -> dict:
    return datasets.class_counts(folder)


def _read_or_explain(read, path, what: str) -> dict | None:
    """`read(path)`, or None with a message saying why when the file is there but unusable."""
    try:
        return read(path)
    except FerError as exc:
        st.error(f"{what} could not be read: {exc}")
        return None


def _for_experts(label: str, text: str) -> None:
    with st.expander(f"Details for experts: {label}"):
        st.markdown(text)


def _calibration_note(folder) -> list[str]:
    """How the model's confidence was corrected, in the experts' terms (for the report's details)."""
    calibrated = _read_or_explain(model_files.read_calibration_report, folder, "The confidence correction")
    if not calibrated:
        return []
    before, after = calibrated["val_ece_before"], calibrated["val_ece_after"]
    return [
        f"Temperature scaling fitted on {calibrated['temperature_fitted_on']}: the expected calibration error (ECE) "
        f"on val {'fell' if after < before else 'went'} from {before:.1%} to {after:.1%}."
    ]


def _scores(folder) -> None:
    metrics = _read_or_explain(model_files.read_metrics, folder / model_files.METRICS_FILE, "The saved scores")
    if not metrics:
        st.info(
            "The model has not been scored yet: its accuracy charts appear here once it has been.",
            icon=":material/hourglass_top:",
        )
        _for_experts(
            "how to score it",
            "When training has finished, run `python -m fer_core evaluate <validation folder> --crops "
            "--out models/metrics.json`.",
        )
        return
    st.subheader("How accurate is it on test photos?")
    st.caption(
        f"Scored on {metrics.get('n_scored', 0):,} test photos, kept apart from training: the model never saw them."
    )
    try:
        several_views = model_files.read_metrics(folder / model_files.METRICS_TTA_FILE)
    except FerError:
        several_views = None
    if several_views:
        st.caption(
            f"These scores are for one look at each face, as on the Live page. The Photos page also looks at "
            f"each face mirrored, shifted and zoomed (12 views) and averages the answers: "
            f"{several_views['accuracy']:.1%} right on the same faces, against {metrics['accuracy']:.1%}."
        )
    show_report(metrics, key="model", expert_notes=_calibration_note(folder))


def _training(folder) -> None:
    st.subheader("How training went")
    history = model_files.read_history(folder / model_files.HISTORY_FILE)
    if not history:
        st.info("No training history yet: it appears here once the model has been trained.", icon=":material/timeline:")
        return
    st.caption(
        "The model learned in rounds, going over all its training photos once per round. It always does better on "
        "the photos it learned from than on new ones; what counts is the score on new photos, the solid line."
    )
    if model_files.continues_earlier_training(folder):
        st.caption(
            "This model was trained in stages, each starting from the one before; the chart shows the last "
            "stage, which is why it starts high. The model card lists every stage."
        )
    st.plotly_chart(charts.training_curves(history), key="history")
    with st.expander("Details for experts: loss per epoch"):
        st.caption(
            "Training (train) and validation (val, FER2013's PublicTest split) loss after each epoch. The accuracy "
            "chart above compares predictions with the training targets (with FER+ votes, mostly the crowd's "
            "choice), so its val line differs from the scores measured against FER2013's labels."
        )
        st.plotly_chart(charts.training_curves(history, "loss"), key="history-loss")


def _card_sections(card: str) -> dict[str, str]:
    """The card's `## ` sections by heading."""
    sections, heading = {}, None
    for line in card.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            sections[heading] = []
        elif heading:
            sections[heading].append(line)
    return {heading: "\n".join(lines).strip() for heading, lines in sections.items()}


def _card(folder) -> None:
    card = model_files.read_model_card(folder)
    if not card:
        st.info("The model card has not been written yet: it is the model's fact sheet.", icon=":material/badge:")
        _for_experts("how to write it", "Run `python -m fer_core.training card`.")
        return
    st.caption("The model card is the model's fact sheet: what it is for, what not, and where it is weak.")
    sections = _card_sections(card)
    for heading, plain in CARD_SECTIONS.items():
        if sections.get(heading):
            st.markdown(f"#### {plain}")
            st.markdown(sections[heading])
    with st.expander("Details for experts: the whole model card"):
        st.markdown(card)


def _dataset(root) -> None:
    counts = _counts(str(root))
    if not counts:
        st.info("The training photos (FER2013) are not on this computer, so they cannot be shown here.")
        _for_experts(
            "where to put them",
            "Put them in `../shared/data/fer2013` (folders train/ and val/, one folder per emotion) or set "
            "`FER_DATA_DIR`, then reload.",
        )
        return
    plain = {SPLIT_WORDS.get(split, split): per_class for split, per_class in counts.items()}
    total = sum(sum(c.values()) for c in counts.values())
    st.subheader("What the model learned from")
    st.caption(
        f"{total:,} small grey face photos from FER2013, each labelled with one emotion by one person. The model "
        "learned from the training photos; the test photos were kept apart to score it on faces it never saw."
    )
    st.plotly_chart(charts.class_distribution(plain), key="distribution")
    st.dataframe(
        [{"photos": name, **per_class, "total": sum(per_class.values())} for name, per_class in plain.items()],
        hide_index=True,
    )
    st.subheader("Examples of each emotion")
    samples = datasets.sample_faces(root, per_class=10)
    for emotion in EMOTIONS:
        if samples[emotion]:
            st.markdown(f"**{emotion}**")
            st.image([str(p) for p in samples[emotion]], width=64)


with model_tab:
    accuracy = _read_or_explain(model_files.read_accuracy, model_dir(), "The accuracy report")
    if accuracy:
        st.subheader("Does it agree with people?")
        show_accuracy(accuracy)
    _scores(model_dir())
    _training(model_dir())

with card_tab:
    _card(model_dir())

with data_tab:
    _dataset(data_dir())

with yours_tab:
    evaluate_your_data()

with batch_tab:
    batch_results()
