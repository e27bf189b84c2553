"""FER Studio: the app's entry point; it sets up the server once, then lists the five pages."""

from pathlib import Path

import streamlit as st

from pages._server import set_up_server

set_up_server()

# A local picture: an icon name or emoji would make the browser fetch the tab icon from a font server.
st.set_page_config(
    page_title="FER Studio", page_icon=str(Path(__file__).parent / "pages" / "assets" / "favicon.png"), layout="wide"
)

navigation = st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("pages/photos.py", title="Photos", icon=":material/photo_library:"),
        st.Page("pages/live.py", title="Live", icon=":material/videocam:"),
        st.Page("pages/video.py", title="Video", icon=":material/movie:"),
        st.Page("pages/dashboard.py", title="Dashboard", icon=":material/insights:"),
    ]
)
st.sidebar.caption("FER Studio runs entirely on this computer.")
navigation.run()
