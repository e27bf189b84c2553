"""Batch analysis on Ray (fer_core.batch): a real local Ray with 2 CPUs over a mixed folder gives, for every file,
what the engine gives one file at a time; bad files become refusals with the app's reasons; a rerun resumes; the
command line writes Parquet and CSV; a two-node cluster shares the work; Ctrl-C keeps what is finished; memory
stays flat over 20 times more files.

Every test here is marked `batch` (`pytest -m batch` runs them, `-m "not batch"` leaves them out). The files are
made here: example photos, a short generated video and a few of tests/hostile_files.py's cases.
"""

from __future__ import annotations

import ast
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import av
import numpy as np
import pandas as pd
import pytest

from fer_core import EMOTIONS, EmotionRecognizer, FerError, InvalidVideoError
from fer_core.batch import (
    FACES_SCHEMA,
    FILES_SCHEMA,
    BatchProgress,
    ResultsFolder,
    analyze_collection,
    find_media,
    ray_session,
)
from fer_core.uploads import analyze_photo
from fer_core.video import analyze_video
from tests.conftest import PHOTOS, ROOT, two_people_frames, write_video
from tests.hostile_files import hostile_cases

pytestmark = [pytest.mark.batch, pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context")]

HOSTILE = ("truncated_0.0005.jpg", "notes.jpg", "bomb_png_20000.png", "empty.png", "tiny_1x1.png", "page.html")
"""Hostile files put in the collection; page.html is not a photo, so only naming it on its own takes it in."""

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(ROOT)}


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> Path:
    """Two example photos (one in a subfolder), a short two-people video, a video with no frames, hostile files,
    and what a folder walk passes over: a hidden file and a text file."""
    folder = tmp_path_factory.mktemp("collection")
    (folder / "nested" / "hostile").mkdir(parents=True)
    shutil.copy(PHOTOS / "grace_hopper.jpg", folder / "grace_hopper.jpg")
    shutil.copy(PHOTOS / "group_meeting.jpg", folder / "nested" / "group_meeting.jpg")
    write_video(folder / "two.mp4", two_people_frames(6))
    cases = {case.name: case.data for case in hostile_cases()}
    for name in HOSTILE:
        (folder / "nested" / "hostile" / name).write_bytes(cases[name])
    _no_frames_video(folder / "nested" / "hostile" / "empty.avi")
    (folder / "._grace_hopper.jpg").write_bytes(b"macOS metadata")
    (folder / "notes.txt").write_text("not a list: only named sources are read as lists\n")
    return folder


def _no_frames_video(path: Path) -> None:
    container = av.open(str(path), "w")
    stream = container.add_stream("mpeg4", rate=10)
    stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
    container.start_encoding()
    container.close()


def _sources(collection: Path) -> list[str]:
    return [str(collection), str(collection / "nested" / "hostile" / "page.html")]


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray with 2 CPUs for this module's in-process runs (started once: it takes seconds)."""
    with ray_session(workers=2) as workers:
        yield workers


