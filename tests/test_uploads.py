"""The one upload check photos and videos share: wrong types and oversized files are refused in plain words."""

from __future__ import annotations

import pytest

from fer_core import InvalidImageError, InvalidVideoError
from fer_core.uploads import PHOTOS, VIDEOS, check_upload


def test_files_over_the_upload_limit_are_refused_with_the_limit_in_the_message():
    with pytest.raises(InvalidImageError, match=r"too large \(2.0 MB\); the limit is 1 MB"):
        check_upload("big.jpg", 2_000_000, max_bytes=1_000_000, kind=PHOTOS)


def test_unsupported_and_missing_extensions_are_refused():
    with pytest.raises(InvalidImageError, match=r"\.pdf files are not supported"):
        check_upload("paper.pdf", 10, max_bytes=100, kind=PHOTOS)
    with pytest.raises(InvalidImageError, match="no extension"):
        check_upload("photo", 10, max_bytes=100, kind=PHOTOS)


def test_video_uploads_of_other_types_or_too_large_are_refused():
    with pytest.raises(InvalidVideoError, match=r"\.gif files are not supported"):
        check_upload("party.gif", 10, 1000, VIDEOS)
    with pytest.raises(InvalidVideoError, match=r"\.m4a files hold sound but no picture"):
        check_upload("interview.m4a", 10, 1000, VIDEOS)
    with pytest.raises(InvalidVideoError, match="too large"):
        check_upload("talk.mp4", 2_000_000, 1_000_000, VIDEOS)
    check_upload("Talk.MOV", 10, 1000, VIDEOS)


def test_a_sound_file_uploaded_as_a_photo_is_told_it_has_no_picture():
    with pytest.raises(InvalidImageError, match=r"\.mp3 files hold sound but no picture; please upload a photo"):
        check_upload("song.mp3", 10, 1000, PHOTOS)
