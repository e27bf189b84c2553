"""Uploads (fer_core.uploads): the one check photos and videos share refuses wrong types and oversized files in plain
words; an analysed photo keeps a bad upload as a result with a reason and drops faces below the minimum confidence."""

from __future__ import annotations

import pytest

from fer_core import InvalidImageError, InvalidVideoError
from fer_core.uploads import PHOTOS, VIDEOS, check_upload, keep_faces


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


def test_a_bad_upload_becomes_a_result_with_a_reason_instead_of_an_exception(photos):
    assert photos[2].error and "not an image" in photos[2].error and photos[2].faces == []


def test_the_minimum_confidence_setting_drops_only_less_certain_faces(photos):
    scores = sorted(f.detection_score for f in photos[0].faces)
    kept = keep_faces(photos[0], scores[0] + 1e-6)
    assert len(kept.faces) == len(scores) - 1