@pytest.fixture(scope="module")
def first_run(local_ray, collection, tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    summary = analyze_collection(_sources(collection), out, workers=local_ray)
    return summary, ResultsFolder(out)


def test_only_the_batch_code_imports_ray_and_only_inside_functions():
    """The app, the engine's other commands and `import fer_core.batch` never pay for importing Ray."""
    code = [*ROOT.glob("fer_core/**/*.py"), *ROOT.glob("pages/**/*.py"), ROOT / "streamlit_app.py"]
    importers, at_top = set(), set()
    for path in code:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(name == "ray" or name.startswith("ray.") for name in names):
                importers.add(path.relative_to(ROOT).as_posix())
                at_top |= {path.name} if node in tree.body else set()
    assert importers <= {f"fer_core/batch/{name}.py" for name in ("cluster", "pipeline", "analyse")}
    assert at_top == set()


def test_sources_are_found_in_folders_globs_and_list_files(collection, tmp_path):
    listed = tmp_path / "list.txt"
    listed.write_text(f"# photos\n{collection / 'grace_hopper.jpg'}\n\n{collection / 'two.mp4'}\nmissing.png\n")
    found = find_media([str(listed), str(collection / "**" / "*.png"), str(collection / "grace_hopper.jpg")])
    assert [(Path(m.path).name, m.kind) for m in found] == [
        ("grace_hopper.jpg", "photo"),
        ("two.mp4", "video"),
        ("missing.png", "photo"),  # named in a list: taken, and refused as missing
        ("bomb_png_20000.png", "photo"),
        ("empty.png", "photo"),
        ("tiny_1x1.png", "photo"),
    ]
    assert Path(found[2].path) == tmp_path / "missing.png"  # relative to the list's folder
    walked = {Path(m.path).name for m in find_media([str(collection)])}
    assert "page.html" not in walked and "._grace_hopper.jpg" not in walked and "notes.txt" not in walked
    with pytest.raises(FerError, match="No photos or videos found"):
        find_media([str(tmp_path / "nothing-*.jpg")])
    with pytest.raises(FerError, match="There is no file or folder at .*photoz"):
        find_media([str(collection), str(tmp_path / "photoz")])


def test_every_file_gets_a_status_and_refusals_give_the_apps_reasons(first_run, collection, recognizer):
    summary, results = first_run
    files = results.files().set_index("file")
    assert list(results.files().columns) == FILES_SCHEMA.names
    expected = {m.path for m in find_media(_sources(collection))}
    assert set(files.index) == expected and summary.done == summary.found == len(expected) == 10
    hostile = collection / "nested" / "hostile"
    for name in HOSTILE[:-1]:
        app = analyze_photo(name, (hostile / name).read_bytes(), recognizer, max_bytes=50_000_000)
        assert files.loc[str(hostile / name), ["status", "reason"]].tolist() == ["refused", app.error], name
    with pytest.raises(InvalidVideoError) as caught:
        analyze_video(hostile / "empty.avi", recognizer)
    assert (
        files.loc[str(hostile / "empty.avi"), "reason"] == str(caught.value) == "This video has no frames to analyse."
    )
    assert files.loc[str(hostile / "page.html"), "reason"].startswith(".html files are not supported; please upload")
    analysed = files[files["status"] == "analysed"]
    assert sorted(Path(p).name for p in analysed.index) == ["grace_hopper.jpg", "group_meeting.jpg", "two.mp4"]
    assert (files["seconds"] >= 0).all() and (files["node"].str.startswith("127.0.0.1/")).all()


def test_face_rows_match_the_engine_one_file_at_a_time(first_run, collection, recognizer):
    faces = first_run[1].faces()
    assert list(faces.columns) == FACES_SCHEMA.names
    files = first_run[1].files().set_index("file")
    assert faces.groupby("file").size().to_dict() == files.loc[files["faces"] > 0, "faces"].to_dict()
    for photo in (collection / "grace_hopper.jpg", collection / "nested" / "group_meeting.jpg"):
        rows = faces[faces["file"] == str(photo)]
        one = recognizer.analyze(photo)
        assert len(rows) == len(one) > 0 and rows[["frame", "time", "person"]].isna().all().all()
        assert rows[["x", "y", "width", "height"]].values.tolist() == [
            [f.box.x, f.box.y, f.box.width, f.box.height] for f in one
        ]
        assert np.allclose(rows[list(EMOTIONS)], [[f.probabilities[e] for e in EMOTIONS] for f in one], atol=1e-3)
        assert rows["label"].tolist() == [f.label for f in one]
    video = collection / "two.mp4"
    alone = analyze_video(video, EmotionRecognizer(detector_range="near")).faces
    rows = faces[faces["file"] == str(video)].sort_values(["frame", "person"])
    assert len(rows) == len(alone) > 0
    columns = ["frame", "person", "x", "y", "width", "height"]
    assert rows[columns].astype(int).values.tolist() == alone[columns].astype(int).values.tolist()
    assert np.allclose(rows[list(EMOTIONS)].astype(float), alone[list(EMOTIONS)].astype(float), atol=1e-3)
    assert np.allclose(rows["time"], alone["time"])


def test_a_rerun_analyses_only_the_files_added_since(first_run, collection, local_ray, tmp_path):
    out = tmp_path / "results"
    shutil.copytree(first_run[1].folder, out)
    added = tmp_path / "added"
    added.mkdir()
    shutil.copy(PHOTOS / "surprised_santa.jpg", added / "santa.jpg")
    summary = analyze_collection([*_sources(collection), str(added)], out, workers=1, csv=True)
    assert (summary.found, summary.skipped, summary.done) == (11, 10, 1)
    results = ResultsFolder(out)
    files = results.files()
    assert len(files) == 11 and files["file"].is_unique
    assert files.loc[files["file"] == str(added / "santa.jpg"), "status"].tolist() == ["analysed"]
    before = first_run[1].faces()
    assert len(results.faces()) == len(before) + files.loc[files["file"] == str(added / "santa.jpg"), "faces"].item()
    assert len(pd.read_csv(out / "files.csv")) == 11 and len(pd.read_csv(out / "faces.csv")) == len(results.faces())
    assert analyze_collection(_sources(collection), out, workers=1).done == 0  # nothing left: Ray is not needed


def test_a_part_left_half_written_is_removed_and_its_files_done_again(tmp_path):
    results = ResultsFolder(tmp_path)
    assert results.open() == set()
    (results.faces_dir / "part-killed-00001.parquet").write_bytes(b"a faces part without its files part")
    (results.files_dir / ".part-killed-00002.parquet.tmp").write_bytes(b"half written")
    assert results.open() == set()
    assert list(results.faces_dir.iterdir()) == [] and list(results.files_dir.iterdir()) == []
    assert results.faces().empty and list(results.faces().columns) == FACES_SCHEMA.names


def _run_cli(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "fer_core", "batch", *args]
    return subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout)


