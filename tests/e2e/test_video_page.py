"""The Video page as a user meets it in Chromium: upload, progress, timelines, the annotated video playing, Cancel."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import PHOTOS, fitted, two_people_frames, write_video
from tests.e2e.test_browser import _screenshot


@pytest.fixture(scope="module")
def short_video(tmp_path_factory):
    """Two people, two seconds at 10 fps, 480x240."""
    return write_video(tmp_path_factory.mktemp("videos") / "two-people.mp4", two_people_frames(20))


@pytest.fixture(scope="module")
def long_video(tmp_path_factory):
    """One still face for a minute at 15 fps (900 frames, 320x240): long enough to click Cancel mid-way."""
    from fer_core import load_image

    face = fitted(load_image(PHOTOS / "grace_hopper.jpg"), 320, 240)
    return write_video(tmp_path_factory.mktemp("videos") / "one-minute.mp4", [face] * 900, fps=15)


def test_a_video_gets_timelines_a_summary_and_an_annotated_copy_that_plays(app, page, output, short_video):
    url, _ = app
    page.goto(f"{url}/video")
    page.get_by_text("Settings").click()
    page.get_by_text("Near or far (recommended)").click()
    page.locator('input[type="file"]').set_input_files(short_video)
    expect(page.get_by_text("2 people followed through 2.0 s of video")).to_be_visible()
    for heading in ("Summary", "Person 1", "Person 2"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(4)
    expect(page.get_by_role("button", name="Download the timeline (CSV)")).to_be_visible()
    expect(page.get_by_role("button", name="Download the annotated video")).to_be_visible()
    video = _player(page).locator("video")
    # readyState 2 or more: Chromium decoded a frame of the H.264 file, so the player really shows it.
    _until(video, "v => v.readyState >= 2")
    assert video.evaluate("v => [v.videoWidth, v.videoHeight]") == [480, 240]
    expect(_player(page).locator(".lane")).to_have_count(2)
    _screenshot(page, output / "video.png")


def test_stop_here_keeps_the_partial_results_and_leaves_no_temporary_files(app, page, output, long_video, server_temp):
    url, _ = app
    page.goto(f"{url}/video")
    page.locator('input[type="file"]').set_input_files(long_video)
    expect(page.get_by_text(re.compile(r"Frame [\d,]+ of 900"))).to_be_visible()
    page.get_by_role("button", name="Stop here").click()
    note = page.get_by_text(re.compile(r"You stopped the analysis at [\d.]+ s"))
    expect(note).to_be_visible()
    assert 0 < float(re.search(r"at ([\d.]+) s", note.inner_text())[1]) < 60
    expect(page.get_by_text(re.compile(r"1 person followed through"))).to_be_visible()
    expect(page.get_by_role("heading", name="Person 1")).to_be_visible()
    _until(_player(page).locator("video"), "v => v.readyState >= 2")
    _expect_removed(server_temp, "fer-video-*")
    expect(page.get_by_role("button", name="Analyse the whole video")).to_be_visible()
    _screenshot(page, output / "video-stopped.png")


def test_the_example_video_is_one_switch_away_and_its_people_get_timelines(app, page, output):
    url, _ = app
    page.goto(f"{url}/video")
    page.get_by_text("Use the example video").click()
    expect(page.get_by_text(re.compile(r"\d+ people followed through 6\.0 s of video"))).to_be_visible(timeout=240_000)
    expect(page.get_by_role("heading", name="Person 1")).to_be_visible()
    player = _player(page)
    video, marker, seconds = player.locator("video"), player.locator("#marker"), 6.0
    video.evaluate("v => { v.muted = true; v.play(); }")
    left = float(marker.evaluate("m => parseFloat(m.style.left) || 0"))
    _until(video, "v => v.currentTime > 1.5")
    _until(marker, f"m => parseFloat(m.style.left) > {left}")  # the marker followed the video
    video.evaluate("v => v.pause()")
    track = player.locator(".track").first
    track.scroll_into_view_if_needed()
    track.click(position={"x": 0.25 * track.bounding_box()["width"], "y": 5})
    at = video.evaluate("v => v.currentTime")
    assert abs(at - 0.25 * seconds) < 0.3, f"clicked a quarter in, the video is at {at:.2f} s"
    _screenshot(page, output / "video-example.png")


def _player(page):
    """The synced player's iframe (Playwright waits for it as it locates elements inside)."""
    return page.frame_locator('iframe[title="st.iframe"]')


def _until(locator, expression: str, patience: float = 60.0):
    """Poll `expression` (a function of the located element) until it is truthy; returns its value."""
    deadline = time.monotonic() + patience
    while not (value := locator.evaluate(expression)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert value, f"{expression} stayed false for {patience:.0f} s"
    return value


def _expect_removed(folder, pattern: str, patience: float = 30.0) -> None:
    """The stopped run removes its temporary folder while it unwinds, which may end just after the page redraws."""
    deadline = time.monotonic() + patience
    while list(folder.glob(pattern)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert list(folder.glob(pattern)) == []
