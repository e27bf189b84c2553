"""Load on one app server: photos analysed by 1 and by N browser sessions at once, and S Live streams at once.

    nice -n 19 .venv/bin/python bench/load.py [--sessions 8] [--photos 5] [--streams 3] [--stream-seconds 60]
        [--fps 30] [--live-only]

Starts `streamlit run` on a free port and drives it with headless Chromium (Playwright, one context per session,
so one Streamlit session each). A photo's latency is from choosing the file to seeing its result on the page;
each session then removes the photo and uploads the next (the 5 fixture photos in turn). Throughput is photos
finished per second of wall time; the server's CPU time per photo (or per streamed frame) does not depend on what
else the machine runs, unlike the times. Live streams use Chromium's fake camera (the fixture portrait, 640x480 at
30 fps unless --camera and --fps say otherwise); their rates come from the per-second lines each session writes to the
server's console. The browser runs on the same machine as the server and takes its share of the CPU, as the load
average printed with the figures shows. Figures go to bench/results/load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.harness.server import PHOTOS, LiveLine, live_sessions, make_fake_camera, serve  # noqa: E402
from tests.harness.sessions import (  # noqa: E402
    analyse_photos,
    chromium,
    new_live_sessions,
    open_page,
    photo,
    remove_uploads,
    start_stream,
)

RESULTS = ROOT / "bench" / "results"
NAMES = (
    "grace_hopper.jpg",
    "group_meeting.jpg",
    "laughing_baby.jpg",
    "surprised_santa.jpg",
    "astronaut_eileen_collins.png",
)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def _photos_in_turn(page, number: int, photos: int) -> list[float]:
    latencies = []
    for index in range(photos):
        name = NAMES[(number + index) % len(NAMES)]
        files = [photo(PHOTOS / name, f"s{number}-{index}-{name}")]
        _, seconds = await analyse_photos(page, files, download=False)
        latencies.append(seconds)
        await remove_uploads(page, files)
    return latencies


async def photo_load(browser, server, sessions: int, photos: int) -> dict:
    """`sessions` users at once, each analysing `photos` photos one after another."""
    pages = await asyncio.gather(*(open_page(browser, f"{server.url}/photos") for _ in range(sessions)))
    started, cpu = time.monotonic(), server.cpu_seconds()
    per_session = await asyncio.gather(*(_photos_in_turn(page, n, photos) for n, page in enumerate(pages)))
    wall, cpu = time.monotonic() - started, server.cpu_seconds() - cpu
    errors = sum([await page.locator('[data-testid="stException"]').count() for page in pages])
    for page in pages:
        await page.context.close()
    latencies = [seconds for session in per_session for seconds in session]
    return {
        "sessions": sessions,
        "photos": len(latencies),
        "seconds": round(wall, 2),
        "photos_per_second": round(len(latencies) / wall, 3),
        "latency_p50_s": round(statistics.median(latencies), 3),
        "latency_p95_s": round(percentile(latencies, 0.95), 3),
        "latency_max_s": round(max(latencies), 3),
        "server_cpu_s_per_photo": round(cpu / len(latencies), 3),
        "server_cores_used": round(cpu / wall, 2),
        "errors_on_pages": errors,
    }


def _rates(lines: list[LiveLine], since, until) -> dict:
    """Frames received and analysed per second by one live session between two times, from its console lines;
    `last_line` is how many seconds before `until` it wrote its last line (more than a few: its stream had stopped)."""
    window = [line for line in lines if since <= line.at <= until]
    if len(window) < 2:
        return dict.fromkeys(
            ("frames_per_second", "analysed_per_second", "read_per_second", "faces_per_analysed_frame"), 0.0
        ) | {"last_line": None}
    first, last = window[0], window[-1]
    seconds = (last.at - first.at).total_seconds()
    analysed = last.analyzed - first.analyzed
    return {
        "frames_per_second": round((last.frames - first.frames) / seconds, 2),
        "analysed_per_second": round(analysed / seconds, 2),
        "read_per_second": round((last.read - first.read) / seconds, 2),
        "faces_per_analysed_frame": round((last.faces_seen - first.faces_seen) / max(analysed, 1), 3),
        "last_line": round((until - last.at).total_seconds(), 1),
    }


async def stream_load(browser, server, streams: int, seconds: float) -> dict:
    """`streams` Live pages streaming the fake camera at once, measured for `seconds` once all are analysed."""
    known = set(live_sessions(server.log))
    pages = await asyncio.gather(*(open_page(browser, f"{server.url}/live") for _ in range(streams)))
    await asyncio.gather(*(start_stream(page) for page in pages))
    await new_live_sessions(server.log, known, streams, frames=3)
    since, cpu = datetime.now(), server.cpu_seconds()
    await asyncio.sleep(seconds)
    until, cpu = datetime.now(), server.cpu_seconds() - cpu
    sessions = {n: lines for n, lines in live_sessions(server.log).items() if n not in known}
    errors = sum([await page.locator('[data-testid="stException"]').count() for page in pages])
    for page in pages:
        await page.context.close()
    per_stream = [_rates(lines, since, until) for lines in sessions.values()]
    frames = sum(s["frames_per_second"] for s in per_stream) * seconds
    return {
        "streams": streams,
        "seconds": seconds,
        "per_stream": per_stream,
        "frames_per_second_total": round(sum(s["frames_per_second"] for s in per_stream), 2),
        "analysed_per_second_total": round(sum(s["analysed_per_second"] for s in per_stream), 2),
        "streams_still_analysed_at_end": sum(s["last_line"] is not None and s["last_line"] < 5 for s in per_stream),
        "server_cpu_ms_per_frame": round(1000 * cpu / frames, 1) if frames else None,
        "server_cores_used": round(cpu / seconds, 2),
        "errors_on_pages": errors,
    }


async def run(args, server, camera: Path) -> dict:
    figures: dict = {}
    async with chromium(camera) as browser:
        warm = await open_page(browser, f"{server.url}/photos")
        await analyse_photos(warm, [photo(PHOTOS / NAMES[0], "warm-up.jpg")], download=False)
        await warm.context.close()
        if not args.live_only:
            figures["photos_1_session"] = await photo_load(browser, server, 1, args.photos)
            figures[f"photos_{args.sessions}_sessions"] = await photo_load(browser, server, args.sessions, args.photos)
        figures["live_1_stream"] = await stream_load(browser, server, 1, args.stream_seconds)
        figures[f"live_{args.streams}_streams"] = await stream_load(browser, server, args.streams, args.stream_seconds)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=8, help="browser sessions uploading at once")
    parser.add_argument("--photos", type=int, default=5, help="photos each session analyses, one after another")
    parser.add_argument("--streams", type=int, default=3, help="Live streams at once")
    parser.add_argument("--stream-seconds", type=float, default=60, help="how long the streams are measured")
    parser.add_argument("--camera", default="640x480", help="fake camera size, WIDTHxHEIGHT")
    parser.add_argument("--fps", type=int, default=30, help="fake camera frames per second")
    parser.add_argument("--live-only", action="store_true", help="measure only the Live streams")
    parser.add_argument("--out", type=Path, default=RESULTS / "load.json")
    args = parser.parse_args()

    RESULTS.mkdir(parents=True, exist_ok=True)
    width, height = map(int, args.camera.split("x"))
    camera = make_fake_camera(RESULTS / "load-camera.y4m", size=(width, height), fps=args.fps)
    load_before = os.getloadavg()
    with serve(RESULTS / "load-server.log") as server:
        figures = asyncio.run(run(args, server, camera))
        figures["server_rss_mb_at_end"] = round(server.rss_mb(), 1)
    figures["machine"] = {
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "camera": f"{args.camera} at {args.fps} fps",
    }
    args.out.write_text(json.dumps(figures, indent=2))

    print(f"{'photos':<24} {'photos/s':>8} {'p50 s':>6} {'p95 s':>6} {'max s':>6} {'CPU s/photo':>11} {'cores':>5}")
    for key in [k for k in ("photos_1_session", f"photos_{args.sessions}_sessions") if k in figures]:
        f = figures[key]
        label = f"{f['sessions']} session(s), {f['photos']} photos"
        print(
            f"{label:<24} {f['photos_per_second']:>8.2f} {f['latency_p50_s']:>6.2f} {f['latency_p95_s']:>6.2f}"
            f" {f['latency_max_s']:>6.2f} {f['server_cpu_s_per_photo']:>11.3f} {f['server_cores_used']:>5.2f}"
            + (f"  errors on pages: {f['errors_on_pages']}" if f["errors_on_pages"] else "")
        )
    for key in ("live_1_stream", f"live_{args.streams}_streams"):
        f = figures[key]
        rates = ", ".join(
            f"{s['frames_per_second']:.1f}/{s['analysed_per_second']:.1f}/{s['read_per_second']:.1f}"
            for s in f["per_stream"]
        )
        print(
            f"{f['streams']} stream(s) for {f['seconds']:.0f} s: frames received/analysed/read per second per stream "
            f"{rates}; still analysed at the end: {f['streams_still_analysed_at_end']} of {f['streams']}; "
            f"server CPU {f['server_cpu_ms_per_frame']} ms per frame, {f['server_cores_used']} cores"
        )
    print(f"server resident memory at the end: {figures['server_rss_mb_at_end']:.0f} MB")
    machine = figures["machine"]
    print(f"load average before/after: {machine['load_average_before']} / {machine['load_average_after']}")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
