"""Long sessions: does the app server's memory keep growing? A Live stream left running, then photo after photo.

    nice -n 19 .venv/bin/python bench/soak.py [--minutes 10] [--analyses 500] [--every 10]

(a) A fresh `streamlit run` serves one Live stream from Chromium's fake camera (the fixture portrait, 640x480 at
15 fps) for --minutes; its resident memory (RSS) is sampled every --every seconds. (b) Another fresh server gets
--analyses photo analyses through the Photos page in a real browser, one photo at a time (upload, wait for the
result, remove it), the 4 one-face fixture photos in turn, a new browser session every 50 photos; RSS is read
after each photo. Growth is the median of the last tenth of the samples after the warm-up (the first
--warm-up-seconds of the stream, the first --warm-up-photos photos: models loading, caches filling) minus the
median of the first tenth after it; the highest sample is printed too. Figures go to bench/results/soak.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.harness.server import make_fake_camera, serve  # noqa: E402
from tests.harness.sessions import chromium  # noqa: E402
from tests.harness.soak import Curve, live_soak, photo_soak  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def show(curve: Curve, unit: str, points: int = 12) -> None:
    """The curve as a few rows (evenly spaced samples), then the growth after the warm-up."""
    print(f"\n{curve.what}")
    print(f"{unit:>10} {'RSS MB':>8} {'threads':>8} {'analysed':>9}")
    step = max(1, len(curve.samples) // points)
    for sample in [*curve.samples[::step], curve.samples[-1]][: points + 1]:
        print(f"{sample.at:>10.0f} {sample.rss_mb:>8.1f} {sample.threads:>8} {sample.analysed:>9}")
    print(
        f"after the warm-up ({curve.warm_up:.0f} {unit}): {curve.after_warm_up[0].rss_mb:.1f} MB; at the end "
        f"{curve.samples[-1].rss_mb:.1f} MB; growth (medians of the first and last tenth after the warm-up) "
        f"{curve.growth_mb:+.1f} MB; highest {curve.peak_growth_mb:+.1f} MB above the first sample after the warm-up"
    )


async def run(args, camera: Path) -> dict:
    figures = {}
    async with chromium(camera) as browser:
        if args.minutes > 0:
            with serve(RESULTS / "soak-live-server.log") as server:
                curve = await live_soak(browser, server, args.minutes * 60, args.every, args.warm_up_seconds)
            show(curve, "seconds")
            figures["live"] = curve.summary()
        if args.analyses > 0:
            with serve(RESULTS / "soak-photos-server.log") as server:
                curve = await photo_soak(browser, server, args.analyses, 50, args.warm_up_photos)
            show(curve, "photos")
            figures["photos"] = curve.summary()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10, help="how long the Live stream runs (0: skip)")
    parser.add_argument("--every", type=float, default=10, help="seconds between memory samples of the stream")
    parser.add_argument("--warm-up-seconds", type=float, default=60)
    parser.add_argument("--analyses", type=int, default=500, help="photos analysed one after another (0: skip)")
    parser.add_argument("--warm-up-photos", type=int, default=50)
    parser.add_argument("--out", type=Path, default=RESULTS / "soak.json")
    args = parser.parse_args()

    RESULTS.mkdir(parents=True, exist_ok=True)
    camera = make_fake_camera(RESULTS / "soak-camera.y4m")
    load_before = os.getloadavg()
    figures = asyncio.run(run(args, camera))
    figures["machine"] = {
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    args.out.write_text(json.dumps(figures, indent=2))
    print(f"\nload average before/after: {figures['machine']['load_average_before']} / {os.getloadavg()}")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
