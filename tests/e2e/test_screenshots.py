"""Every page as a presenter shows it, at 1280 and 800 pixels wide, saved under test-output/screens/ for people to
look at; and the annotated photo is shown large enough for its text to be at least 12 pixels high."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fer_core.annotate import text_height
from pages._photo_views import DISPLAY_HEIGHT, DISPLAY_WIDTH

WIDTHS = (1280, 800)


@pytest.fixture(scope="module")
def screens(output):
    folder = output.parent / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _full_page(page, path) -> None:
    """The whole page once everything on it has drawn (no grey placeholders left), as tall as its content."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"], .stSkeleton')")
    page.wait_for_timeout(1500)
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": max(800, height)})
    page.wait_for_timeout(500)
    page.screenshot(path=path)


@pytest.mark.parametrize("width", WIDTHS)
def test_home_live_and_dashboard_are_captured_at_presenter_widths(app, page, screens, width):
    url, _ = app
    page.set_viewport_size({"width": width, "height": 800})
    for name, ready in (("home", "Four ways to use it"), ("live", "Press START"), ("dashboard", "Dashboard")):
        page.goto(f"{url}/{'' if name == 'home' else name}")
        expect(page.get_by_text(ready).first).to_be_visible()
        _full_page(page, screens / f"{name}-{width}.png")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_example_photos_are_captured_and_their_labels_are_legible_at_1280(app, page, screens, width):
    url, _ = app
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{url}/photos")
    page.get_by_role("tab", name="Try an example").click()
    page.get_by_text("Use the example photos").click()
    expect(page.get_by_text("found in 8 of 8 image(s)")).to_be_visible(timeout=300_000)
    expect(page.get_by_role("heading", name="Every face at a glance")).to_be_visible()
    expect(page.get_by_role("heading", name="angry_man_bw.jpg: 1 face")).to_be_visible()
    page.wait_for_function(
        "() => { const all = [...document.querySelectorAll('[data-testid=stImage] img')];"
        " return all.length > 12 && all.every(i => i.complete && i.naturalWidth > 0); }"
    )
    shown, natural, tall = page.evaluate(  # the annotated photo: the picture shown widest
        "() => { const i = [...document.querySelectorAll('[data-testid=stImage] img')].sort((a, b) =>"
        " b.clientWidth - a.clientWidth)[0]; return [i.clientWidth, i.naturalWidth, i.naturalHeight]; }"
    )
    if width == 1280:  # the text was sized for the width the page meant to show the photo at: is it shown so?
        meant = min(DISPLAY_WIDTH, natural, round(DISPLAY_HEIGHT * natural / tall))
        on_screen = text_height(natural, meant) * shown / natural
        assert on_screen >= 12, f"the photo's text is {on_screen:.1f} px high on screen ({shown} of {natural} px)"
    _full_page(page, screens / f"photos-{width}.png")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_example_video_is_captured_at_presenter_widths(app, page, screens, width):
    url, _ = app
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{url}/video")
    page.get_by_text("Use the example video").click()
    expect(page.get_by_text(re.compile(r"followed through 6\.0 s of video"))).to_be_visible(timeout=300_000)
    _full_page(page, screens / f"video-{width}.png")
