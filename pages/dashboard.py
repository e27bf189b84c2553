"""Dashboard: the training data, how good the model is, and a way to score it on your own labelled faces."""

import tempfile

import streamlit as st

from fer_core import EMOTIONS, FerError, datasets, model_files
from fer_core.archive import extract_dataset
from fer_core.evaluate import evaluate
from pages import _charts as charts
from pages._accuracy import show_accuracy
from pages._server import set_up_server
from pages._ui import data_dir, emotion_legend, model_dir, progress_callback, recognizer, show_report

set_up_server()

st.title("Dashboard")
st.caption("What the model learned from, how accurate it is, and how it does on faces you bring.")
emotion_legend()

model_tab, card_tab, data_tab, yours_tab = st.tabs(["Model", "Model card", "Dataset", "Evaluate on your data"])


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


with model_tab:
    folder = model_dir()
    metrics = _read_or_explain(model_files.read_metrics, folder / model_files.METRICS_FILE, "The saved scores")
    if metrics:
        st.subheader("How accurate is the model?")
        st.caption(f"Scored on {metrics.get('n_scored', 0):,} faces the model never saw during training.")
        show_report(metrics, key="model")
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
        calibrated = _read_or_explain(model_files.read_calibration_report, folder, "The confidence calibration")
        if calibrated:
            before, after = calibrated["val_ece_before"], calibrated["val_ece_after"]
            st.caption(
                f"The model's raw confidence was corrected on {calibrated['temperature_fitted_on']}: its "
                f"calibration error on these faces {'fell' if after < before else 'went'} from {before:.1%} "
                f"to {after:.1%}."
            )
    else:
        st.info(
            "The model has not been scored yet. When training has finished, run "
            "`python -m fer_core evaluate <validation folder> --crops --out models/metrics.json` "
            "and its accuracy charts appear here.",
            icon=":material/hourglass_top:",
        )
    accuracy = _read_or_explain(model_files.read_accuracy, folder, "The accuracy report")
    if accuracy:
        st.subheader("Does it agree with people?")
        show_accuracy(accuracy)
    st.subheader("How training went")
    history = model_files.read_history(folder / model_files.HISTORY_FILE)
    if history:
        st.caption("Accuracy should rise and loss fall; a gap between the lines means the model memorises.")
        if model_files.continues_earlier_training(folder):
            st.caption(
                "This model was trained in stages, each starting from the one before; the chart shows the last "
                "stage, which is why it starts high. The model card lists every stage."
            )
        st.plotly_chart(charts.training_curves(history), key="history")
    else:
        st.info("No training history yet: it appears here once the model has been trained.", icon=":material/timeline:")

with card_tab:
    card = model_files.read_model_card(model_dir())
    if card:
        st.markdown(card)
    else:
        st.info(
            "The model card has not been written yet: run `python -m fer_core.training card`.", icon=":material/badge:"
        )

with data_tab:
    root = data_dir()
    counts = _counts(str(root))
    if not counts:
        st.info(
            "The training images (FER2013) are not on this computer. Put them in `../shared/data/fer2013` "
            "(folders train/ and val/, one folder per emotion) or set `FER_DATA_DIR`, then reload.",
            icon=":material/folder_off:",
        )
    else:
        total = sum(sum(c.values()) for c in counts.values())
        st.subheader("What the model learned from")
        st.caption(f"{total:,} small grey face images, each labelled with one emotion.")
        st.plotly_chart(charts.class_distribution(counts), key="distribution")
        st.dataframe(
            [{"split": split, **per_class, "total": sum(per_class.values())} for split, per_class in counts.items()],
            hide_index=True,
        )
        st.subheader("Examples of each emotion")
        samples = datasets.sample_faces(root, per_class=10)
        for emotion in EMOTIONS:
            if samples[emotion]:
                st.markdown(f"**{emotion}**")
                st.image([str(p) for p in samples[emotion]], width=64)

with yours_tab:
    st.subheader("Evaluate on your data")
    st.caption(
        "Upload a ZIP with one folder per emotion (angry, disgust, fear, happy, sad, surprise, neutral) "
        "holding face images, or a FER2013-style CSV (emotion, pixels, Usage)."
    )
    upload = st.file_uploader("Labelled faces (.zip or .csv)", type=["zip", "csv"])
    crops = (
        st.radio(
            "What are the images?",
            ["crops", "photos"],
            format_func={
                "crops": "Face crops (the face fills the image)",
                "photos": "Photos (we find the largest face first)",
            }.get,
            horizontal=True,
        )
        == "crops"
    )
    if upload is None:
        st.info("Upload a file to see the same charts for your faces.", icon=":material/upload_file:")
    elif st.button("Evaluate", type="primary"):
        bar = st.progress(0.0, text="Unpacking…")
        try:
            with tempfile.TemporaryDirectory(prefix="fer-eval-") as temp:
                dataset = extract_dataset(upload.name, upload.getvalue(), temp)
                model = recognizer("auto" if not crops else "near")
                st.session_state["your_report"] = evaluate(dataset, model, crops=crops, progress=progress_callback(bar))
            bar.empty()
        except FerError as exc:
            bar.empty()
            st.session_state.pop("your_report", None)
            st.error(str(exc), icon=":material/error:")
    if upload is not None and st.session_state.get("your_report"):
        show_report(st.session_state["your_report"], key="yours")
