"""Many users on one server at the same time: 8 Photos sessions uploading together get exactly the faces one user
alone gets, and 3 Live streams at once are each analysed. The sessions run in one Chromium through Playwright's
async API (in a thread of its own, beside the sync browser the other tests share)."""

from __future__ import annotations

import asyncio
import csv
import io
import re

from playwright.async_api import expect

from tests.conftest import PHOTOS
from tests.harness.server import live_sessions
from tests.harness.sessions import (
    analyse_photos,
    chromium,
    in_a_thread,
    more_live_frames,
    new_live_sessions,
    open_page,
    photo,
    start_stream,
)

PHOTO_SETS = (
    ("grace_hopper.jpg", "group_meeting.jpg"),
    ("laughing_baby.jpg",),
    ("surprised_santa.jpg", "astronaut_eileen_collins.png"),
    ("group_meeting.jpg", "laughing_baby.jpg", "grace_hopper.jpg"),
)
"""Different photos per session (8 sessions use them in turn), so one session shown another's faces would show."""


def _files(number: int, user: str) -> list[dict]:
    return [photo(PHOTOS / name, f"{user}_{name}") for name in PHOTO_SETS[number % len(PHOTO_SETS)]]


def _rows(table: str) -> list[dict]:
    """The faces table with each file's user prefix removed."""
    rows = list(csv.DictReader(io.StringIO(table)))
    for row in rows:
        row["file"] = re.sub(r"^\w+?_", "", row["file"], count=1)
    return rows


async def _analyse_alone(browser, url: str, number: int, user: str) -> str:
    page = await open_page(browser, f"{url}/photos")
    table, _ = await analyse_photos(page, _files(number, user))
    await page.context.close()
    return table


async def _photos_one_at_a_time_then_together(url: str, fake_camera, sessions: int):
    async with chromium(fake_camera) as browser:
        alone = [await _analyse_alone(browser, url, n, "alone") for n in range(len(PHOTO_SETS))]
        pages = await asyncio.gather(*(open_page(browser, f"{url}/photos") for _ in range(sessions)))
        together = await asyncio.gather(*(analyse_photos(p, _files(n, f"user{n}")) for n, p in enumerate(pages)))
        errors = [await p.locator('[data-testid="stException"]').count() for p in pages]
        return alone, [table for table, _ in together], errors


def test_eight_sessions_uploading_at_once_get_the_same_faces_as_one_at_a_time(app, fake_camera):
    url, _ = app
    alone, together, errors = in_a_thread(_photos_one_at_a_time_then_together(url, fake_camera, 8))
    assert errors == [0] * 8
    for number, table in enumerate(together):
        expected = _rows(alone[number % len(PHOTO_SETS)])
        assert len(expected) >= len(PHOTO_SETS[number % len(PHOTO_SETS)])
        assert _rows(table) == expected, f"session {number} differs from the same photos analysed alone"
        assert all(row["file"].startswith(f"user{number}_") for row in csv.DictReader(io.StringIO(table)))


async def _streams_at_once(server, camera, streams: int, frames: int):
    """Open `streams` Live pages together and start their streams one after another (each once the one before is
    analysed: a person presses START when the page is ready, and three connection set-ups at the same instant are
    not what is judged); once each has analysed `frames` frames (its start-up), wait for `frames` more while all
    run at once. Returns each stream's (line at the end of start-up, line at the end) and each page's exception
    texts."""
    known = set(live_sessions(server.log))
    async with chromium(camera) as browser:
        pages = await asyncio.gather(*(open_page(browser, f"{server.url}/live") for _ in range(streams)))
        for count, page in enumerate(pages, start=1):
            await start_stream(page)
            await new_live_sessions(server.log, known, count, frames=1)
        started = await new_live_sessions(server.log, known, streams, frames=frames)
        warm = {number: lines[-1] for number, lines in started.items() if lines[-1].analyzed >= frames}
        ended = await more_live_frames(server.log, warm, frames)
        errors = []
        for page in pages:
            await expect(page.locator('[data-testid="stMetric"]', has_text="Analysed")).to_be_visible()
            errors += await page.locator('[data-testid="stException"]').all_inner_texts()
        return {number: (warm[number], ended[number]) for number in warm}, errors


def test_three_live_streams_at_once_are_each_analysed_and_find_the_face_in_each_frame(server, small_camera):
    windows, errors = in_a_thread(_streams_at_once(server, small_camera, 3, frames=20))
    assert errors == []
    assert len(windows) == 3, windows
    for warm, end in windows.values():
        # Judged on 20 frames analysed after each stream's first 20 (its start-up, which a slow machine stretches):
        # one stream alone finds the camera's one face in every analysed frame; so must each of three at once.
        analysed = end.analyzed - warm.analyzed
        assert analysed >= 20 and end.faces_seen - warm.faces_seen >= 0.9 * analysed, (warm, end)
