"""Speed beside the `fer` package (pip install fer), in one run on the same photo: the example group photo scaled
to 1920x1080, analysed by the Photos page's default search ("auto") and by fer's default (OpenCV's face cascade
and its own CNN). Prints each one's faces found and median milliseconds per photo, and the ratios.

`fer` is not one of our requirements: install it apart, without its dependencies (it needs only TensorFlow,
OpenCV and requests, which we have), and point this script at it:

    .venv/bin/pip install -q --no-deps --target /tmp/ferpkg fer
    .venv/bin/python bench/versus_fer.py --fer-path /tmp/ferpkg [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fer_core import EmotionRecognizer, load_image  # noqa: E402

PHOTO = ROOT / "pages" / "examples" / "group_meeting.jpg"


def main() -> int:
    """Time both tools on the same photo, alternating them so the machine's load falls on both alike."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fer-path", required=True, help="folder where `pip install --target` put fer")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, args.fer_path)
    from fer.fer import FER

    rgb = cv2.resize(load_image(PHOTO), (1920, 1080), interpolation=cv2.INTER_CUBIC)
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    ours = EmotionRecognizer(detector_range="auto", min_face_score=0.3)
    theirs = FER()
    contenders: dict[str, Callable[[], int]] = {
        "fer (default settings)": lambda: len(theirs.detect_emotions(bgr)),
        "ours, one look per face": lambda: len(ours.analyze(rgb)),
        "ours, 12 looks (the Photos page)": lambda: len(ours.with_tta().analyze(rgb)),
        "ours, finding the faces only": lambda: len(ours.detector.detect(rgb)),
    }
    times = _timed(contenders, args.repeats)
    fer_ms = statistics.median(times["fer (default settings)"][1])
    print(f"1920x1080 copy of {PHOTO.name}, median of {args.repeats} runs each, alternating:")
    for name, (faces, spent) in times.items():
        ms = statistics.median(spent)
        print(f"  {name:34s} {faces} faces  {ms:7.1f} ms  ({fer_ms / ms:4.1f}x fer's speed)")
    return 0


def _timed(contenders: dict[str, Callable[[], int]], repeats: int) -> dict[str, tuple[int, list[float]]]:
    """{name: (faces found, milliseconds of each run)}, after one warm-up call each."""
    faces = {name: run() for name, run in contenders.items()}
    spent: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, run in contenders.items():
            start = time.perf_counter()
            run()
            spent[name].append((time.perf_counter() - start) * 1000)
    return {name: (faces[name], spent[name]) for name in contenders}


if __name__ == "__main__":
    sys.exit(main())
