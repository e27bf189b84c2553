"""Photos: upload photos or take a snapshot; see every face, its emotion and probabilities; download the results."""

import streamlit as st

from fer_core import EMOTIONS, export
from fer_core.explain import overlay
from fer_core.uploads import analyze_photo, keep_faces
from pages import _charts as charts
from pages._server import set_up_server
from pages._ui import (
    emotion_legend,
    explainer,
    max_upload_bytes,
    model_path,
    ready_recognizer,
    where_are_the_faces,
)

set_up_server()

st.title("Photos")
st.caption("Find every face in your photos and see which of seven emotions each one shows.")

with st.expander("Settings", icon=":material/tune:"):
    detector_range = where_are_the_faces("Small faces in group photos need the slower far-range search.")
    min_score = st.slider(
        "Minimum confidence that something is a face",
        0.3,
        0.95,
        0.5,
        0.05,
        format="%.2f",
        help="Raise it if you see boxes on things that are not faces; lower it if faces are missed.",
    )
    show_probabilities = st.toggle("Show probabilities", value=True, help="Bars for all seven emotions, per face.")
    show_explanations = st.toggle(
        "Show what the model looked at",
        help="A heatmap over each face: warm colours mark the areas that weighed most in the answer.",
    )

upload_tab, camera_tab = st.tabs(["Upload photos", "Take a snapshot"])
with upload_tab:
    uploads = st.file_uploader(
        "Drag and drop photos here (JPEG, PNG, WebP, BMP, TIFF or GIF)",
        accept_multiple_files=True,
        help="Other kinds of files are checked and get a message saying why they cannot be used.",
    )
with camera_tab:
    snapshot = st.camera_input("Take a snapshot with your camera")

files = list(uploads or [])
if snapshot is not None:
    files.append(snapshot)

if not files:
    st.info(
        "Add one or more photos above, or take a snapshot, to see the emotion on every face.", icon=":material/image:"
    )
    st.stop()

cache = st.session_state.setdefault("photo_results", {})
wanted = [(f.file_id, detector_range) for f in files]
for key in set(cache) - set(wanted):
    del cache[key]
missing = [f for f in files if (f.file_id, detector_range) not in cache]
if missing:
    model = ready_recognizer(detector_range, "Photo analysis", tta=True)
    bar = st.progress(0.0, text="Starting…")
    for done, file in enumerate(missing):
        bar.progress(done / len(missing), text=f"Analysing {file.name} ({done + 1} of {len(missing)})")
        name = "snapshot.jpg" if file is snapshot else file.name
        cache[(file.file_id, detector_range)] = analyze_photo(name, file.getvalue(), model, max_upload_bytes())
    bar.empty()

photos = [keep_faces(cache[key], min_score) for key in wanted]
readable = [p for p in photos if p.error is None]
total_faces = sum(len(p.faces) for p in photos)
st.success(f"{total_faces} face{'s' if total_faces != 1 else ''} found in {len(readable)} of {len(photos)} image(s).")
emotion_legend()

for index, photo in enumerate(photos):
    st.divider()
    if photo.error:
        st.subheader(photo.name)
        st.error(f"We could not use this file: {photo.error}", icon=":material/broken_image:")
        continue
    count = len(photo.faces)
    st.subheader(f"{photo.name}: {count} face{'s' if count != 1 else ''}")
    image_col, cards_col = st.columns([3, 2])
    image_col.image(export.annotated(photo, show_probabilities), width="stretch")
    with cards_col:
        if not photo.faces:
            st.warning(
                "No face found. Try *Small or far away* in Settings, lower the minimum confidence, "
                "or use a photo where faces look towards the camera.",
                icon=":material/face:",
            )
        for number, face in enumerate(photo.faces, start=1):
            with st.container(border=True):
                crop_col, chart_col = st.columns([1, 3])
                crop_col.image(export.face_crop(photo.rgb, face.box), width="stretch")
                crop_col.markdown(f"**Face {number}**  \n{export.verdict(face)}")
                if show_explanations:
                    heat = explainer(detector_range).heatmap(face.aligned)
                    crop_col.image(overlay(face.aligned, heat), caption="What the model looked at", width="stretch")
                if show_probabilities:
                    chart_col.plotly_chart(
                        charts.probability_bars(face.probabilities), key=f"photo{index}-face{number}", width="stretch"
                    )
                else:
                    chart_col.metric("Emotion", face.label, f"{face.confidence:.0%} sure", delta_color="off")

st.divider()
st.subheader("All faces")
if total_faces:
    st.dataframe(
        export.faces_table(photos),
        hide_index=True,
        column_config={"confidence": st.column_config.ProgressColumn("confidence", min_value=0.0, max_value=1.0)}
        | {emotion: st.column_config.NumberColumn(emotion, format="percent") for emotion in EMOTIONS},
    )
else:
    st.info("No faces to list yet.")
csv_col, json_col, zip_col = st.columns(3)
if total_faces:
    csv_col.download_button("Download table (CSV)", export.table_csv(photos), "faces.csv", "text/csv")
    json_col.download_button(
        "Download details (JSON)",
        export.table_json(photos, model_path().name),
        "faces.json",
        "application/json",
    )
if readable:
    zip_col.download_button(
        "Download annotated images (ZIP)",
        export.annotated_zip(readable, show_probabilities),
        "annotated-photos.zip",
        "application/zip",
    )
