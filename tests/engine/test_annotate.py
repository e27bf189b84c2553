"""Annotated images: every label and bars panel inside the frame, legible at display size, readable colours."""

from __future__ import annotations

import numpy as np
import pytest

from fer_core import EMOTIONS
from fer_core.annotate import PANEL, PANEL_INK, TEXT_HEIGHT, annotate, layout, text_height
from fer_core.detect import Box
from fer_core.labels import COLORS, ink_on
from fer_core.recognizer import FaceResult


def _face(x: int, y: int, size: int, emotion: str = "angry", share: float = 0.8) -> FaceResult:
    rest = (1 - share) / (len(EMOTIONS) - 1)
    probabilities = {e: share if e == emotion else rest for e in EMOTIONS}
    return FaceResult(Box(x, y, size, size), 0.9, {}, probabilities, np.zeros((48, 48), np.uint8), 0.3)


def _inside(box: Box, height: int, width: int) -> bool:
    return box.x >= 0 and box.y >= 0 and box.x + box.width <= width and box.y + box.height <= height


def _luminance(rgb) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in rgb)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a, b) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("frame", "faces"),
    [
        ((480, 640), [_face(40, 0, 600)]),  # a face filling a webcam frame, its box past the bottom edge
        ((600, 400), [_face(100, 200, 300)]),  # an angry portrait whose face reaches the bottom
        ((1080, 1920), [_face(200 + 330 * i, 380, 150, "sad") for i in range(5)]),  # a group photo
        ((120, 160), [_face(10, 10, 100)]),  # a thumbnail smaller than the bars panel
    ],
)
def test_every_box_label_and_bars_panel_stays_inside_the_frame(frame, faces):
    height, width = frame
    placed = layout(frame, faces, True, None, text_height(width, 800))
    for spot in placed:
        assert _inside(spot.box, height, width)
        assert _inside(spot.label_box, height, width)
        assert _inside(spot.bars_box, height, width)


def test_bars_of_a_face_filling_the_frame_are_drawn_not_dropped():
    frame = np.full((480, 640, 3), 200, np.uint8)
    drawn = annotate(frame, [_face(40, 0, 600)], show_probabilities=True)
    panel = np.all(drawn == PANEL[::-1], axis=2)
    assert panel.sum() > 0.05 * panel.size


def test_text_is_at_least_twelve_screen_pixels_high_at_the_width_the_page_shows():
    for width, shown in [(1920, 880), (640, 640), (4000, 500), (300, 900)]:
        on_screen = text_height(width, shown) * shown / width
        assert on_screen >= 12 or text_height(width, shown) >= 10
    assert text_height(1920, 880) * 880 / 1920 >= TEXT_HEIGHT - 0.5


def test_crowded_faces_get_their_number_instead_of_a_label_covering_a_neighbour():
    faces = [_face(100 + 170 * i, 400, 150, "sad") for i in range(5)]
    placed = layout((1080, 1920), faces, False, None, text_height(1920, 600))
    assert [p.label for p in placed] == ["1", "2", "3", "4", "5 sad 80%"]  # the last has room to its right
    alone = layout((1080, 1920), faces[:1], False, None, text_height(1920, 600))
    assert alone[0].label == "1 sad 80%"


def test_label_text_has_at_least_aa_contrast_on_every_emotion_colour():
    for emotion, color in COLORS.items():
        background = tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
        ink = (0, 0, 0) if ink_on(color) == "#000000" else (255, 255, 255)
        assert _contrast(background, ink) >= 4.5, emotion
    assert _contrast(PANEL, PANEL_INK) >= 4.5


def test_uncertain_faces_are_labelled_with_both_emotions():
    face = _face(100, 100, 200, "sad", share=0.3)
    placed = layout((600, 800), [face], False, [7], text_height(800))
    assert placed[0].label.startswith("7 sad or ")
