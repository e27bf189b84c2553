"""Draw what was found on a copy of the image: numbered boxes in the emotion's colour, label, optional bars.

Everything drawn stays inside the frame, and text is sized for the width the image is shown at, so it stays
legible (at least TEXT_HEIGHT pixels high on screen) whether the image is a webcam frame or a 4K group photo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from .detect import Box
from .labels import COLORS, EMOTIONS, color_bgr, ink_on
from .recognizer import FaceResult

TEXT_HEIGHT = 13
"""Height of capital letters and digits on screen, in screen pixels (readable text is 12 or more)."""

PANEL = (32, 32, 32)
"""Background of the probability bars (BGR); their text is PANEL_INK, 13:1 contrast on it."""
PANEL_INK = (240, 240, 240)

_FONT = cv2.FONT_HERSHEY_DUPLEX
_SMALLEST_TEXT = 10
"""Text is never drawn smaller than this many image pixels, even on an image shown enlarged."""


@dataclass(frozen=True)
class Layout:
    """Where one face's drawings go, in image pixels: its box (clipped to the frame), label strip and bars panel."""

    box: Box
    label: str
    label_box: Box
    bars_box: Box | None


def annotate(
    rgb: np.ndarray,
    results: Sequence[FaceResult],
    show_probabilities: bool = False,
    numbers: Sequence[int] | None = None,
    display_width: int | None = None,
) -> np.ndarray:
    """An annotated RGB copy of `rgb`: box, "1 happy 87%" (or "1 neutral or sad?") per face, optional bars.

    Faces are numbered 1, 2, ... in order, or by `numbers` (a video's person ids, so they match its table).
    `display_width` is the width the image will be shown at (default: its own, up to 800 pixels).
    """
    canvas = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)  # a new array: the caller's is untouched
    height = text_height(canvas.shape[1], display_width)
    layouts = layout(canvas.shape[:2], results, show_probabilities, numbers, height)
    thickness = max(2, round(height / 6))
    for result, placed in zip(results, layouts, strict=True):
        box = placed.box
        cv2.rectangle(
            canvas,
            (box.x, box.y),
            (box.x + box.width - 1, box.y + box.height - 1),
            color_bgr(result.emotion),
            thickness,
        )
        if placed.bars_box is not None:
            _bars(canvas, result, placed.bars_box, height)
    for result, placed in zip(results, layouts, strict=True):  # labels last: no panel hides a face's number
        _label(canvas, placed.label, placed.label_box, result.emotion, height)
    return cv2.cvtColor(canvas, cv2.COLOR_BGR2RGB)


def text_height(image_width: int, display_width: int | None = None) -> int:
    """Image pixels of text height that show as TEXT_HEIGHT screen pixels when the image is `display_width` wide."""
    shown = display_width or min(image_width, 800)
    return max(_SMALLEST_TEXT, round(TEXT_HEIGHT * image_width / shown))


def layout(
    frame: tuple[int, int],
    results: Sequence[FaceResult],
    show_probabilities: bool,
    numbers: Sequence[int] | None,
    text: int,
) -> list[Layout]:
    """Place every face's label and bars inside the (height, width) `frame`, avoiding the other faces.

    A label that would cover another face or label shrinks to the face's number (the page lists the rest); bars go
    below, right, left or above the face, wherever they fit, and over the face itself only when nothing else does.
    """
    height, width = frame
    numbers = list(numbers or range(1, len(results) + 1))
    boxes = [_clip(r.box, width, height) for r in results]
    labels = [_place_label(str(n), boxes[i], frame, text) for i, n in enumerate(numbers)]
    panels: list[Box] = []
    placed = []
    for index, (number, result) in enumerate(zip(numbers, results, strict=True)):
        full = f"{number} {result.label}" if result.uncertain else f"{number} {result.emotion} {result.confidence:.0%}"
        wide = _place_label(full, boxes[index], frame, text)
        label = str(number)
        if not _covers(wide, [*_without(boxes, index), *_without(labels, index), *panels]):
            label, labels[index] = full, wide
        bars_box = None
        if show_probabilities:
            others = [*_without(boxes, index), *_without(labels, index), *panels]
            bars_box = _place_bars(boxes[index], labels[index], others, frame, text)
            panels.append(bars_box)
        placed.append(Layout(boxes[index], label, labels[index], bars_box))
    return placed


def _without(boxes: list[Box], index: int) -> list[Box]:
    """All of `boxes` but the one at `index` (the face being placed)."""
    return boxes[:index] + boxes[index + 1 :]


def _covers(box: Box, others: list[Box]) -> bool:
    """Whether `box` shares any pixel with one of `others`."""
    return any(box.overlap(other, "smaller") > 0 for other in others)


