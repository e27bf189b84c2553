"""Home: what FER Studio does, where to go, and what happens to your images."""

import streamlit as st

from fer_core import FerError
from fer_core.model_files import read_accuracy
from pages._server import set_up_server
from pages._ui import emotion_legend, model_dir

set_up_server()


def _how_often_right() -> str:
    """How often the model is right on real photos, from its accuracy report (nothing when there is none)."""
    try:
        report = read_accuracy(model_dir())
    except FerError:
        report = None
    if report is None:
        return ""
    right = report["wild_dev"]["tta12"]["all"]["accuracy"]
    return f"On real news and film photos it names the emotion people gave {right:.0%} of the time. "


st.title("FER Studio")
st.markdown(
    "FER Studio finds every face in a photo, a recorded video or a live webcam picture and tells which of seven "
    "emotions it shows. "
    "Everything runs on this computer, so it works without an internet connection."
)
emotion_legend()

st.subheader("Four ways to use it")
CARDS = (
    (
        "pages/photos.py",
        "Photos",
        ":material/photo_library:",
        "Upload photos, take a snapshot or try the examples: every face gets a box, an emotion and its probabilities.",
    ),
    (
        "pages/live.py",
        "Live",
        ":material/videocam:",
        "Turn on your camera and watch emotions update in real time; a summary of each person when you stop.",
    ),
    (
        "pages/video.py",
        "Video",
        ":material/movie:",
        "Upload a recording (or try the example): everyone in it is followed and gets a timeline of their emotions.",
    ),
    (
        "pages/dashboard.py",
        "Dashboard",
        ":material/insights:",
        "See how the model was trained and how often it is right, or test it on your own labelled faces.",
    ),
)
for row in (CARDS[:2], CARDS[2:]):
    for column, (page, title, icon, text) in zip(st.columns(2), row, strict=True):
        with column.container(border=True):
            st.page_link(page, label=f"**{title}**", icon=icon)
            st.write(text)

st.subheader("What it can and cannot tell")
st.warning(
    "It reads **facial expressions**, not feelings: a smile is not always happiness, and people show emotions "
    f"differently. {_how_often_right()}Use it to explore and to demonstrate, **never to judge a person**: not for "
    "hiring, school, policing, health or any decision about someone.",
    icon=":material/info:",
)

st.subheader("Your privacy")
st.info(
    "Your photos, videos and camera video are processed on this computer and are never saved or sent anywhere. "
    "When you close the page, they are gone. (A video's annotated copy is made in a temporary folder that is "
    "deleted as soon as the copy is ready.)",
    icon=":material/lock:",
)
