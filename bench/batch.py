"""Benchmark batch analysis: photos a second and video seconds a second, one file at a time and on Ray.

    .venv/bin/python bench/batch.py [--copies 2] [--videos 4] [--video-seconds 3] [--out bench/results/batch.json]

Photos: the example photos in pages/examples, `--copies` times each. Videos: `--videos` clips of `--video-seconds`
at 10 fps (the tests' two-people scene, 480x240), every frame analysed. Three ways, in one run: the plain loop
(`fer_core.batch.analyse_file` on each file in this process, models loaded first and not timed), then
`analyze_collection` on a local Ray with 1 worker and with 2 workers (Ray started first and not timed). For Ray,
`overall` counts from the call to the end (each run starts its workers and loads their models: the price of a run)
and `steady` from the first finished file to the last (the rate a large collection settles at). The load average
is printed too: figures from a busy machine are lower than from a quiet one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from fer_core.batch import (  # noqa: E402
    BatchProgress,
    Recognizers,
    analyse_file,
    analyze_collection,
    find_media,
    ray_session,
)
from tests.conftest import PHOTOS, two_people_frames, write_video  # noqa: E402

FPS = 10


def make_collection(folder: Path, copies: int, videos: int, seconds: int) -> tuple[Path, Path]:
    """A photos folder (each example photo `copies` times) and a videos folder (`videos` clips)."""
    photos, clips = folder / "photos", folder / "videos"
    photos.mkdir()
    clips.mkdir()
    for copy in range(copies):
        for photo in sorted(PHOTOS.glob("*.jpg")) + sorted(PHOTOS.glob("*.png")):
            (photos / f"{copy}_{photo.name}").write_bytes(photo.read_bytes())
    frames = two_people_frames(seconds * FPS)
    for index in range(videos):
        write_video(clips / f"clip_{index}.mp4", frames[index:] + frames[:index], fps=FPS)
    return photos, clips


def warm_recognizers() -> Recognizers:
    """The plain loop's recognizers with the model and both detectors loaded (loading is not what is timed)."""
    import numpy as np

    recognizers = Recognizers()
    analyse_file(find_media([str(PHOTOS / "grace_hopper.jpg")])[0], recognizers)
    recognizers.videos.detector.detect(np.zeros((64, 64, 3), np.uint8))
    return recognizers


def plain_loop(folder: Path, recognizers: Recognizers) -> float:
    """Seconds the one-file-at-a-time loop takes over a folder."""
    started = time.perf_counter()
    for media in find_media([str(folder)]):
        analyse_file(media, recognizers)
    return time.perf_counter() - started


def ray_run(folder: Path, workers: int, out: Path) -> dict:
    """One analyze_collection over a folder: overall seconds and steady seconds per file."""
    finished: list[float] = []

    def progress(update: BatchProgress) -> None:
        finished.extend([time.perf_counter()] * (update.done - len(finished)))

    started = time.perf_counter()
    summary = analyze_collection([str(folder)], out, workers=workers, progress=progress)
    overall = time.perf_counter() - started
    steady = (finished[-1] - finished[0]) / (len(finished) - 1) if len(finished) > 1 else overall
    return {"files": summary.done, "overall_s": round(overall, 2), "steady_s_per_file": round(steady, 3)}


def rates(name: str, photos: int, video_seconds: float, photo_s: float, video_s: float) -> dict:
    """Photos a second and video seconds a second from the seconds each folder took."""
    row = {"way": name, "photos_per_s": round(photos / photo_s, 2), "video_s_per_s": round(video_seconds / video_s, 2)}
    print(f"{name:>22}: {row['photos_per_s']:6.2f} photos/s  {row['video_s_per_s']:6.2f} video-seconds/s")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=2, help="copies of each example photo")
    parser.add_argument("--videos", type=int, default=4, help="generated clips")
    parser.add_argument("--video-seconds", type=int, default=3, help="length of each clip")
    parser.add_argument("--out", default="bench/results/batch.json")
    args = parser.parse_args()
    report = {"load_average_before": os.getloadavg(), "cpus": os.cpu_count(), "ways": []}
    with tempfile.TemporaryDirectory(prefix="fer-batch-bench-") as scratch:
        photos, clips = make_collection(Path(scratch), args.copies, args.videos, args.video_seconds)
        n_photos, video_seconds = len(list(photos.iterdir())), args.videos * args.video_seconds
        print(f"{n_photos} photos, {args.videos} videos of {args.video_seconds} s; load {os.getloadavg()[0]:.1f}")
        recognizers = warm_recognizers()
        plain = [plain_loop(folder, recognizers) for folder in (photos, clips)]
        report["ways"].append(rates("one file at a time", n_photos, video_seconds, *plain))
        for workers in (1, 2):
            with ray_session(workers=workers):
                runs = [
                    ray_run(folder, workers, Path(scratch) / f"{workers}_{folder.name}") for folder in (photos, clips)
                ]
            overall = rates(
                f"Ray, {workers} workers, overall", n_photos, video_seconds, *(r["overall_s"] for r in runs)
            )
            steady = [r["steady_s_per_file"] * r["files"] for r in runs]
            report["ways"] += [
                overall | {"runs": runs},
                rates(f"Ray, {workers} workers, steady", n_photos, video_seconds, *steady),
            ]
    report["load_average_after"] = os.getloadavg()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(f"load average {report['load_average_after'][0]:.1f}; written to {args.out}")


if __name__ == "__main__":
    main()
