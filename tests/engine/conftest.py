"""Fixtures the engine's upload and export tests share: two fixture photos and one unreadable upload, analysed."""

from __future__ import annotations

import pytest

from fer_core.uploads import PhotoResult, analyze_photo


@pytest.fixture(scope="module")
def photos(recognizer, group_photo, portrait) -> list[PhotoResult]:
    return [
        analyze_photo(path.name, path.read_bytes(), recognizer, max_bytes=50_000_000)
        for path in (group_photo, portrait)
    ] + [analyze_photo("notes.png", b"not an image", recognizer, max_bytes=50_000_000)]
