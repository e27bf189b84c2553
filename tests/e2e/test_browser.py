"""The app as a user meets it: a real Chromium drives `streamlit run` on localhost."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.conftest import PHOTOS

START = 'iframe[title="streamlit_webrtc.component.webrtc_streamer"]'


def _faces_seen(log) -> int:
    counts = [int(n) for n in re.findall(r"live: \d+ frames, \d+ analyzed, (\d+) faces seen", log.read_text())]
    return max(counts, default=0)


def test_home_page_explains_the_app_and_privacy(app, page, output):
    url, _ = app
    page.goto(url)
    expect(page.get_by_role("heading", name="FER Studio")).to_be_visible()
    expect(page.get_by_text("never saved or sent anywhere")).to_be_visible()
    page.screenshot(path=output / "home.png", full_page=True)


def test_uploading_a_photo_shows_its_faces_in_the_table(app, page, output):
    url, _ = app
    page.goto(f"{url}/photos")
    page.locator('input[type="file"]').first.set_input_files(PHOTOS / "grace_hopper.jpg")
    expect(page.get_by_role("heading", name="grace_hopper.jpg: 1 face")).to_be_visible()
    expect(page.get_by_role("heading", name="All faces")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible()
    expect(page.get_by_role("button", name="Download table (CSV)")).to_be_visible()
    page.screenshot(path=output / "photos.png", full_page=True)


def test_dashboard_shows_the_confusion_matrix(app, page, output):
    url, _ = app
    page.goto(f"{url}/dashboard")
    expect(page.get_by_text("Which emotions get mixed up")).to_be_visible()
    expect(page.locator(".gtitle", has_text="Confusion matrix")).to_be_visible()
    page.screenshot(path=output / "dashboard.png", full_page=True)


def test_live_video_is_analysed_on_the_server_and_the_chart_updates(app, page, output):
    url, log = app
    page.goto(f"{url}/live")
    start = page.frame_locator(START).get_by_role("button", name="START")
    for attempt in range(2):
        start.click()
        chart = page.locator('[data-testid="stPlotlyChart"]')
        try:
            expect(chart).to_be_visible(timeout=45_000)
            break
        except AssertionError:
            if attempt:
                raise
            page.reload()
    analysed = page.locator('[data-testid="stMetric"]', has_text="Frames analysed").locator(
        '[data-testid="stMetricValue"]'
    )
    first = int(analysed.inner_text().replace(",", ""))
    expect(analysed).not_to_have_text(str(first), timeout=30_000)
    deadline = time.monotonic() + 30
    while _faces_seen(log) == 0 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _faces_seen(log) > 0
    page.screenshot(path=output / "live.png", full_page=True)
    page.frame_locator(START).get_by_role("button", name="STOP").click()
