"""The app as a user meets it: a real Chromium drives `streamlit run` on localhost."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.conftest import PHOTOS

START = 'iframe[title="streamlit_webrtc.component.webrtc_streamer"]'


def _screenshot(page, path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so the window is made as tall as the content."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(1000, height)})
    page.screenshot(path=path)


def _faces_seen(log) -> int:
    counts = [int(n) for n in re.findall(r"live: \d+ frames, \d+ analyzed, (\d+) faces seen", log.read_text())]
    return max(counts, default=0)


def test_a_page_opened_first_by_url_lists_only_the_five_pages(app, page):
    url, _ = app
    page.goto(f"{url}/photos")
    links = page.locator('[data-testid="stSidebarNav"] a')
    expect(links).to_have_count(5)
    expect(links).to_contain_text(["Home", "Photos", "Live", "Video", "Dashboard"])


def test_uploading_a_photo_shows_its_faces_in_the_table(app, page, output):
    url, _ = app
    page.goto(f"{url}/photos")
    page.locator('input[type="file"]').first.set_input_files(PHOTOS / "grace_hopper.jpg")
    _expect_analysed_photo(page, "grace_hopper.jpg: 1 face")
    _screenshot(page, output / "photos.png")


def test_a_camera_snapshot_is_analysed_like_an_upload(app, page, output):
    url, _ = app
    page.goto(f"{url}/photos")
    page.get_by_role("tab", name="Take a snapshot").click()
    camera = page.locator('[data-testid="stCameraInput"]')
    # The button is enabled before the fake camera's first frame arrives; a click then would capture nothing.
    expect(camera.locator("video")).to_have_js_property("readyState", 4)
    camera.get_by_role("button", name="Take Photo").click()
    _expect_analysed_photo(page, "snapshot.jpg: 1 face")
    _screenshot(page, output / "snapshot.png")


def _expect_analysed_photo(page, heading: str) -> None:
    """The photo's heading, the faces table with its download, and an annotated image that really loaded."""
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("heading", name="All faces")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible()
    expect(page.get_by_role("button", name="Download table (CSV)")).to_be_visible()
    annotated = page.locator('[data-testid="stImage"] img').first
    expect(annotated).to_have_js_property("complete", True)
    assert annotated.evaluate("image => image.naturalWidth") > 0


def test_home_page_explains_the_app_and_privacy(app, page, output):
    url, _ = app
    page.goto(url)
    expect(page.get_by_role("heading", name="FER Studio")).to_be_visible()
    expect(page.get_by_text("never saved or sent anywhere")).to_be_visible()
    _screenshot(page, output / "home.png")


def test_dashboard_shows_the_confusion_matrix(app, page, output):
    url, _ = app
    page.goto(f"{url}/dashboard")
    expect(page.get_by_text("Which emotions get mixed up")).to_be_visible()
    expect(page.locator(".gtitle", has_text="What it said for each true emotion")).to_be_visible()
    _screenshot(page, output / "dashboard.png")


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
    analysed = page.locator('[data-testid="stMetric"]', has_text="Analysed").locator('[data-testid="stMetricValue"]')
    first = int(analysed.inner_text().replace(",", ""))
    expect(analysed).not_to_have_text(str(first), timeout=30_000)
    deadline = time.monotonic() + 30
    while _faces_seen(log) == 0 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _faces_seen(log) > 0
    _screenshot(page, output / "live.png")
    page.frame_locator(START).get_by_role("button", name="STOP").click()
    expect(page.get_by_role("heading", name="Your session")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Person \d+: mostly"))).not_to_have_count(0)
    expect(page.get_by_role("button", name="Download the people (CSV)")).to_be_enabled()
    _screenshot(page, output / "live-summary.png")
