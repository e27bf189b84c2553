"""The Dashboard page (pages/dashboard.py) as Streamlit runs it: the model's charts and card, friendly empty states,
and scoring an uploaded dataset."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from fer_core import EMOTIONS
from tests.app.pages import _app, _jargon, _on_screen, _texts
from tests.conftest import FER_CLEAR, FER_TINY


@pytest.fixture
def model_dir(tmp_path, monkeypatch, recognizer):
    from fer_core.evaluate import evaluate

    (tmp_path / "metrics.json").write_text(json.dumps(evaluate(FER_TINY, recognizer, crops=True)))
    (tmp_path / "history.csv").write_text("epoch,accuracy,loss,val_accuracy,val_loss\n0,0.3,1.8,0.35,1.7\n")
    monkeypatch.setenv("FER_MODEL_DIR", str(tmp_path))
    return tmp_path


def _chart_titles(at: AppTest) -> str:
    return " ".join(str(chart.proto.spec) for chart in at.get("plotly_chart"))


def test_dashboard_draws_every_model_chart_from_the_metrics_file(model_dir):
    at = _app("pages/dashboard.py")
    titles = _chart_titles(at)
    for title in ("Scores per emotion", "What it said for each true emotion", "How sure it was", "Right answers"):
        assert title in titles
    assert at.metric[0].label == "Accuracy"
    assert "12 views" not in _texts(at.caption)


def test_dashboard_says_when_the_training_curves_show_only_the_last_stage(model_dir):
    assert "trained in stages" not in _texts(_app("pages/dashboard.py").caption)
    (model_dir / "recipe.json").write_text(json.dumps({"epochs": 30, "init_from": "/runs/first/emotion.keras"}))
    assert "trained in stages" in _texts(_app("pages/dashboard.py").caption)


def test_dashboard_says_what_looking_at_twelve_views_adds(model_dir):
    metrics = json.loads((model_dir / "metrics.json").read_text())
    (model_dir / "metrics_tta.json").write_text(json.dumps(metrics | {"accuracy": 0.9}))
    captions = _texts(_app("pages/dashboard.py").caption)
    assert f"averages the answers: 90.0% right on the same faces, against {metrics['accuracy']:.1%}" in captions


def test_dashboard_without_model_files_shows_friendly_empty_states(tmp_path, monkeypatch):
    monkeypatch.setenv("FER_MODEL_DIR", str(tmp_path))
    monkeypatch.setenv("FER_DATA_DIR", str(tmp_path / "nowhere"))
    at = _app("pages/dashboard.py")
    info = _texts(at.info)
    assert "has not been scored yet" in info
    assert "No training history yet" in info
    assert "not on this computer" in info
    assert "model card has not been written yet" in info
    assert "python -m" not in info, "commands for whoever runs the app wait under the details for experts"


def test_dashboard_shows_the_model_card_and_how_confidence_was_calibrated(model_dir):
    from fer_core.calibration import Calibration

    report = {"temperature_fitted_on": "70 train faces kept out of training", "val_ece_before": 0.08}
    Calibration(1.3, 0.1).save(model_dir, report | {"val_ece_after": 0.02})
    (model_dir / "MODEL_CARD.md").write_text("# Model card: test\n\n## Not for\nDecisions about individuals.\n")
    at = _app("pages/dashboard.py")
    assert "fell from 8.0% to 2.0%" in _texts(at.caption)
    assert "What it must not be used for" in _texts(at.markdown)
    assert "Decisions about individuals." in _texts(at.markdown)
    Calibration(1.3, 0.1).save(model_dir, report | {"val_ece_after": 0.09})
    assert "went from 8.0% to 9.0%" in _texts(_app("pages/dashboard.py").caption)


def test_dashboard_shows_agreement_with_people_and_real_photos_from_the_accuracy_report(model_dir):
    from fer_core.model_files import ACCURACY_FILE, MODELS_DIR

    (model_dir / ACCURACY_FILE).write_text((MODELS_DIR / ACCURACY_FILE).read_text())
    at = _app("pages/dashboard.py")
    assert "Does it agree with people?" in _texts(at.subheader)
    assert [m.label for m in at.metric][:3] == [
        "Agrees with people",
        "Matches the label",
        "On real photos",
    ]
    assert "faces are one person (" in _texts(at.caption), "whose photos sway the real-photo score, said plainly"


def test_the_confusion_matrix_can_show_shares_instead_of_counts(model_dir):
    at = _app("pages/dashboard.py")
    at.button_group(key="model-confusion-view").set_value("Share of each true emotion").run()
    assert "%" in json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]["text"][0][0]


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tiny_zip() -> bytes:
    return _zip({f"{p.parent.name}/{p.name}": p.read_bytes() for p in FER_TINY.glob("*/*.jpg")})


def _evaluated(name: str = "mine.zip", data: bytes | None = None) -> AppTest:
    """The Dashboard after uploading a dataset (fer_tiny's 21 faces unless told) and pressing Evaluate."""
    at = _app("pages/dashboard.py")
    at.file_uploader[0].set_value((name, data or _tiny_zip(), "application/zip")).run()
    at.button[0].click().run()
    assert not at.exception
    return at


def _your_report_shown(at: AppTest) -> bool:
    return len([m for m in at.metric if m.label == "Faces scored"]) == 2


def test_evaluating_an_uploaded_zip_shows_its_scores_and_warns_that_21_faces_are_too_few(model_dir):
    at = _evaluated()
    scored = [m for m in at.metric if m.label == "Faces scored"]
    assert scored[-1].value == "21"
    warning = _texts(at.warning)
    assert "Too few faces to judge the model:** only 21 faces were scored and 7 emotions have fewer than 20" in warning
    assert "angry 3" in warning and "bring at least 100 faces, with 20 or more of each emotion" in warning


def test_the_mistakes_are_shown_as_faces_captioned_with_truth_and_answer_and_can_be_downloaded(model_dir):
    from pages._evaluation_view import mistakes_csv

    at = _evaluated()
    result = at.session_state["your_report"]
    wrong = round(21 * (1 - result["report"]["accuracy"]))
    captions = [caption for image in at.get("image") for caption in image.captions if caption.startswith("true: ")]
    assert wrong > 0 and len(captions) == wrong
    for caption in captions:
        truth, said = re.fullmatch(r"true: (\w+) · said: (\w+)", caption).groups()
        assert truth in EMOTIONS and said in EMOTIONS and truth != said
    assert f"It named {wrong} of 21 faces wrong" in _texts(at.caption)
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download the report (JSON)",
        "Download the mistakes (CSV)",
    ]
    rows = mistakes_csv(result["mistakes"]).splitlines()
    assert rows[0] == "face,true emotion,model said,confidence" and len(rows) == wrong + 1
    first = rows[1].split(",")
    assert first[0].startswith(f"{first[1]}/") and captions[0] == f"true: {first[1]} · said: {first[2]}"


