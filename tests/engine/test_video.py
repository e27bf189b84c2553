"""Video files (fer_core.video): people keep one id, the table and summary are right, bad input gets a clear message.

Every video here is made by the test from the fixture photos with PyAV (a second or two, small frames).
"""

from __future__ import annotations

import io
import tempfile

import av
import numpy as np
import pandas as pd
import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from fer_core import EMOTIONS, InvalidVideoError, load_image
from fer_core.video import (
    TABLE_COLUMNS,
    Mp4Writer,
    StopAnalysis,
    VideoAnalysis,
    VideoInfo,
    analyze_upload,
    analyze_video,
)
from tests.conftest import PHOTOS, fitted, write_video


@pytest.fixture(scope="module")
def analysed(two_people_video, recognizer) -> VideoAnalysis:
    return analyze_video(two_people_video, recognizer)


def test_each_person_keeps_one_id_through_the_video(analysed):
    assert analysed.people == [1, 2]
    faces = analysed.faces
    assert (faces.groupby("person").size() == 20).all()
    centres = (faces["x"] + faces["width"] / 2).groupby(faces["person"])
    sides = {person: set(centre > 240) for person, centre in centres}
    assert sorted(sides.values(), key=str) == [{False}, {True}]


def test_the_table_gives_time_person_box_probabilities_and_emotion(analysed):
    faces = analysed.faces
    assert list(faces.columns[: len(TABLE_COLUMNS)]) == list(TABLE_COLUMNS)
    assert np.allclose(faces["time"], faces["frame"] / 10)
    assert np.allclose(faces[list(EMOTIONS)].sum(axis=1), 1.0, atol=1e-3)
    assert (faces["emotion"] == faces[list(EMOTIONS)].idxmax(axis=1)).all()
    assert (analysed.info.width, analysed.info.height, analysed.info.fps, analysed.info.frames) == (480, 240, 10, 20)
    assert analysed.frames_read == analysed.frames_analyzed == 20 and analysed.notes() == []


def test_every_nth_frame_analyses_only_those_frames(two_people_video, recognizer):
    analysis = analyze_video(two_people_video, recognizer, every=3)
    assert sorted(set(analysis.faces["frame"])) == [0, 3, 6, 9, 12, 15, 18]
    assert (analysis.frames_read, analysis.frames_analyzed) == (20, 7)
    assert analysis.people == [1, 2]


