"""`python -m fer_core analyze|evaluate|video`: the documented JSON schema, annotated output, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd

from fer_core import EMOTIONS, load_image
from fer_core.video import TABLE_COLUMNS
from tests.conftest import FER_TINY, ROOT


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fer_core", *args], capture_output=True, text=True, cwd=ROOT)


def test_analyze_json_follows_the_documented_schema(astronaut, group_photo, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_text("not an image")
    run = _cli("analyze", str(astronaut), str(group_photo), str(broken), "--json")
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert report["emotions"] == list(EMOTIONS) and report["model"] == "emotion.keras"
    astronaut_report, group_report, broken_report = report["images"]
    assert astronaut_report["error"] is None and (astronaut_report["width"], astronaut_report["height"]) == (512, 512)
    assert len(astronaut_report["faces"]) == 1 and len(group_report["faces"]) >= 5
    face = astronaut_report["faces"][0]
    assert set(face) == {
        "face",
        "box",
        "detection_score",
        "keypoints",
        "emotion",
        "confidence",
        "uncertain",
        "label",
        "probabilities",
    }
    assert set(face["box"]) == {"x", "y", "width", "height"}
    assert list(face["probabilities"]) == list(EMOTIONS)
    assert face["emotion"] == max(face["probabilities"], key=face["probabilities"].get)
    assert broken_report["faces"] == [] and "not an image" in broken_report["error"]


def test_analyze_text_output_names_each_face(astronaut):
    run = _cli("analyze", str(astronaut))
    assert run.returncode == 0, run.stderr
    assert "1 face" in run.stdout and "face 1 at x=" in run.stdout


def test_annotate_writes_a_marked_copy_of_the_image(astronaut, tmp_path):
    out = tmp_path / "marked.png"
    assert _cli("analyze", str(astronaut), "--annotate", str(out)).returncode == 0
    marked, original = load_image(out), load_image(astronaut)
    assert marked.shape == original.shape
    assert (np.abs(marked.astype(int) - original.astype(int)).sum(axis=2) > 60).mean() > 0.005


def test_annotate_with_several_images_writes_into_a_folder(astronaut, portrait, tmp_path):
    assert _cli("analyze", str(astronaut), str(portrait), "--annotate", str(tmp_path / "out")).returncode == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "astronaut_eileen_collins_annotated.jpg",
        "grace_hopper_annotated.jpg",
    ]


def test_evaluate_writes_metrics_json(tmp_path):
    out = tmp_path / "metrics.json"
    run = _cli("evaluate", str(FER_TINY), "--crops", "--out", str(out))
    assert run.returncode == 0, run.stderr
    metrics = json.loads(out.read_text())
    assert metrics["n_scored"] == 21 and "accuracy" in run.stdout
    assert len(metrics["reliability_bins"]) == 15


def test_evaluate_on_unknown_class_folders_fails_with_a_message(tmp_path):
    (tmp_path / "bored").mkdir()
    run = _cli("evaluate", str(tmp_path), "--crops")
    assert run.returncode == 2 and "bored" in run.stderr and "Traceback" not in run.stderr


def test_cli_video_writes_the_csv_and_the_annotated_video(two_people_video, tmp_path):
    run = _cli(
        "video",
        str(two_people_video),
        "--out",
        str(tmp_path / "out.csv"),
        "--annotate",
        str(tmp_path / "a.mp4"),
        "--range",
        "auto",
    )
    assert run.returncode == 0, run.stderr
    table = pd.read_csv(tmp_path / "out.csv")
    assert list(table.columns[: len(TABLE_COLUMNS)]) == list(TABLE_COLUMNS) and set(table["person"]) == {1, 2}
    assert "2 people in 20 frames" in run.stdout and "person 1: seen 0.0-1.9 s, mostly" in run.stdout
    assert (tmp_path / "a.mp4").stat().st_size > 0


def test_cli_video_on_a_file_that_is_not_a_video_fails_with_a_message(tmp_path):
    fake = tmp_path / "clip.mp4"
    fake.write_text("not a video")
    run = _cli("video", str(fake), "--out", str(tmp_path / "out.csv"))
    assert run.returncode == 2 and "not a video we can read" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out.csv").exists()
