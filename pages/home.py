"""Home: what FER Studio does, where to go, and what happens to your images."""

import streamlit as st

from pages._server import set_up_server
from pages._ui import emotion_legend

set_up_server()

st.title("FER Studio")
st.markdown(
    "FER Studio finds every face in a photo, a recorded video or a live webcam picture and tells which of seven "
    "emotions it shows. "
    "Everything runs on this computer, so it works without an internet connection."
)
emotion_legend()

st.subheader("Four ways to use it")
photos, video, live, dashboard = st.columns(4)
with photos.container(border=True):
    st.page_link("pages/photos.py", label="**Photos**", icon=":material/photo_library:")
    st.write("Upload photos or take a snapshot: every face gets a box, an emotion and its probabilities.")
with video.container(border=True):
    st.page_link("pages/video.py", label="**Video**", icon=":material/movie:")
    st.write("Upload a recording: everyone in it is followed and gets a timeline of their emotions.")
with live.container(border=True):
    st.page_link("pages/live.py", label="**Live**", icon=":material/videocam:")
    st.write("Turn on your camera and watch emotions update in real time, with a chart of the last seconds.")
with dashboard.container(border=True):
    st.page_link("pages/dashboard.py", label="**Dashboard**", icon=":material/insights:")
    st.write("See how the model was trained and how accurate it is, or test it on your own labelled faces.")

st.subheader("Your privacy")
st.info(
    "Your photos, videos and camera video are processed on this computer and are never saved or sent anywhere. "
    "When you close the page, they are gone. (A video's annotated copy is made in a temporary folder that is "
    "deleted as soon as the copy is ready.)",
    icon=":material/lock:",
)
