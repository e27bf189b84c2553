"""Long sessions against one app server, sampling its resident memory: a Live stream left running, and photo after
photo through the Photos page. Used by bench/soak.py (10 minutes, 500 photos) and by a short CI test."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import asdict, dataclass

from tests.harness.server import PHOTOS, Server, live_sessions
from tests.harness.sessions import analyse_photos, new_live_sessions, open_page, photo, remove_uploads, start_stream

PHOTO_NAMES = ("grace_hopper.jpg", "laughing_baby.jpg", "surprised_santa.jpg", "astronaut_eileen_collins.png")


@dataclass(frozen=True)
class Sample:
    """The server at one moment: seconds since the start (or photos analysed so far), memory, threads, frames."""

    at: float
    rss_mb: float
    threads: int
    analysed: int


@dataclass(frozen=True)
class Curve:
    """Samples of one soak, and the memory growth after a warm-up (samples before `warm_up` are left out)."""

    what: str
    warm_up: float
    samples: list[Sample]

    @property
    def after_warm_up(self) -> list[Sample]:
        return [s for s in self.samples if s.at >= self.warm_up]

    @property
    def growth_mb(self) -> float:
        """Typical memory at the end minus just after the warm-up: medians of the last and first tenth of the
        samples after it (one sample alone swings by tens of MB as Python and the allocator free memory late)."""
        samples = self.after_warm_up
        tenth = max(1, len(samples) // 10)
        first, last = (statistics.median(s.rss_mb for s in part) for part in (samples[:tenth], samples[-tenth:]))
        return last - first

    @property
    def peak_growth_mb(self) -> float:
        """Highest memory after the warm-up minus the first sample after it."""
        samples = self.after_warm_up
        return max(s.rss_mb for s in samples) - samples[0].rss_mb

    def summary(self) -> dict:
        return {
            "what": self.what,
            "warm_up": self.warm_up,
            "rss_mb_after_warm_up": round(self.after_warm_up[0].rss_mb, 1),
            "rss_mb_at_end": round(self.samples[-1].rss_mb, 1),
            "growth_mb": round(self.growth_mb, 1),
            "peak_growth_mb": round(self.peak_growth_mb, 1),
            "samples": [asdict(s) for s in self.samples],
        }


async def live_soak(browser, server: Server, seconds: float, every: float, warm_up: float) -> Curve:
    """One Live stream from the fake camera for `seconds`, sampling every `every` seconds once it is analysed."""
    known = set(live_sessions(server.log))
    page = await open_page(browser, f"{server.url}/live")
    await start_stream(page)
    (number,) = await new_live_sessions(server.log, known, 1, frames=1)
    started = time.monotonic()
    samples = []
    while True:
        elapsed = time.monotonic() - started
        analysed = live_sessions(server.log)[number][-1].analyzed
        samples.append(Sample(round(elapsed, 1), server.rss_mb(), server.threads(), analysed))
        if elapsed >= seconds:
            break
        await asyncio.sleep(min(every, seconds - elapsed))
    await page.context.close()
    return Curve(f"Live stream, {seconds:.0f} s (at = seconds)", warm_up, samples)


async def photo_soak(browser, server: Server, analyses: int, per_session: int, warm_up: int) -> Curve:
    """`analyses` photos, one at a time, through the Photos page; a new browser session every `per_session`."""
    samples = [Sample(0, server.rss_mb(), server.threads(), 0)]
    page = None
    for index in range(analyses):
        if index % per_session == 0:
            if page is not None:
                await page.context.close()
            page = await open_page(browser, f"{server.url}/photos")
        name = PHOTO_NAMES[index % len(PHOTO_NAMES)]
        files = [photo(PHOTOS / name, f"{index:04d}-{name}")]
        await analyse_photos(page, files, download=False)
        await remove_uploads(page, files)
        samples.append(Sample(index + 1, server.rss_mb(), server.threads(), index + 1))
    await page.context.close()
    return Curve(f"{analyses} photo analyses (at = photos analysed)", warm_up, samples)
