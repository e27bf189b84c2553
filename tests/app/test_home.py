"""The Home page (pages/home.py) as Streamlit runs it."""

from __future__ import annotations

from tests.app.pages import _app, _texts


def test_home_says_what_the_app_does_and_that_images_stay_on_this_machine():
    at = _app()
    assert at.title[0].value == "FER Studio"
    assert "never saved or sent anywhere" in _texts(at.info)