def test_changing_the_mode_or_the_file_clears_the_old_report(model_dir):
    at = _evaluated()
    assert _your_report_shown(at)
    at.radio(key="your-mode").set_value("photos").run()
    assert not _your_report_shown(at) and "Its mistakes" not in _texts(at.markdown)
    at.radio(key="your-mode").set_value("crops").run()
    assert not _your_report_shown(at), "going back needs a new press of Evaluate"
    at.button[0].click().run()
    assert _your_report_shown(at)
    at.file_uploader[0].set_value(("other.zip", _zip({"happy/a.jpg": b"x"}), "application/zip")).run()
    assert not _your_report_shown(at)


def test_an_archive_with_unknown_folders_gets_a_clear_message(model_dir):
    at = _app("pages/dashboard.py")
    at.file_uploader[0].set_value(("mine.zip", _zip({"joyful/a.jpg": b"x"}), "application/zip")).run()
    at.button[0].click().run()
    assert "Unknown emotion folder(s): joyful" in _texts(at.error)


def test_dataset_uploads_leave_no_files_behind_whether_they_succeed_or_fail(model_dir, tmp_path, monkeypatch):
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    good = {f"{p.parent.name}/{p.name}": p.read_bytes() for p in FER_TINY.glob("*/*.jpg")}
    for name, data in (("mine.zip", _zip(good)), ("evil.zip", _zip({"../../escape.jpg": b"x"}))):
        at = _app("pages/dashboard.py")
        at.file_uploader[0].set_value((name, data, "application/zip")).run()
        at.button[0].click().run()
        assert not at.exception
    assert "outside its folder" in _texts(at.error)
    assert not list(scratch.iterdir()), "the unpacked upload must be deleted"
    assert not list(tmp_path.parent.rglob("escape.jpg"))


def test_a_csv_with_malformed_rows_is_scored_and_the_bad_rows_are_named(model_dir):
    from fer_core.datasets import read_crop

    rows = ["emotion,pixels,Usage"]
    rows += [f"{label},{' '.join(map(str, read_crop(p).ravel()))},PublicTest" for p, label in _tiny_items()]
    rows += ["9,1 2 3,PublicTest", "happy,oops,PublicTest"]
    at = _app("pages/dashboard.py")
    at.file_uploader[0].set_value(("mine.csv", "\n".join(rows).encode(), "text/csv")).run()
    at.button[0].click().run()
    assert not at.exception
    scored = [m for m in at.metric if m.label == "Faces scored"]
    assert scored[-1].value == "21"
    assert "2 unreadable" in " ".join(str(e.label) for e in at.expander)
    shown = _texts(at.markdown)
    assert "row 23" in shown and "row 24" in shown


def test_the_audience_meets_plain_words_and_the_not_for_note_the_experts_details_one_click_away(tmp_path, monkeypatch):
    from fer_core.model_files import MODELS_DIR

    models = tmp_path / "models"
    models.mkdir()
    for name in ("metrics.json", "metrics_tta.json", "calibration.json", "accuracy.json", "history.csv"):
        shutil.copy(MODELS_DIR / name, models / name)
    shutil.copy(MODELS_DIR / "recipe.json", models / "recipe.json")
    shutil.copy(MODELS_DIR / "MODEL_CARD.md", models / "MODEL_CARD.md")
    for split, faces in (("train", FER_TINY), ("val", FER_CLEAR)):
        shutil.copytree(faces, tmp_path / "data" / split)
    monkeypatch.setenv("FER_MODEL_DIR", str(models))
    monkeypatch.setenv("FER_DATA_DIR", str(tmp_path / "data"))
    at = _evaluated()
    shown = list(_on_screen(at.main))
    assert _jargon(shown) == {}
    assert "Not for judging people" in at.warning[0].value, "the first thing under the title"
    assert any("FER2013, a public set of 35,887 face photos" in text for text in shown)
    for plain in ("Balanced score", "Which emotions get mixed up", "Right answers during training", "Its mistakes"):
        assert any(plain in text for text in shown), plain
    experts = _jargon(list(_on_screen(at.main, skip_details=False)))
    assert {"macro-F1", "ECE", "loss", "epoch", "val"} <= set(experts), "the details for experts keep their terms"


def _tiny_items():
    from fer_core.datasets import class_folders

    return class_folders(FER_TINY)
