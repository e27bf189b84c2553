"""The Dashboard page (pages/dashboard.py) as Streamlit runs it: the model's charts and card, friendly empty states,
and scoring an uploaded dataset."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import _app, _texts
from tests.conftest import FER_TINY


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
    for title in ("Scores per emotion", "Confusion matrix", "Reliability", "Training curves"):
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


def test_dashboard_shows_the_model_card_and_how_confidence_was_calibrated(model_dir):
    from fer_core.calibration import Calibration

    report = {"temperature_fitted_on": "70 train faces kept out of training", "val_ece_before": 0.08}
    Calibration(1.3, 0.1).save(model_dir, report | {"val_ece_after": 0.02})
    (model_dir / "MODEL_CARD.md").write_text("# Model card: test\n\n## Not for\nDecisions about individuals.\n")
    at = _app("pages/dashboard.py")
    assert "fell from 8.0% to 2.0%" in _texts(at.caption)
    assert "Decisions about individuals." in _texts(at.markdown)
    Calibration(1.3, 0.1).save(model_dir, report | {"val_ece_after": 0.09})
    assert "went from 8.0% to 9.0%" in _texts(_app("pages/dashboard.py").caption)


def test_dashboard_shows_agreement_with_people_and_real_photos_from_the_accuracy_report(model_dir):
    from fer_core.model_files import ACCURACY_FILE, MODELS_DIR

    (model_dir / ACCURACY_FILE).write_text((MODELS_DIR / ACCURACY_FILE).read_text())
    at = _app("pages/dashboard.py")
    assert "Does it agree with people?" in _texts(at.subheader)
    assert [m.label for m in at.metric][-3:] == [
        "Agrees with people",
        "Matches the label",
        "On real photos",
    ]


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


def test_evaluating_an_uploaded_zip_shows_its_scores(model_dir):
    entries = {f"{p.parent.name}/{p.name}": p.read_bytes() for p in FER_TINY.glob("*/*.jpg")}
    at = _app("pages/dashboard.py")
    at.file_uploader[0].set_value(("mine.zip", _zip(entries), "application/zip")).run()
    at.button[0].click().run()
    assert not at.exception
    scored = [m for m in at.metric if m.label == "Faces scored"]
    assert scored[-1].value == str(len(entries))


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


def _tiny_items():
    from fer_core.datasets import class_folders

    return class_folders(FER_TINY)
