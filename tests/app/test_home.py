"""The Home page (pages/home.py) as Streamlit runs it."""

from __future__ import annotations

from tests.app.pages import _app, _texts


def test_home_says_what_the_app_does_and_that_images_stay_on_this_machine():
    at = _app()
    assert at.title[0].value == "FER Studio"
    assert "never saved or sent anywhere" in _texts(at.info)


def test_home_lists_the_pages_in_the_sidebar_order_and_says_what_not_to_use_it_for():
    import json

    from tests.conftest import ROOT

    at = _app()
    links = [link.proto.label for link in at.get("page_link")]
    assert links == ["**Photos**", "**Live**", "**Video**", "**Dashboard**"]
    caveat = _texts(at.warning)
    assert "never to judge a person" in caveat
    report = json.loads((ROOT / "models" / "accuracy.json").read_text())
    assert f"{report['wild_dev']['tta12']['all']['accuracy']:.0%} of the time" in caveat
