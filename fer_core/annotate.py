"""Draw what was found on a copy of the image: numbered boxes in the emotion's colour, label, confidence."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from .labels import EMOTIONS, color_bgr
from .recognizer import FaceResult


def annotate(rgb: np.ndarray, results: Sequence[FaceResult], show_probabilities: bool = False) -> np.ndarray:
    """An annotated RGB copy of `rgb`: box, "1 happy 87%" label per face, and optional per-emotion bars."""
    canvas = np.ascontiguousarray(rgb[:, :, ::-1]).copy()
    thickness = max(2, round(max(canvas.shape[:2]) / 400))
    for number, result in enumerate(results, start=1):
        color = color_bgr(result.emotion)
        box = result.box
        cv2.rectangle(canvas, (box.x, box.y), (box.x + box.width, box.y + box.height), color, thickness)
        label = f"{number} {result.emotion} {result.confidence:.0%}"
        _label(canvas, label, box.x, box.y, color, scale=max(0.5, box.width / 220))
        if show_probabilities:
            _bars(canvas, result, box.x, box.y + box.height + thickness, max(box.width, 90))
    return canvas[:, :, ::-1].copy()


def _label(canvas: np.ndarray, text: str, x: int, y: int, color: tuple[int, int, int], scale: float) -> None:
    """Text on a filled strip above the box (below its top edge when there is no room above)."""
    font = cv2.FONT_HERSHEY_SIMPLEX
    weight = max(1, round(scale * 2))
    (width, height), base = cv2.getTextSize(text, font, scale, weight)
    top = y - height - base - 4 if y - height - base - 4 >= 0 else y
    cv2.rectangle(canvas, (x, top), (x + width + 6, top + height + base + 4), color, cv2.FILLED)
    ink = (0, 0, 0) if sum(color) > 400 else (255, 255, 255)
    cv2.putText(canvas, text, (x + 3, top + height + 2), font, scale, ink, weight, cv2.LINE_AA)


def _bars(canvas: np.ndarray, result: FaceResult, x: int, y: int, width: int) -> None:
    """Seven thin horizontal bars, one per emotion in EMOTIONS order, with a short name."""
    bar_height = max(6, width // 16)
    scale = bar_height / 22
    for row, emotion in enumerate(EMOTIONS):
        top = y + row * (bar_height + 2)
        if top + bar_height >= canvas.shape[0]:
            break
        length = round(result.probabilities[emotion] * width * 0.7)
        cv2.rectangle(canvas, (x, top), (x + round(width * 0.7), top + bar_height), (40, 40, 40), cv2.FILLED)
        cv2.rectangle(canvas, (x, top), (x + length, top + bar_height), color_bgr(emotion), cv2.FILLED)
        cv2.putText(
            canvas,
            emotion[:3],
            (x + round(width * 0.72), top + bar_height - 1),
            cv2.FONT_HERSHEY_SIMPLEX,
            scale,
            (255, 255, 255),
            1,
            cv2.LINE_AA,
        )
