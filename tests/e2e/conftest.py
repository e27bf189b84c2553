"""Run the real app (`streamlit run`) on a free localhost port and drive it with Debian's Chromium, headless.

Screenshots and the server's console go to test-output/e2e/ so people can look at what a user sees.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import FER_TINY, PHOTOS

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "e2e"
CHROMIUM = shutil.which("chromium")
FFMPEG = shutil.which("ffmpeg")


def _require(program: str | None, name: str) -> str:
    """The browser tests need Debian's chromium and ffmpeg; the README's test command installs both."""
    if not program:
        pytest.fail(f"{name} is not installed: run the README's test command (it runs apt-get install chromium ffmpeg)")
    return program


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"streamlit did not start within {limit} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def output() -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory, recognizer) -> Path:
    """A model folder holding a real evaluation report of the shipped model on the tiny fixture set."""
    from fer_core.evaluate import evaluate

    folder = tmp_path_factory.mktemp("model")
    (folder / "metrics.json").write_text(json.dumps(evaluate(FER_TINY, recognizer, crops=True)))
    return folder


@pytest.fixture(scope="session")
def server_temp(tmp_path_factory) -> Path:
    """The app server's temporary folder ($TMPDIR), so a test can check what the app leaves there."""
    return tmp_path_factory.mktemp("server-temp")


@pytest.fixture(scope="session")
def app(output, model_dir, server_temp):
    """The app served by `streamlit run` on a free port; yields (base url, path of the server's console log)."""
    port = _free_port()
    log = output / "server.log"
    env = {**os.environ, "FER_MODEL_DIR": str(model_dir), "TF_CPP_MIN_LOG_LEVEL": "2", "TMPDIR": str(server_temp)}
    command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port)]
    command += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    with log.open("w") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log)
        yield url, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def fake_camera(tmp_path_factory) -> Path:
    """A y4m video of a fixture face photo, 640x480, for Chromium's fake camera (it loops the file)."""
    target = tmp_path_factory.mktemp("camera") / "face.y4m"
    scale = "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2"
    subprocess.run(
        [_require(FFMPEG, "ffmpeg"), "-y", "-loglevel", "error", "-loop", "1", "-i", str(PHOTOS / "grace_hopper.jpg")]
        + ["-vf", scale, "-t", "2", "-r", "15", "-pix_fmt", "yuv420p", str(target)],
        check=True,
    )
    return target


@pytest.fixture(scope="session")
def browser(fake_camera):
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--allow-loopback-in-peer-connection"]
    args += ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
    args += ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
    args += [f"--use-file-for-fake-video-capture={fake_camera}"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_require(CHROMIUM, "chromium"), headless=True, args=args)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.grant_permissions(["camera"])
    page = context.new_page()
    page.set_default_timeout(90_000)
    # expect() has its own 5 s default: too short for the first analysis, which loads TensorFlow and the models.
    expect.set_options(timeout=90_000)
    yield page
    context.close()