def test_the_annotated_video_keeps_every_frame_and_draws_the_faces(two_people, two_people_video, recognizer, tmp_path):
    target = tmp_path / "annotated.mp4"
    analyze_video(two_people_video, recognizer, every=2, annotate_to=target)
    with av.open(str(target)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    assert len(frames) == 20 and frames[0].shape == two_people[0].shape
    changed = [(np.abs(a.astype(int) - b).sum(axis=2) > 120).mean() for a, b in zip(frames, two_people, strict=True)]
    # Analysed frames 0, 2 and 4 make the faces people; from then on every frame, analysed or not, shows them.
    assert max(changed[:4]) < 0.01 and min(changed[4:]) > 0.05


def test_a_rotated_phone_video_is_analysed_upright(tmp_path, recognizer):
    portrait = fitted(load_image(PHOTOS / "grace_hopper.jpg"), 240, 320)
    stored = [np.ascontiguousarray(np.rot90(portrait, -1))] * 5
    video = write_video(tmp_path / "phone.mp4", stored, rotation=90)
    analysis = analyze_video(video, recognizer)
    assert (analysis.info.width, analysis.info.height, analysis.info.rotation) == (240, 320, 90)
    assert analysis.people == [1]
    box = analysis.faces.iloc[0]
    assert box["x"] + box["width"] <= 240 and box["y"] + box["height"] <= 320
    assert "turned by 90°" in " ".join(analysis.notes())


def test_a_variable_frame_rate_keeps_each_frames_own_time(two_people, tmp_path, recognizer):
    times = [0.0, 0.04, 0.3, 0.34, 0.8, 0.84, 1.5, 1.54]
    video = write_video(tmp_path / "vfr.mp4", two_people[: len(times)], times=times)
    analysis = analyze_video(video, recognizer)
    person = analysis.faces[analysis.faces["person"] == 1]
    assert person["time"].tolist() == pytest.approx(times, abs=0.002)
    assert analysis.variable_frame_rate
    assert "frame rate varies" in " ".join(analysis.notes())


def test_a_face_seen_in_one_or_two_frames_is_not_a_person_but_three_frames_make_one(tmp_path, recognizer):
    face, wall = fitted(load_image(PHOTOS / "grace_hopper.jpg"), 240, 240), np.full((240, 240, 3), 90, np.uint8)
    flash = write_video(tmp_path / "flash.mp4", [wall] * 4 + [face] * 2 + [wall] * 4)
    assert analyze_video(flash, recognizer).people == []
    brief = analyze_video(write_video(tmp_path / "brief.mp4", [wall] * 4 + [face] * 3 + [wall] * 3), recognizer)
    assert brief.people == [1] and brief.faces["frame"].tolist() == [4, 5, 6]


def test_a_video_without_faces_gives_an_empty_table_and_summary(tmp_path, recognizer):
    video = write_video(tmp_path / "wall.mp4", [np.full((120, 160, 3), 180, np.uint8)] * 5)
    analysis = analyze_video(video, recognizer)
    assert analysis.people == [] and analysis.faces.empty and analysis.summary().empty
    assert list(analysis.faces.columns) == list(TABLE_COLUMNS)
    assert analysis.frames_read == 5


def _error(source, recognizer) -> str:
    with pytest.raises(InvalidVideoError) as caught:
        analyze_video(source, recognizer)
    return str(caught.value)


def test_a_file_that_is_not_a_video_gets_a_clear_message(recognizer):
    assert "not a video we can read" in _error(b"just some text, not a video", recognizer)
    assert "not a video we can read" in _error(b"", recognizer)


def test_a_photo_is_sent_to_the_photos_page(recognizer):
    assert "Photos page" in _error((PHOTOS / "grace_hopper.jpg").read_bytes(), recognizer)


def test_a_sound_only_file_says_it_has_no_picture(tmp_path, recognizer):
    path = tmp_path / "voice.m4a"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=16000, layout="mono")
        for index in range(10):
            frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
            frame.sample_rate, frame.pts = 16000, index * 1024
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    assert "sound but no picture" in _error(path, recognizer)


def test_a_video_with_no_frames_says_so(tmp_path, recognizer):
    path = tmp_path / "empty.avi"
    container = av.open(str(path), "w")
    stream = container.add_stream("mpeg4", rate=10)
    stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
    container.start_encoding()
    container.close()
    assert "no frames" in _error(path, recognizer)


def test_a_cut_off_video_gets_a_clear_message(two_people_video, recognizer):
    assert "not a video we can read" in _error(two_people_video.read_bytes()[:2000], recognizer)


def test_an_upload_of_another_type_is_refused_before_it_is_read(recognizer):
    with pytest.raises(InvalidVideoError, match=r"\.m4a files hold sound but no picture"):
        analyze_upload("interview.m4a", b"not read", recognizer, 10_000_000)


def test_the_writer_keeps_each_frames_own_time_in_order(tmp_path):
    frames = [np.full((64, 96, 3), shade, np.uint8) for shade in (40, 120, 200)]
    with Mp4Writer(tmp_path / "three.mp4", fps=10) as writer:
        for rgb, seconds in zip(frames, (0.0, 0.0, 0.5), strict=True):
            writer.write(rgb, seconds)
    with av.open(str(tmp_path / "three.mp4")) as container:
        times = [frame.time for frame in container.decode(video=0)]
    assert times == pytest.approx([0.0, 0.001, 0.5], abs=1e-6)


