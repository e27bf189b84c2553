"""Benchmark fer_core on this machine's CPU and print (and save as JSON) how fast each stage is.

    .venv/bin/python bench/speed.py [--repeats 30] [--out bench/results/speed.json]

Medians of repeated calls, after a warm-up. Timings on shared machines are noisy: read the ratios
within one run (for example the compiled classifier against Keras' model.predict) rather than
comparing absolute numbers across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from fer_core import EmotionRecognizer, FaceDetector, load_image  # noqa: E402

PHOTOS = ROOT / "pages" / "examples"


def median_ms(call, repeats: int, warmup: int = 3) -> float:
    """Median wall time of call() in milliseconds."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 3)


def webcam_frames(n_frames: int) -> Iterator[np.ndarray]:
    """A 640x480 'webcam' clip from the astronaut portrait, one frame at a time: the face drifts and grows a little."""
    face = load_image(PHOTOS / "astronaut_eileen_collins.png")
    for i in range(n_frames):
        scale = 1.0 + 0.1 * np.sin(i / 15)
        shift = 20 * np.sin(i / 10)
        matrix = np.array([[scale, 0, 64 + shift], [0, scale, -16]], np.float32)
        yield cv2.warpAffine(face, matrix, (640, 480), borderMode=cv2.BORDER_CONSTANT, borderValue=(90, 90, 90))


def webcam_video(n_frames: int) -> list[np.ndarray]:
    """The same clip as a list of frames."""
    return list(webcam_frames(n_frames))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "speed.json"))
    args = parser.parse_args()
    r = args.repeats
    results: dict = {"machine": {"cpus": os.cpu_count(), "processor": platform.processor() or platform.machine()}}

    portrait = load_image(PHOTOS / "astronaut_eileen_collins.png")
    frame_vga = cv2.resize(portrait, (640, 480))
    frame_hd = cv2.resize(portrait, (1920, 1080))
    near, auto = FaceDetector("near"), FaceDetector("auto")
    results["detector_ms"] = {
        "near_640x480": median_ms(lambda: near.detect(frame_vga), r),
        "near_1920x1080": median_ms(lambda: near.detect(frame_hd), r),
        "auto_640x480": median_ms(lambda: auto.detect(frame_vga), r),
        "auto_1920x1080": median_ms(lambda: auto.detect(frame_hd), r),
    }

    recognizer = EmotionRecognizer(detector_range="near")
    classifier = recognizer.classifier
    faces1 = np.stack([recognizer.analyze(portrait)[0].aligned])
    faces8 = np.repeat(faces1, 8, axis=0)
    model = classifier.model
    batch1, batch8 = faces1[..., None].astype(np.float32), faces8[..., None].astype(np.float32)
    compiled_1 = median_ms(lambda: classifier.probabilities(faces1), r)
    compiled_8 = median_ms(lambda: classifier.probabilities(faces8), r)
    predict_1 = median_ms(lambda: model.predict(batch1, verbose=0), min(r, 15))
    predict_8 = median_ms(lambda: model.predict(batch8, verbose=0), min(r, 15))
    results["classifier_ms"] = {
        "batch1_per_face": compiled_1,
        "batch8_per_face": round(compiled_8 / 8, 3),
        "batch1_tta": median_ms(lambda: classifier.probabilities(faces1, tta=True), r),
        "naive_model_predict_batch1_per_face": predict_1,
        "naive_model_predict_batch8_per_face": round(predict_8 / 8, 3),
        "speedup_over_predict_batch1": round(predict_1 / compiled_1, 1),
    }

    group = load_image(PHOTOS / "group_meeting.jpg")
    photo_recognizer = EmotionRecognizer(detector_range="auto")
    results["analyze_ms"] = {
        "one_face_512x512": median_ms(lambda: photo_recognizer.analyze(portrait), r),
        "group_1280x853": median_ms(lambda: photo_recognizer.analyze(group), r),
        "group_faces_found": len(photo_recognizer.analyze(group)),
    }

    frames = webcam_video(300)
    for frame in frames[:10]:
        recognizer.analyze(frame)
    start = time.perf_counter()
    found = sum(len(recognizer.analyze(frame)) for frame in frames)
    elapsed = time.perf_counter() - start
    results["video_640x480_one_face"] = {
        "frames": len(frames),
        "faces_found": found,
        "frames_per_second": round(len(frames) / elapsed, 1),
        "ms_per_frame": round(elapsed / len(frames) * 1000, 2),
    }
    save(results, args.out)


def save(results: dict, out: str) -> None:
    """Add this process's peak resident memory, write the figures as JSON to `out` and print them."""
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
