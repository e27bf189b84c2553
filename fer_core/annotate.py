"""Draw what was found on a copy of the image: numbered boxes in the emotion's colour, label, confidence."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from .labels import COLORS, EMOTIONS, color_bgr, ink_on
from .recognizer import FaceResult


def annotate(
    rgb: np.ndarray,
    results: Sequence[FaceResult],
    show_probabilities: bool = False,
    numbers: Sequence[int] | None = None,
) -> np.ndarray:
    """An annotated RGB copy of `rgb`: box, "1 happy 87%" (or "1 neutral or sad?") per face, optional bars.

    Faces are numbered 1, 2, ... in order, or by `numbers` (a video's person ids, so they match its table).
    """
    canvas = np.ascontiguousarray(rgb[:, :, ::-1]).copy()
    thickness = max(2, round(max(canvas.shape[:2]) / 400))
    for number, result in zip(numbers or range(1, len(results) + 1), results, strict=True):
        color = color_bgr(result.emotion)
        box = result.box
        cv2.rectangle(canvas, (box.x, box.y), (box.x + box.width, box.y + box.height), color, thickness)
        label = f"{number} {result.label}" if result.uncertain else f"{number} {result.emotion} {result.confidence:.0%}"
        _label(canvas, label, box.x, box.y, result.emotion, scale=max(0.5, box.width / 220))
        if show_probabilities:
            _bars(canvas, result, box.x, box.y + box.height + thickness, max(box.width, 90))
    return canvas[:, :, ::-1].copy()


def _label(canvas: np.ndarray, text: str, x: int, y: int, emotion: str, scale: float) -> None:
    """Text on a strip of the emotion's colour above the box (below its top edge when there is no room above)."""
    color = color_bgr(emotion)
    font = cv2.FONT_HERSHEY_SIMPLEX
    weight = max(1, round(scale * 2))
    (width, height), base = cv2.getTextSize(text, font, scale, weight)
    top = y - height - base - 4 if y - height - base - 4 >= 0 else y
    cv2.rectangle(canvas, (x, top), (x + width + 6, top + height + base + 4), color, cv2.FILLED)
    ink = (0, 0, 0) if ink_on(COLORS[emotion]) == "#000000" else (255, 255, 255)
    cv2.putText(canvas, text, (x + 3, top + height + 2), font, scale, ink, weight, cv2.LINE_AA)


def _bars(canvas: np.ndarray, result: FaceResult, x: int, y: int, width: int) -> None:
    """A dark panel of seven labelled bars, one per emotion in EMOTIONS order, below the face."""
    row = max(11, width // 11)
    font_scale = row / 30
    (label_width, _), _ = cv2.getTextSize("sur", cv2.FONT_HERSHEY_SIMPLEX, font_scale, 1)
    height = len(EMOTIONS) * row + 4
    bottom = min(canvas.shape[0], y + height)
    right = min(canvas.shape[1], x + width)
    cv2.rectangle(canvas, (x, y), (right, bottom), (30, 30, 30), cv2.FILLED)
    bar_left, bar_width = x + label_width + 8, width - label_width - 12
    for index, emotion in enumerate(EMOTIONS):
        top = y + 2 + index * row
        if top + row > bottom:
            break
        cv2.putText(
            canvas,
            emotion[:3],
            (x + 4, top + row - 3),
            cv2.FONT_HERSHEY_SIMPLEX,
            font_scale,
            (235, 235, 235),
            1,
            cv2.LINE_AA,
        )
        length = round(result.probabilities[emotion] * bar_width)
        cv2.rectangle(canvas, (bar_left, top + 2), (bar_left + length, top + row - 2), color_bgr(emotion), cv2.FILLED)
