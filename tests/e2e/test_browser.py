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


_MESH_PIXELS = """img => { const c = document.createElement('canvas'); c.width = img.naturalWidth;
  c.height = img.naturalHeight; const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data; let n = 0, x0 = c.width, y0 = c.height, x1 = 0, y1 = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] < 40 && d[i + 1] > 215 && Math.abs(d[i + 2] - 200) < 40) {
      const x = (i / 4) % c.width, y = Math.floor(i / 4 / c.width);
      n++; x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
    } }
  return [n, (x1 - x0) * (y1 - y0) / (c.width * c.height)]; }"""
"""Pixels of the face mesh's colour (0, 255, 200) in an image, and the share of the image their bounding box covers."""


def _annotated_photo(page):
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=stImage] img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    return page.locator('[data-testid="stImage"] img').first


def test_landmarks_are_drawn_on_the_face_and_a_heatmap_opens_full_screen(app, page):
    url, _ = app
    page.goto(f"{url}/photos")
    page.locator('input[type="file"]').first.set_input_files(PHOTOS / "grace_hopper.jpg")
    expect(page.get_by_role("heading", name="grace_hopper.jpg: 1 face")).to_be_visible()
    assert _annotated_photo(page).evaluate(_MESH_PIXELS)[0] < 10
    page.get_by_text("Settings").click()
    page.get_by_text("Show face landmarks").click()
    page.get_by_text("Show what the model looked at").click()
    heatmap = page.locator('[data-testid="stElementContainer"]').filter(
        has=page.locator('[data-testid="stImage"]', has_text="What the model looked at")
    )
    expect(heatmap).to_be_visible(timeout=180_000)  # the first heatmap builds its explainer
    page.wait_for_function(  # the photo drawn again, with the mesh
        f"() => {{ const i = document.querySelector('[data-testid=stImage] img');"
        f" return i.complete && i.naturalWidth > 0 && ({_MESH_PIXELS})(i)[0] >= 50; }}"
    )
    points, spread = _annotated_photo(page).evaluate(_MESH_PIXELS)
    assert points >= 50 and spread < 0.25, (points, spread)  # many points, all on the one face
    in_card = heatmap.locator("img").evaluate("image => image.clientWidth")
    heatmap.hover()
    heatmap.get_by_role("button", name="Fullscreen").click()
    expect(heatmap.locator("img")).to_be_visible()
    assert heatmap.locator("img").evaluate("image => image.clientWidth") > 3 * in_card


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