def test_the_command_line_writes_parquet_and_csv_and_lists_refusals(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    shutil.copy(PHOTOS / "grace_hopper.jpg", folder)
    (folder / "broken.jpg").write_bytes(b"not a photo")
    run = _run_cli(str(folder), "--out", str(tmp_path / "out"), "--csv", "--workers", "1")
    assert run.returncode == 1, run.stderr[-3000:]  # 1: a file was refused, as `analyze` does
    assert "1 analysed, 0 without a face, 1 refused" in run.stdout
    assert "refused " + str(folder / "broken.jpg") in run.stdout and "not an image we can read" in run.stdout
    faces = pd.read_parquet(tmp_path / "out" / "faces.parquet")
    assert len(faces) == 1 and faces["file"].tolist() == [str(folder / "grace_hopper.jpg")]
    assert pd.read_csv(tmp_path / "out" / "faces.csv").shape == (1, len(FACES_SCHEMA))
    assert set(pd.read_csv(tmp_path / "out" / "files.csv")["status"]) == {"analysed", "refused"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


CLUSTER_ENV = {**ENV, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}
"""The test cluster's nodes and its driver share one token (Ray's token authentication, as a real cluster should)."""

AGENT_PORTS = (
    "dashboard-agent-listen-port",
    "dashboard-agent-grpc-port",
    "runtime-env-agent-port",
    "metrics-export-port",
)
"""Given, a node's raylet does not wait for its agents to report these (15 s at most: too short on a busy machine)."""


def _ray_node(*args: str) -> subprocess.Popen:
    """`ray start --block` in its own process group, so it and every process it starts can be stopped together."""
    ray = Path(sys.executable).parent / "ray"
    ports = [f"--{name}={_free_port()}" for name in AGENT_PORTS]
    command = [str(ray), "start", "--block", "--num-cpus=1", "--disable-usage-stats", *ports, *args]
    output = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    return subprocess.Popen(command, env=CLUSTER_ENV, start_new_session=True, **output)


def _stop(process: subprocess.Popen) -> None:
    """Stop a node started by _ray_node: its whole process group, which this test started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _wait_for_nodes(port: int, count: int) -> None:
    """Wait until `count` nodes have joined the cluster (a run uses the CPUs there are when it starts)."""
    wait = f"""import ray, time
ray.init(address="127.0.0.1:{port}", log_to_driver=False)
while sum(node["Alive"] for node in ray.nodes()) < {count}:
    time.sleep(1)
"""
    subprocess.run([sys.executable, "-c", wait], env=CLUSTER_ENV, capture_output=True, timeout=300, check=True)


def _batch_command(sources: list[str], out: Path, address: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fer_core", "batch", *sources, "--out", str(out), "--address", address],
        **{"cwd": ROOT, "env": CLUSTER_ENV, "capture_output": True, "text": True, "timeout": 600},
    )


def test_a_two_node_cluster_shares_the_files_whether_joined_or_reached_through_ray_client(collection, tmp_path):
    port, client_port = _free_port(), _free_port()
    head = _ray_node(
        "--head",
        f"--port={port}",
        f"--ray-client-server-port={client_port}",
        "--node-ip-address=127.0.0.1",
        "--include-dashboard=false",
    )
    nodes = [head]
    try:
        time.sleep(5)
        nodes.append(_ray_node(f"--address=127.0.0.1:{port}", "--node-ip-address=127.0.0.1"))
        _wait_for_nodes(port, 2)
        sources = [str(PHOTOS), str(collection / "two.mp4")]  # 8 photos and a video: work for both nodes
        joined = _batch_command(sources, tmp_path / "joined", f"127.0.0.1:{port}")
        assert joined.returncode == 0, joined.stderr[-3000:]
        client = _batch_command(sources, tmp_path / "client", f"ray://127.0.0.1:{client_port}")
        assert client.returncode == 0, client.stderr[-3000:]
    finally:
        for node in reversed(nodes):
            _stop(node)
    for run, out in ((joined, "joined"), (client, "client")):
        files = ResultsFolder(tmp_path / out).files()
        assert set(files["status"]) == {"analysed"} and "2 workers on 2 nodes" in run.stdout, out
        assert files["node"].nunique() == 2, out
    faces = [ResultsFolder(tmp_path / out).faces().drop(columns="node") for out in ("joined", "client")]
    key = ["file", "frame", "person"]
    joined_faces, client_faces = (f.sort_values(key).reset_index(drop=True) for f in faces)
    pd.testing.assert_frame_equal(joined_faces, client_faces)


def test_ctrl_c_keeps_the_finished_files_and_a_rerun_completes_them(local_ray, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for photo in sorted(PHOTOS.glob("*.jpg")):
        shutil.copy(photo, folder)
    out = tmp_path / "out"

    pressed = []

    def press_ctrl_c(progress: BatchProgress) -> None:
        if progress.done >= 2 and not pressed:  # a real SIGINT, as a terminal sends it, once two files are back
            pressed.append(progress.done)  # (two workers' files may come back together: 2 or 3 then)
            os.kill(os.getpid(), signal.SIGINT)

    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # Python's own, as `python -m fer_core` has
    try:
        analyze_collection([str(folder)], out, workers=local_ray, progress=press_ctrl_c)
    except KeyboardInterrupt:
        pass
    else:
        pytest.fail(f"Ctrl-C at {pressed} files did not stop the run (SIGINT handler before the test: {before})")
    finally:
        signal.signal(signal.SIGINT, before)
    partial = ResultsFolder(out)
    done = partial.files()
    assert len(done) == pressed[0] < 7 and set(done["status"]) == {"analysed"}
    assert set(partial.faces()["file"]) == set(done["file"]) and len(partial.faces()) == done["faces"].sum()
    summary = analyze_collection([str(folder)], out, workers=local_ray)
    assert (summary.found, summary.skipped, summary.done) == (7, len(done), 7 - len(done))
    files = ResultsFolder(out).files()
    assert len(files) == 7 and files["file"].is_unique and set(files["status"]) == {"analysed"}


def test_the_command_says_how_to_go_on_after_ctrl_c(monkeypatch, capsys, tmp_path):
    from fer_core.batch import command
    from fer_core.cli import main

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "analyze_collection", interrupted)
    assert main(["batch", str(PHOTOS), "--out", str(tmp_path / "out")]) == 130
    assert "interrupted: 0 files are done" in capsys.readouterr().out


def test_a_ray_client_address_where_no_cluster_answers_says_so_without_a_traceback(capsys, tmp_path):
    from fer_core.cli import main

    address = f"ray://127.0.0.1:{_free_port()}"  # nothing listens there
    assert main(["batch", str(PHOTOS), "--out", str(tmp_path / "out"), "--address", address]) != 0
    said = capsys.readouterr()
    assert f"Could not reach the Ray cluster at {address}" in said.out + said.err
    assert "Traceback" not in said.out + said.err


def test_the_python_api_sends_a_ray_client_run_to_the_cluster_and_says_when_none_answers(tmp_path):
    address = f"ray://127.0.0.1:{_free_port()}"  # nothing listens there
    with pytest.raises(FerError, match=f"Could not reach the Ray cluster at {address}"):
        analyze_collection([str(PHOTOS)], tmp_path / "out", address=address)


class _FlakyRay:
    """Stands in for the ray module: its first `failures` init() calls fail with `error`."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.inits, self.shutdowns = failures, error, 0, 0

    def init(self, **_: object) -> None:
        self.inits += 1
        if self.inits <= self.failures:
            raise self.error

    def shutdown(self) -> None:
        self.shutdowns += 1


def test_a_ray_client_server_that_dies_at_start_is_tried_again_but_other_failures_are_reported_at_once():
    from fer_core.batch.client import connect

    died = RuntimeError("Starting Ray client server failed. See ray_client_server_23000.err for detailed logs.")
    flaky = _FlakyRay(failures=2, error=died)
    connect(flaky, "ray://head:10001")
    assert flaky.inits == 3 and flaky.shutdowns == 2
    with pytest.raises(FerError, match="Could not reach the Ray cluster at ray://head:10001"):
        connect(_FlakyRay(failures=3, error=died), "ray://head:10001")
    refused = _FlakyRay(failures=1, error=ConnectionError("ray client connection timeout"))
    with pytest.raises(FerError, match="connection timeout"):
        connect(refused, "ray://head:10001")
    assert refused.inits == 1


def _tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants (Ray's own processes and workers among them), from
    /proc: the memory a batch run holds at this moment."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {root}, True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    total = 0
    for pid in tree:
        try:
            fields = (Path("/proc") / str(pid) / "statm").read_text().split()
        except OSError:
            continue
        total += int(fields[1]) * os.sysconf("SC_PAGE_SIZE")
    return total


def _peak_rss_of_batch(folder: Path, out: Path) -> int:
    """The highest resident memory of `batch` run from the command line, sampled every 0.2 s to its end."""
    command = [sys.executable, "-m", "fer_core", "batch", str(folder), "--out", str(out), "--workers", "2"]
    process = subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.2)
    assert process.returncode == 0, process.stderr.read().decode()[-3000:]
    return peak


def test_memory_stays_flat_over_twenty_times_more_files(tmp_path):
    """A run over 400 photos peaks within 20% of one over 20 (two groups, one per worker): results go to disk as
    they come, nothing piles up."""
    import cv2

    small = cv2.resize(cv2.imread(str(PHOTOS / "grace_hopper.jpg")), (200, 234), interpolation=cv2.INTER_AREA)
    original = tmp_path / "face.jpg"
    cv2.imwrite(str(original), small)
    peaks = {}
    for count in (20, 400):
        folder = tmp_path / f"photos{count}"
        folder.mkdir()
        for index in range(count):
            os.link(original, folder / f"face{index:04d}.jpg")
        peaks[count] = _peak_rss_of_batch(folder, tmp_path / f"out{count}")
        assert len(ResultsFolder(tmp_path / f"out{count}").files()) == count
    assert peaks[400] <= 1.2 * peaks[20], {count: f"{peak / 2**20:.0f} MiB" for count, peak in peaks.items()}
