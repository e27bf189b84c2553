"""Things that go wrong while people use the app: a video connection that drops, a camera the browser refuses,
a reload in the middle of a stream, a model file that is missing or damaged. Each gets a clear message, and the
server goes on serving everyone else (and the user who hit the problem, once it is gone)."""

from __future__ import annotations

import shutil

from playwright.async_api import expect

from tests.conftest import PHOTOS
from tests.harness.server import ROOT, live_sessions, serve
from tests.harness.sessions import (
    START,
    analyse_photos,
    chromium,
    in_a_thread,
    new_live_sessions,
    open_page,
    photo,
    start_stream,
)

RECORD_CONNECTIONS = """(() => {
  const Original = window.RTCPeerConnection;
  if (!Original) return;
  window.__connections = [];
  window.RTCPeerConnection = function (...args) {
    const connection = new Original(...args);
    window.__connections.push(connection);
    return connection;
  };
  window.RTCPeerConnection.prototype = Original.prototype;
})();"""
"""Keeps every RTCPeerConnection a frame makes, so a test can drop one as a failing network would."""


async def _no_error_on(page) -> None:
    assert await page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in await page.locator("body").inner_text()


async def _drop_then_others_stream(server, camera, output):
    known = set(live_sessions(server.log))
    async with chromium(camera) as browser:
        dropped = await open_page(browser, f"{server.url}/live", RECORD_CONNECTIONS)
        await start_stream(dropped)
        (first,) = await new_live_sessions(server.log, known, 1, frames=5)
        component = next(frame for frame in dropped.frames if frame != dropped.main_frame)
        await component.evaluate("window.__connections.forEach(connection => connection.close())")
        await expect(dropped.get_by_text("The video connection to the server was lost")).to_be_visible()
        await dropped.screenshot(path=output / "live-connection-lost.png")
        await _no_error_on(dropped)

        other = await open_page(browser, f"{server.url}/live")
        await start_stream(other)
        await new_live_sessions(server.log, known | {first}, 1, frames=5)
        await other.context.close()  # a tab closed mid-stream, without STOP

        frames_before = live_sessions(server.log)[first][-1].analyzed
        await dropped.frame_locator(START).get_by_role("button", name="STOP").click()
        await expect(dropped.get_by_text("The video stopped after")).to_be_visible()
        await start_stream(dropped)
        await expect(dropped.get_by_text("The video connection to the server was lost")).to_be_hidden()
        return frames_before


def test_a_dropped_video_connection_is_reported_and_the_stream_can_restart_while_others_stream(server, small_camera):
    frames_before = in_a_thread(_drop_then_others_stream(server, small_camera, server.log.parent))
    assert frames_before >= 5


async def _refused_camera(server, camera):
    known = set(live_sessions(server.log))
    async with chromium(camera, camera_allowed=False) as browser:
        page = await open_page(browser, f"{server.url}/live")
        component = page.frame_locator(START)
        await component.get_by_role("button", name="START").click()
        await expect(component.get_by_text("Permission denied")).to_be_visible()
        await expect(page.get_by_text("If the camera is blocked, allow it")).to_be_visible()
        await component.get_by_role("button", name="SELECT DEVICE").click()
        await expect(component.get_by_text("The camera is blocked for this site")).to_be_visible()
        await _no_error_on(page)
    return set(live_sessions(server.log)) - known


def test_a_refused_camera_is_explained_on_the_page(server, fake_camera):
    assert in_a_thread(_refused_camera(server, fake_camera)) == set()


async def _reload_mid_stream(server, camera):
    known = set(live_sessions(server.log))
    async with chromium(camera) as browser:
        page = await open_page(browser, f"{server.url}/live")
        await start_stream(page)
        (before,) = await new_live_sessions(server.log, known, 1, frames=5)
        await page.reload()
        await expect(page.get_by_text("Press START to see how the emotions")).to_be_visible()
        await start_stream(page)
        (after,) = await new_live_sessions(server.log, known | {before}, 1, frames=5)
        await _no_error_on(page)
    sessions = live_sessions(server.log)
    return sessions[before], sessions[after]


def test_reloading_mid_stream_ends_the_old_stream_and_a_new_one_starts(server, small_camera):
    before, after = in_a_thread(_reload_mid_stream(server, small_camera))
    # The stream of the page before the reload was not fed a frame once the new page's stream began.
    assert before[-1].at < after[0].at
    assert after[-1].analyzed >= 5


async def _model_faults(url: str, model, camera) -> None:
    async with chromium(camera) as browser:
        page = await open_page(browser, f"{url}/photos")
        await page.locator('input[type="file"]').first.set_input_files(PHOTOS / "grace_hopper.jpg")
        await expect(page.get_by_text("Photo analysis is not available right now.")).to_be_visible()
        await expect(page.get_by_text("the file is damaged or cut short")).to_be_visible()
        await expect(page.get_by_text("We could not use", exact=False)).to_have_count(0)
        await _no_error_on(page)

        live = await open_page(browser, f"{url}/live")
        await expect(live.get_by_text("Live analysis is not available right now.")).to_be_visible()
        await _no_error_on(live)

        home = await open_page(browser, url)
        await expect(home.get_by_role("heading", name="FER Studio")).to_be_visible()

        model.unlink()
        page = await open_page(browser, f"{url}/photos")
        await page.locator('input[type="file"]').first.set_input_files(PHOTOS / "grace_hopper.jpg")
        await expect(page.get_by_text("The emotion model is missing")).to_be_visible()
        await _no_error_on(page)

        shutil.copy(ROOT / "models" / "emotion.keras", model)
        page = await open_page(browser, f"{url}/photos")
        table, _ = await analyse_photos(page, [photo(PHOTOS / "grace_hopper.jpg")])
        assert table.count("grace_hopper.jpg") == 1


def test_a_damaged_then_missing_model_is_explained_and_putting_it_back_needs_no_restart(output, tmp_path, fake_camera):
    model = tmp_path / "emotion.keras"
    model.write_bytes((ROOT / "models" / "emotion.keras").read_bytes()[:100_000])
    with serve(output / "server-broken-model.log", {"FER_MODEL": str(model)}) as server:
        in_a_thread(_model_faults(server.url, model, fake_camera))
        assert server.alive()
