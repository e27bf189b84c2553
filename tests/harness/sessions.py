"""Many browser sessions at once: Playwright's async API, one Chromium, one context (a separate user) per session.

Used by the concurrency test and by bench/load.py and bench/soak.py. Each helper does what a person does on a page
and waits for what they would wait for, so timings are what a user sees.
"""

from __future__ import annotations

import asyncio
import mimetypes
import re
import shutil
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright, expect

from tests.harness.server import LiveLine, chromium_args, live_sessions

START = 'iframe[title="streamlit_webrtc.component.webrtc_streamer"]'
TIMEOUT_MS = 180_000
"""Generous: on a busy 2-core machine a page with many sessions can take a minute to answer."""


def in_a_thread(coroutine):
    """Run `coroutine` to its end on an event loop of its own thread (the sync browser of the other tests keeps
    its loop in the main thread) and return its result."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@asynccontextmanager
async def chromium(fake_camera: Path | None, camera_allowed: bool = True) -> AsyncIterator[Browser]:
    """Debian's headless Chromium; with `fake_camera`, every page's camera plays that y4m file (if allowed)."""
    expect.set_options(timeout=TIMEOUT_MS)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=chromium_args(fake_camera, camera_allowed)
        )
        try:
            yield browser
        finally:
            await browser.close()


async def open_page(browser: Browser, url: str, init_script: str | None = None) -> Page:
    """A new user (own context, so own Streamlit session) opening `url`; `init_script` runs first in every frame."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    if init_script:
        await context.add_init_script(init_script)
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    await page.goto(url)
    return page


def photo(path: Path, name: str | None = None) -> dict:
    """A file for set_input_files, under another name if given (so each session's uploads can be told apart)."""
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return {"name": name or path.name, "mimeType": mime, "buffer": path.read_bytes()}


async def analyse_photos(page: Page, files: list[dict], download: bool = True) -> tuple[str | None, float]:
    """Upload `files` on an open Photos page; returns the faces table (the page's CSV download, unless `download`
    is False) and the seconds from choosing the files to seeing the result."""
    await settled(page)
    started = time.monotonic()
    await page.locator('input[type="file"]').first.set_input_files(files)
    await expect(page.get_by_text(re.compile(rf"found in \d+ of {len(files)} image\(s\)"))).to_be_visible()
    seconds = time.monotonic() - started
    if not download:
        return None, seconds
    async with page.expect_download() as info:
        await page.get_by_role("button", name="Download table (CSV)").click()
    saved = await info.value
    return Path(await saved.path()).read_text(), seconds


async def remove_uploads(page: Page, files: list[dict]) -> None:
    """Take the files off the uploader again, as a person clearing it for the next photo, and wait for the page."""
    for file in files:
        await page.get_by_role("button", name=f"Remove {file['name']}").click()
    await expect(page.get_by_text("Add one or more photos above")).to_be_visible()
    await settled(page)


async def settled(page: Page) -> None:
    """Wait until the page's script run is over: files chosen while it redraws the uploader can be lost."""
    await expect(page.locator('[data-testid="stStatusWidget"]')).to_be_hidden()


async def start_stream(page: Page) -> None:
    """Press START on an open Live page once its script run is over, and wait for the STOP button (the stream then
    connects in the background). After a reload, a clean-clone CI run once got no frames at all from a START
    pressed as soon as the page showed; waiting for the page's run to end, and checking the press took, rules
    that timing out."""
    await expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_be_attached()
    component = page.frame_locator(START)
    await component.get_by_role("button", name="START").click()
    await expect(component.get_by_role("button", name="STOP")).to_be_visible()


async def new_live_sessions(log: Path, known: set[int], count: int, frames: int) -> dict[int, list[LiveLine]]:
    """Wait until `count` live sessions not in `known` have each analysed `frames` frames (by the server's console,
    which answers even when a busy browser is slow to redraw); returns their lines."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        fresh = {number: lines for number, lines in live_sessions(log).items() if number not in known}
        if len([lines for lines in fresh.values() if lines[-1].analyzed >= frames]) >= count:
            return fresh
        if time.monotonic() > deadline:
            latest = {number: f"{len(lines)} lines, last {lines[-1]}" for number, lines in fresh.items()}
            raise AssertionError(f"{count} new streams did not each get {frames} frames analysed: {latest}")
        await asyncio.sleep(1)


async def more_live_frames(log: Path, since: dict[int, LiveLine], frames: int) -> dict[int, LiveLine]:
    """Wait until each live session in `since` has analysed `frames` more frames than at its line there; returns
    each one's latest line."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        latest = {number: lines[-1] for number, lines in live_sessions(log).items() if number in since}
        if all(latest[n].analyzed - line.analyzed >= frames for n, line in since.items()):
            return latest
        if time.monotonic() > deadline:
            raise AssertionError(f"streams did not each get {frames} more frames analysed: {since} -> {latest}")
        await asyncio.sleep(1)


async def metric(page: Page, label: str) -> float:
    """The number a Live page shows under `label` ("Analysed", "Speed", "Faces"), without its words."""
    return float((await _metric(page, label).inner_text()).replace(",", "").split()[0])


def _metric(page: Page, label: str):
    return page.locator('[data-testid="stMetric"]', has_text=label).locator('[data-testid="stMetricValue"]')
