"""Shared fixtures: paths to the small real photos and FER2013 crops in tests/fixtures, and one recognizer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

FIXTURES = Path(__file__).parent / "fixtures"
PHOTOS = FIXTURES / "photos"
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
