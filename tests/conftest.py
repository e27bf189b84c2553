"""Shared fixtures: paths to the small real photos and FER2013 crops in tests/fixtures, one recognizer, and the
two-people test video (the engine's, the CLI's and the Video page's tests all read it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
PHOTOS = ROOT / "pages" / "examples"
"""The example photos the app offers (licensed for tests and demos: see SOURCES.md there)."""
FER_TINY = FIXTURES / "fer_tiny"
FER_CLEAR = FIXTURES / "fer_clear"


@pytest.fixture(scope="session")
def recognizer():
    from fer_core import EmotionRecognizer

    return EmotionRecognizer()


@pytest.fixture(scope="session")
def astronaut() -> Path:
    return PHOTOS / "astronaut_eileen_collins.png"


@pytest.fixture(scope="session")
def group_photo() -> Path:
    return PHOTOS / "group_meeting.jpg"


@pytest.fixture(scope="session")
def portrait() -> Path:
    return PHOTOS / "grace_hopper.jpg"


def write_video(
    path: Path,
    frames,
    fps: int = 10,
    times: list[float] | None = None,
    rotation: int = 0,
    codec: str = "libx264",
) -> Path:
    """Encode RGB frames (even width and height) into a video with PyAV: at `fps`, or shown at `times` (seconds,
    a variable frame rate), optionally marked for players to turn by `rotation` degrees (as phones do)."""
    from fractions import Fraction

    import av

    with av.open(str(path), "w") as container:
        stream = None
        for index, rgb in enumerate(frames):
            if stream is None:
                stream = container.add_stream(codec, rate=fps)
                stream.width, stream.height, stream.pix_fmt = rgb.shape[1], rgb.shape[0], "yuv420p"
                stream.codec_context.time_base = Fraction(1, 1000)
                if rotation:
                    stream.set_display_rotation(rotation)
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            seconds = times[index] if times is not None else index / fps
            frame.pts, frame.time_base = round(seconds * 1000), Fraction(1, 1000)
            container.mux(stream.encode(frame))
        if stream is not None:
            container.mux(stream.encode(None))
    return path


def fitted(rgb, width: int, height: int):
    """The photo scaled to fit a `width` x `height` frame, centred on grey (a face for a test video)."""
    import cv2
    import numpy as np

    scale = min(width / rgb.shape[1], height / rgb.shape[0])
    small = cv2.resize(rgb, (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    canvas = np.full((height, width, 3), 90, np.uint8)
    top, left = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
    canvas[top : top + small.shape[0], left : left + small.shape[1]] = small
    return canvas


def two_people_frames(count: int = 20) -> list:
    """A test scene: the astronaut on the left and Grace Hopper on the right (480x240), drifting a pixel a frame."""
    import numpy as np

    from fer_core import load_image

    left = fitted(load_image(PHOTOS / "astronaut_eileen_collins.png"), 240, 240)
    right = fitted(load_image(PHOTOS / "grace_hopper.jpg"), 240, 240)
    scene = np.concatenate([left, right], axis=1)
    return [np.roll(scene, step, axis=1) for step in range(count)]


@pytest.fixture(scope="session")
def two_people() -> list:
    """Two seconds at 10 fps: the astronaut on the left and Grace Hopper on the right, drifting slowly."""
    return two_people_frames(20)


@pytest.fixture(scope="session")
def two_people_video(two_people, tmp_path_factory) -> Path:
    return write_video(tmp_path_factory.mktemp("video") / "two.mp4", two_people)
