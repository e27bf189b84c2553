"""Benchmark video analysis on this machine: speed on a 640x480 one-face clip, and memory over a longer one.

    .venv/bin/python bench/video_speed.py [--seconds 10] [--long-seconds 120] [--out bench/results/video_speed.json]

The clips are made here (H.264, 30 fps) from the same drifting astronaut portrait as bench/speed.py. For every
frame and for 1 frame in 3, with and without the annotated copy, it prints frames analysed per second, the
real-time factor (seconds of video per second of analysis; 2.0 is twice as fast as playing it) and CPU time
per frame, after a warm-up. Then it analyses the long clip (annotated, every frame) and samples resident
memory once a second, to show it stays flat. The load average is printed too: figures from a busy machine
are lower than from a quiet one.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from speed import save, webcam_frames  # noqa: E402  (bench/ is on sys.path when this runs as a script)

from fer_core import EmotionRecognizer  # noqa: E402
from fer_core.video import Mp4Writer, VideoProgress, analyze_video  # noqa: E402

FPS = 30


def make_clip(path: Path, seconds: int) -> Path:
    """A 640x480, 30 fps H.264 clip of one face, written frame by frame."""
    with Mp4Writer(path, FPS) as writer:
        for index, frame in enumerate(webcam_frames(seconds * FPS)):
            writer.write(frame, index / FPS)
    return path


def cpu_seconds() -> float:
    """User plus system CPU time of this process so far (all threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed_run(clip: Path, recognizer: EmotionRecognizer, every: int, annotated: Path | None) -> dict:
    """One analysis of the clip: speed, real-time factor and CPU time per frame."""
    cpu = cpu_seconds()
    analysis = analyze_video(clip, recognizer, every, annotated)
    cpu = cpu_seconds() - cpu
    return {
        "every": every,
        "annotated": annotated is not None,
        "frames": analysis.frames_read,
        "faces_found": len(analysis.faces),
        "seconds": round(analysis.seconds, 2),
        "frames_per_second": round(analysis.frames_per_second, 1),
        "realtime_factor": round(analysis.realtime_factor, 2),
        "cpu_ms_per_frame": round(cpu / analysis.frames_read * 1000, 2),
    }


def memory_run(clip: Path, recognizer: EmotionRecognizer, annotated: Path) -> dict:
    """The long clip, annotated, every frame: resident memory sampled about once a second."""
    samples: list[tuple[int, float]] = []

    def sample(progress: VideoProgress) -> None:
        samples.append((progress.done, rss_mb()))

    analysis = analyze_video(clip, recognizer, 1, annotated, progress=sample, progress_seconds=1.0)
    tenth = next(mb for done, mb in samples if done >= analysis.frames_read / 10)
    after = [mb for done, mb in samples if done >= analysis.frames_read / 10]
    return {
        "frames": analysis.frames_read,
        "seconds": round(analysis.seconds, 1),
        "realtime_factor": round(analysis.realtime_factor, 2),
        "samples": len(samples),
        "rss_mb_at_10_percent": round(tenth, 1),
        "rss_mb_at_end": round(samples[-1][1], 1),
        "rss_mb_highest_after_10_percent": round(max(after), 1),
        "rss_mb_growth_after_10_percent": round(max(after) - tenth, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="length of the speed clip")
    parser.add_argument("--long-seconds", type=int, default=120, help="length of the memory clip")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "video_speed.json"))
    args = parser.parse_args()
    results: dict = {"machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()}}
    recognizer = EmotionRecognizer(detector_range="near")
    with tempfile.TemporaryDirectory(prefix="fer-video-bench-") as folder:
        folder = Path(folder)
        clip = make_clip(folder / "clip.mp4", args.seconds)
        timed_run(make_clip(folder / "warm-up.mp4", 1), recognizer, 1, folder / "warm-up-out.mp4")
        results["clip"] = {"width": 640, "height": 480, "fps": FPS, "seconds": args.seconds}
        results["runs"] = [
            timed_run(clip, recognizer, every, folder / "out.mp4" if annotated else None)
            for every in (1, 3)
            for annotated in (False, True)
        ]
        for run in results["runs"]:
            print(
                f"every {run['every']}, {'with' if run['annotated'] else 'without'} annotated copy: "
                f"{run['frames_per_second']} frames/s, {run['realtime_factor']}x real time, "
                f"{run['cpu_ms_per_frame']} ms CPU per frame"
            )
        long_clip = make_clip(folder / "long.mp4", args.long_seconds)
        results["memory"] = memory_run(long_clip, recognizer, folder / "long-out.mp4")
        memory = results["memory"]
        print(
            f"{args.long_seconds} s clip, annotated: resident memory {memory['rss_mb_at_10_percent']} MB at 10%, "
            f"{memory['rss_mb_at_end']} MB at the end (highest {memory['rss_mb_highest_after_10_percent']} MB)"
        )
    results["machine"]["load_average_at_end"] = os.getloadavg()
    save(results, args.out)


if __name__ == "__main__":
    main()