def _clip(box: Box, width: int, height: int) -> Box:
    """The part of `box` inside the frame (at least 1x1), so a face that fills the view keeps all four edges."""
    x, y = min(max(box.x, 0), width - 1), min(max(box.y, 0), height - 1)
    right, bottom = min(box.x + box.width, width), min(box.y + box.height, height)
    return Box(x, y, max(right - x, 1), max(bottom - y, 1))


def _text_size(text: str, height: int) -> tuple[int, int, float, int]:
    """(width, height, font scale, stroke) of `text` drawn with capitals `height` image pixels high."""
    (_, unit), _ = cv2.getTextSize("H", _FONT, 1.0, 1)
    scale = height / unit
    stroke = max(1, round(height / 11))
    (w, h), _ = cv2.getTextSize(text, _FONT, scale, stroke)
    return w, h, scale, stroke


def _place_label(text: str, box: Box, frame: tuple[int, int], height: int) -> Box:
    """The label strip above the face (inside its top edge when there is no room), shifted left to stay in frame."""
    width, _, _, _ = _text_size(text, height)
    strip_height = round(height * 1.8)
    above = box.y - strip_height
    return _fit(Box(box.x, above if above >= 0 else box.y, width + height, strip_height), frame)


def _place_bars(box: Box, label: Box, others: list[Box], frame: tuple[int, int], text: int) -> Box:
    """The bars panel's spot: of below, right, left and above the face (moved inside the frame), the first that
    covers the least of the faces and labels; below the face when that covers nothing."""
    row = round(text * 1.6)
    label_width, _, _, _ = _text_size("surprise", text)
    width, height = label_width + text * 7, row * len(EMOTIONS) + text // 2
    top = max(box.y, label.y + label.height) if label.y >= box.y else box.y
    spots = [
        Box(box.x, box.y + box.height, width, height),
        Box(box.x + box.width, top, width, height),
        Box(box.x - width, top, width, height),
        Box(box.x, label.y - height, width, height),
    ]
    avoid = [*others, label, box]
    return min((_fit(spot, frame) for spot in spots), key=lambda spot: sum(_shared(spot, o) for o in avoid))


def _shared(a: Box, b: Box) -> int:
    """Pixels two boxes have in common."""
    w = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
    h = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
    return max(w, 0) * max(h, 0)


def _fit(box: Box, frame: tuple[int, int]) -> Box:
    """`box` moved (and, if larger than the frame, cut) so that all of it is inside the frame."""
    frame_h, frame_w = frame
    width, height = min(box.width, frame_w), min(box.height, frame_h)
    return Box(min(max(box.x, 0), frame_w - width), min(max(box.y, 0), frame_h - height), width, height)


def _label(canvas: np.ndarray, text: str, strip: Box, emotion: str, height: int) -> None:
    """Text on a strip of the emotion's colour, in black or white, whichever contrasts more (4.5:1 or better)."""
    _, _, scale, stroke = _text_size(text, height)
    cv2.rectangle(
        canvas,
        (strip.x, strip.y),
        (strip.x + strip.width - 1, strip.y + strip.height - 1),
        color_bgr(emotion),
        cv2.FILLED,
    )
    ink = (0, 0, 0) if ink_on(COLORS[emotion]) == "#000000" else (255, 255, 255)
    baseline = strip.y + (strip.height + height) // 2
    cv2.putText(canvas, text, (strip.x + height // 2, baseline), _FONT, scale, ink, stroke, cv2.LINE_AA)


def _bars(canvas: np.ndarray, result: FaceResult, panel: Box, height: int) -> None:
    """A dark panel of seven rows, each the emotion's full name and a bar as long as its probability."""
    cv2.rectangle(
        canvas, (panel.x, panel.y), (panel.x + panel.width - 1, panel.y + panel.height - 1), PANEL, cv2.FILLED
    )
    label_width, _, scale, stroke = _text_size("surprise", height)
    row = round(height * 1.6)
    bar_left = panel.x + label_width + height
    bar_room = panel.x + panel.width - height // 2 - bar_left
    for index, emotion in enumerate(EMOTIONS):
        top = panel.y + height // 4 + index * row
        if top + row > panel.y + panel.height:
            break
        baseline = top + (row + height) // 2
        cv2.putText(canvas, emotion, (panel.x + height // 2, baseline), _FONT, scale, PANEL_INK, stroke, cv2.LINE_AA)
        length = max(1, round(result.probabilities[emotion] * bar_room))
        cv2.rectangle(
            canvas,
            (bar_left, top + row // 5),
            (bar_left + length, top + row - row // 5),
            color_bgr(emotion),
            cv2.FILLED,
        )
