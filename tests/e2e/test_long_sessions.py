"""A short version of bench/soak.py for every test run: photo after photo through the Photos page, and a Live
stream left running, must not make the server's memory climb. The bound is generous (memory swings by tens of MB
from one sample to the next); bench/soak.py measures the real 10-minute and 500-photo curves for docs/performance.md."""

from __future__ import annotations

from tests.harness.sessions import chromium, in_a_thread
from tests.harness.soak import live_soak, photo_soak

BOUND_MB = 100


async def _soak(server, camera):
    async with chromium(camera) as browser:
        photos = await photo_soak(browser, server, analyses=40, per_session=20, warm_up=10)
        live = await live_soak(browser, server, seconds=30, every=2, warm_up=10)
    return photos, live


def test_memory_does_not_climb_over_photo_after_photo_and_a_running_stream(server, small_camera):
    photos, live = in_a_thread(_soak(server, small_camera))
    for curve in (photos, live):
        print(f"\n{curve.what}: growth after the warm-up {curve.growth_mb:+.1f} MB, top {curve.peak_growth_mb:+.1f}")
    assert photos.samples[-1].analysed == 40 and live.samples[-1].analysed > live.samples[0].analysed
    assert photos.growth_mb < BOUND_MB
    assert live.growth_mb < BOUND_MB
