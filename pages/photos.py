"""Photos: upload photos, take a snapshot or try the examples; see every face, its emotion and probabilities."""

import streamlit as st

from fer_core.uploads import analyze_photo, keep_faces
from pages import _photo_views as show
from pages._examples import example_photos
from pages._server import set_up_server
from pages._ui import emotion_legend, max_upload_bytes, ready_recognizer, where_are_the_faces

set_up_server()

st.title("Photos")
st.caption("Find every face in your photos and see which of seven emotions each one shows.")

with st.expander("Settings", icon=":material/tune:"):
    detector_range = where_are_the_faces("Choose 'Also tiny faces' for crowds where faces are only a few pixels.")
    min_score = st.slider(
        "How sure it must be that something is a face",
        0.3,
        0.95,
        0.5,
        0.05,
        format="%.2f",
        help="Raise it if you see boxes on things that are not faces; lower it if faces are missed.",
    )
    view = show.View(
        detector_range,
        st.toggle("Show probabilities", value=True, help="Bars for all seven emotions, per face."),
        st.toggle(
            "Show what the model looked at",
            help="A heatmap over each face: warm colours mark the areas that weighed most in the answer.",
        ),
        st.toggle("Show face landmarks", help="The 468 points the face mesh finds on each face: eyes, brows, lips."),
    )

upload_tab, camera_tab, example_tab = st.tabs(["Upload photos", "Take a snapshot", "Try an example"])
with upload_tab:
    uploads = st.file_uploader(
        "Drag and drop photos here (JPEG, PNG, WebP, BMP, TIFF or GIF)",
        accept_multiple_files=True,
        help="Other kinds of files are checked and get a message saying why they cannot be used.",
    )
with camera_tab:
    snapshot = st.camera_input("Take a snapshot with your camera")
with example_tab:
    st.write("Eight photos that come with FER Studio: portraits, babies and a group of five colleagues.")
    examples = st.toggle("Use the example photos", key="use_examples")

files = [*(uploads or []), *([snapshot] if snapshot is not None else []), *(example_photos() if examples else [])]
if not files:
    st.info(
        "Add one or more photos above, take a snapshot, or open *Try an example*, to see the emotion on every face.",
        icon=":material/image:",
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
for photo in photos:
    if photo.error:
        st.error(f"We could not use {photo.name}: {photo.error}", icon=":material/broken_image:")
emotion_legend()

if total_faces > 1:
    show.overview(readable)
    st.divider()
if readable:
    chosen = 0
    if len(readable) > 1:
        chosen = st.selectbox(
            "Look closer at",
            range(len(readable)),
            format_func=lambda i: f"{readable[i].name} ({show.faces_count(readable[i])})",
        )
    show.photo_details(readable[chosen], chosen, view)

st.divider()
st.subheader("All faces")
if total_faces:
    show.faces_table(photos)
else:
    st.info("No faces to list yet.")
show.downloads(photos, readable, view.probabilities)
