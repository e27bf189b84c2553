"""The Dashboard's "Batch results" tab (pages/_collection_view.py) as Streamlit runs it: a results folder opened
by its path or uploaded as a ZIP gives the counts, the mix charts and each video's people; wrong input a reason."""

from __future__ import annotations

import io
import zipfile

from tests.app.pages import _app, _jargon, _on_screen, _texts
from tests.engine.test_batch_collection import write_results


def _metrics(at) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _chart_titles(at) -> str:
    return " ".join(str(chart.proto.spec) for chart in at.get("plotly_chart"))


def test_a_results_folder_opened_by_its_path_shows_counts_mix_and_the_videos_people(tmp_path):
    folder = write_results(tmp_path / "RESULTS")
    at = _app("pages/dashboard.py")
    at.text_input[0].set_value(str(folder)).run()
    next(b for b in at.button if b.label == "Open").click().run()
    assert not at.exception and not at.error
    metrics = _metrics(at)
    assert metrics["Files analysed"] == "4" and metrics["Could not be used"] == "1" and metrics["Faces found"] == "19"
    assert "Emotions per folder" in _chart_titles(at)
    assert "Person 1" in _texts(at.markdown) and "Person 2" in _texts(at.markdown)
    at.button_group(key="batch-by").set_value("file").run()
    assert "Emotions per file" in _chart_titles(at)
    assert "not supported" in " ".join(str(v) for v in at.dataframe[-1].value["reason"])
    assert not _jargon(_on_screen(at))


def test_uploading_the_results_as_a_zip_shows_the_same_counts(tmp_path):
    folder = write_results(tmp_path / "RESULTS")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.rglob("*.parquet"):
            archive.write(path, path.relative_to(tmp_path).as_posix())
    at = _app("pages/dashboard.py")
    at.radio(key="batch-source").set_value("upload").run()
    at.file_uploader[-1].set_value(("RESULTS.zip", buffer.getvalue(), "application/zip")).run()
    assert not at.exception
    assert _metrics(at)["Faces found"] == "19"


def test_a_folder_without_results_gets_a_plain_reason_not_a_traceback(tmp_path):
    at = _app("pages/dashboard.py")
    at.text_input[0].set_value(str(tmp_path)).run()
    next(b for b in at.button if b.label == "Open").click().run()
    assert not at.exception
    assert "--out" in _texts(at.error)
