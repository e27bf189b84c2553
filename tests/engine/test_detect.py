"""Face detection on real photos: how many faces, where, in which order, and the box-overlap maths."""

from __future__ import annotations

import numpy as np
import pytest

from fer_core import FaceDetector, load_image
from fer_core.detect import Box


def test_astronaut_has_exactly_one_face(astronaut):
    faces = FaceDetector().detect(load_image(astronaut))
    assert len(faces) == 1
    box = faces[0].box
    assert 150 < box.x + box.width / 2 < 250 and 50 < box.y + box.height / 2 < 200
    assert set(faces[0].keypoints) == {"right_eye", "left_eye", "nose", "mouth", "right_ear", "left_ear"}


def test_group_photo_has_at_least_five_faces(group_photo):
    faces = FaceDetector("auto").detect(load_image(group_photo))
    assert len(faces) >= 5
    assert all(0.5 <= f.score <= 1 for f in faces)


def test_the_default_search_finds_all_five_people_in_a_full_hd_group_photo(group_photo):
    import cv2

    rgb = cv2.resize(load_image(group_photo), (1920, 1080))
    assert len(FaceDetector().detect(rgb)) == 5


@pytest.mark.parametrize("width", [None, 1920])
def test_a_face_gets_the_same_answer_on_the_photos_page_whichever_search_found_it(group_photo, width):
    """The near, far and auto searches draw different first boxes for one face; the page must still name the same
    emotions (with the same certainty) for it, at the photo's own size and at full HD."""
    import cv2

    from fer_core import EmotionRecognizer

    rgb = load_image(group_photo)
    if width:
        rgb = cv2.resize(rgb, (width, round(rgb.shape[0] * width / rgb.shape[1])), interpolation=cv2.INTER_AREA)
    answers = {r: EmotionRecognizer(detector_range=r).with_tta().analyze(rgb) for r in ("near", "far", "auto")}
    for face in answers["auto"]:
        for rng in ("near", "far"):
            for other in [f for f in answers[rng] if f.box.overlap(face.box) > 0.5]:
                assert _named(other) == _named(face), (rng, face.box, face.label, other.label)
                assert np.abs(other.vector - face.vector).max() < 0.12, (rng, face.box, other.box)
    assert sum(len(faces) for faces in answers.values()) >= 5 + 5 + 2


def _named(face) -> tuple[frozenset[str], bool]:
    """What the page says of a face, order aside: the emotions it names, and whether it says it is unsure."""
    return frozenset([face.emotion, face.runner_up] if face.uncertain else [face.emotion]), face.uncertain


def test_far_range_finds_the_small_faces_near_range_misses(group_photo):
    rgb = load_image(group_photo)
    assert len(FaceDetector("far").detect(rgb)) > len(FaceDetector("near").detect(rgb))


def test_faces_are_sorted_largest_first_and_do_not_overlap(group_photo):
    faces = FaceDetector().detect(load_image(group_photo))
    areas = [f.box.area() for f in faces]
    assert areas == sorted(areas, reverse=True)
    for i, a in enumerate(faces):
        for b in faces[i + 1 :]:
            assert not _same_place(a.box, b.box)


def test_image_without_a_face_gives_no_detections():
    gradient = np.tile(np.linspace(0, 255, 400, dtype=np.uint8), (300, 1))
    assert FaceDetector().detect(load_image(gradient)) == []


def test_unknown_range_is_refused():
    with pytest.raises(ValueError, match="detector_range"):
        FaceDetector("medium")


def test_photo_turned_on_its_side_by_exif_is_detected_upright(portrait):
    import io

    from PIL import Image

    upright = load_image(portrait)
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    Image.fromarray(np.rot90(upright)).save(buffer, format="JPEG", exif=exif)
    faces = FaceDetector().detect(load_image(buffer.getvalue()))
    assert len(faces) == 1
    eyes = faces[0].keypoints
    assert abs(eyes["right_eye"][1] - eyes["left_eye"][1]) < 0.2 * faces[0].box.width


def _same_place(a: Box, b: Box) -> bool:
    w = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
    h = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
    return w > 0 and h > 0 and w * h > 0.3 * min(a.area(), b.area())


def test_iou_of_identical_boxes_is_one_and_of_separate_boxes_zero():
    assert Box(0, 0, 10, 10).overlap(Box(0, 0, 10, 10)) == 1.0
    assert Box(0, 0, 10, 10).overlap(Box(20, 20, 10, 10)) == 0.0


def test_a_box_inside_another_overlaps_it_fully_over_the_smaller_box_but_not_over_the_union():
    inner, outer = Box(10, 10, 10, 10), Box(0, 0, 40, 40)
    assert inner.overlap(outer, over="smaller") == outer.overlap(inner, over="smaller") == 1.0
    assert inner.overlap(outer) == pytest.approx(100 / 1600)
