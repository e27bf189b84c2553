"""Driving the app's pages as Streamlit runs them (AppTest), shared by the page tests: open a page, upload a file,
read the text of some elements, make a PNG."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from streamlit.testing.v1 import AppTest


def _app(page: str | None = None) -> AppTest:
    at = AppTest.from_file("streamlit_app.py", default_timeout=120)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception
    return at


def _upload(at: AppTest, name: str, data: bytes, mime: str = "image/jpeg") -> AppTest:
    at.file_uploader[0].set_value((name, data, mime)).run()
    assert not at.exception
    return at


def _texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def _png(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return buffer.getvalue()