def test_an_upload_gives_the_annotated_video_and_leaves_no_temporary_files(
    two_people_video, recognizer, tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with two_people_video.open("rb") as upload:
        analysis = analyze_upload("two.mp4", upload, recognizer, 10_000_000)
    assert analysis.annotated[4:8] == b"ftyp" and analysis.people == [1, 2]
    assert list(tmp_path.glob("fer-video-*")) == []


def test_stopping_mid_way_as_a_cancel_click_does_leaves_no_temporary_files(
    two_people_video, recognizer, tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen = []

    def stop_after_five_frames(progress) -> None:
        seen.append(progress.done)
        assert list(tmp_path.glob("fer-video-*")), "the annotated copy is being written in a temporary folder"
        if progress.done == 5:
            raise StopException()

    with pytest.raises(StopException):
        data = two_people_video.read_bytes()
        analyze_upload("two.mp4", data, recognizer, 10_000_000, progress=stop_after_five_frames, progress_seconds=0)
    assert seen == [1, 2, 3, 4, 5]
    assert list(tmp_path.glob("fer-video-*")) == []


def test_stop_analysis_from_progress_keeps_what_was_found_and_a_playable_copy(two_people_video, recognizer):
    def stop_after_five_frames(progress) -> None:
        if progress.done == 5:
            raise StopAnalysis

    data = two_people_video.read_bytes()
    analysis = analyze_upload(
        "two.mp4", data, recognizer, 10_000_000, progress=stop_after_five_frames, progress_seconds=0
    )
    assert analysis.frames_read == 5 and analysis.stopped_at == pytest.approx(0.4)
    assert set(analysis.faces["frame"]) == {0, 1, 2, 3, 4}
    assert any("You stopped the analysis at 0.4 s" in note for note in analysis.notes())
    with av.open(io.BytesIO(analysis.annotated)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 5


def test_progress_counts_frames_and_estimates_the_time_left(two_people_video, recognizer):
    reports = []
    analyze_video(two_people_video, recognizer, progress=reports.append, progress_seconds=0)
    assert [p.done for p in reports[:20]] == list(range(1, 21))
    assert {p.total for p in reports} == {20}
    assert reports[-1].fraction == 1.0 and reports[-1].seconds_left == 0
    assert reports[9].seconds_left is not None and reports[9].seconds_left > 0


def _analysis(rows: list[tuple[float, int, str]], step: float = 0.1) -> VideoAnalysis:
    """A VideoAnalysis around a hand-made faces table of (time, person, emotion) rows."""
    faces = pd.DataFrame(
        [
            {"time": t, "frame": round(t / step), "person": p, **{e: float(e == emotion) for e in EMOTIONS}}
            | {"emotion": emotion}
            for t, p, emotion in rows
        ]
    )
    info = VideoInfo(640, 480, 1 / step, len(rows), rows[-1][0], 0)
    return VideoAnalysis(info, faces, len(rows), len(rows), step, rows[-1][0] + step, 1.0, False)


def test_the_summary_gives_each_persons_dominant_emotion_and_share_of_time():
    analysis = _analysis([(0.0, 1, "happy"), (0.1, 1, "happy"), (0.2, 1, "happy"), (0.3, 1, "sad"), (0.0, 2, "fear")])
    summary = analysis.summary().set_index("person")
    assert summary.loc[1, "dominant"] == "happy" and summary.loc[1, "happy"] == pytest.approx(0.75)
    assert summary.loc[1, "seconds"] == pytest.approx(0.4)
    assert summary.loc[2, "dominant"] == "fear" and summary.loc[2, "fear"] == 1.0


def test_a_long_absence_does_not_count_as_time_in_the_last_emotion():
    analysis = _analysis([(0.0, 1, "happy"), (5.0, 1, "sad"), (5.1, 1, "sad")])
    summary = analysis.summary().set_index("person")
    assert summary.loc[1, "happy"] == pytest.approx(0.5) and summary.loc[1, "seconds"] == pytest.approx(0.4)


def test_a_long_timeline_is_averaged_into_at_most_max_points():
    rows = [(i / 10, 1, "happy" if i % 2 else "sad") for i in range(1000)]
    seconds, shares = _analysis(rows).timeline(1, max_points=100)
    assert len(seconds) == 100
    assert np.mean(shares["happy"]) == pytest.approx(0.5) and seconds == sorted(seconds)
