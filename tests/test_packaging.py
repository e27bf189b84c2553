"""`pip install .` gives the engine, its `fer-core` command and the shipped model, and nothing of the app or tests.

Builds the sdist from a copy of the checkout (setuptools writes build/ and *.egg-info where it builds), the wheel from
that sdist (as pip does with a downloaded one), installs the wheel into a scratch folder and runs the installed
`fer-core` from outside the checkout."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from fer_core import model_files
from fer_core.labels import EMOTIONS

ROOT = Path(__file__).resolve().parent.parent
PHOTO = ROOT / "pages" / "examples" / "grace_hopper.jpg"
IGNORED = [".venv", ".git", "__pycache__", "*.pyc", ".*_cache", "resume", "test-output", "results"]  # .gitignore's
BUILT = ["build", "dist", "*.egg-info"]
SDIST_TOP = {"README.md", "pyproject.toml", "setup.py", "fer_core", "models"}
SDIST_ADDS = {"PKG-INFO", "setup.cfg", "fer_core.egg-info"}
MODEL = {model_files.MODEL_FILE, model_files.CALIBRATION_FILE, model_files.HISTORY_FILE, model_files.RECIPE_FILE}


def _run(*command: str | Path, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    run = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"{command} failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """A folder holding the project's sdist and the wheel built from it."""
    work = tmp_path_factory.mktemp("packaging")
    shutil.copytree(ROOT, work / "src", ignore=shutil.ignore_patterns(*IGNORED, *BUILT))
    build_sdist = "import sys; from setuptools import build_meta; build_meta.build_sdist(sys.argv[1])"
    _run(sys.executable, "-c", build_sdist, work / "dist", cwd=work / "src")
    (sdist,) = (work / "dist").glob("*.tar.gz")
    pip_wheel = ("-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir")
    _run(sys.executable, *pip_wheel, "-w", work / "dist", sdist, cwd=work)
    return work / "dist"


@pytest.fixture(scope="module")
def wheel(dist) -> Path:
    (path,) = dist.glob("fer_core-*.whl")
    return path


def test_sdist_holds_the_engine_and_the_model_but_not_the_app_tests_or_benchmarks(dist):
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]
    assert {name.split("/")[0] for name in names} <= SDIST_TOP | SDIST_ADDS
    assert {f"models/{name}" for name in MODEL} <= set(names)
    assert "fer_core/cli.py" in names


def test_wheel_holds_every_engine_module_the_model_and_the_command(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        scripts = configparser.ConfigParser()
        scripts.read_string(archive.read(entry_points).decode())
        model_size = archive.getinfo(f"fer_core/models/{model_files.MODEL_FILE}").file_size
    sources = {path.relative_to(ROOT).as_posix() for path in (ROOT / "fer_core").rglob("*.py")}
    assert "fer_core/training/__init__.py" in sources
    assert sources - names == set(), "modules missing from the wheel (a subpackage without __init__.py?)"
    assert {f"fer_core/models/{name}" for name in MODEL} <= names
    assert model_size == (model_files.MODELS_DIR / model_files.MODEL_FILE).stat().st_size
    assert not any(n.startswith("fer_core/models/") and n.count("/") > 2 for n in names), "models/ subfolders shipped"
    assert {n.split("/")[0] for n in names} == {"fer_core", wheel.name.split("-py3")[0] + ".dist-info"}
    assert scripts["console_scripts"]["fer-core"] == "fer_core.cli:main"


def test_the_installed_command_analyzes_a_photo_with_the_shipped_model_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    _run(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", site, wheel, cwd=tmp_path)
    env = {**os.environ, "PYTHONPATH": str(site), "TF_CPP_MIN_LOG_LEVEL": "2"}
    where = "from fer_core import model_files as m; print(m.__file__); print(m.DEFAULT_MODEL)"
    module, model = _run(sys.executable, "-c", where, cwd=tmp_path, env=env).stdout.split()
    assert Path(module).is_relative_to(site) and Path(model) == site / "fer_core" / "models" / model_files.MODEL_FILE
    assert (Path(model).parent / model_files.CALIBRATION_FILE).is_file()

    run = _run(site / "bin" / "fer-core", "analyze", PHOTO, "--json", cwd=tmp_path, env=env)
    report = json.loads(run.stdout)
    assert report["model"] == model_files.MODEL_FILE
    (image,) = report["images"]
    assert image["error"] is None and len(image["faces"]) == 1
    assert image["faces"][0]["emotion"] in EMOTIONS and list(image["faces"][0]["probabilities"]) == list(EMOTIONS)
