"""Run the real app (`streamlit run`) on a free localhost port and drive it with Debian's Chromium, headless.

Screenshots and the server's console go to test-output/e2e/ so people can look at what a user sees.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import FER_TINY
from tests.harness.server import ROOT, chromium_args, make_fake_camera, serve

OUTPUT = ROOT / "test-output" / "e2e"
CHROMIUM = shutil.which("chromium")
FFMPEG = shutil.which("ffmpeg")


def _require(program: str | None, name: str) -> str:
    """The browser tests need Debian's chromium and ffmpeg; the README's test command installs both."""
    if not program:
        pytest.fail(f"{name} is not installed: run the README's test command (it runs apt-get install chromium ffmpeg)")
    return program


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
def server(output, model_dir, server_temp):
    """The app served by `streamlit run` on a free port (tests.harness.server.Server: url, log, process)."""
    with serve(output / "server.log", {"FER_MODEL_DIR": str(model_dir), "TMPDIR": str(server_temp)}) as running:
        yield running


@pytest.fixture(scope="session")
def app(server):
    """(base url, path of the server's console log) of the app every e2e test shares."""
    return server.url, server.log


@pytest.fixture(scope="session")
def fake_camera(tmp_path_factory) -> Path:
    """A y4m video of a fixture face photo, 640x480, for Chromium's fake camera (it loops the file)."""
    return make_fake_camera(tmp_path_factory.mktemp("camera") / "face.y4m", _require(FFMPEG, "ffmpeg"))


@pytest.fixture(scope="session")
def small_camera(tmp_path_factory) -> Path:
    """A cheaper fake camera (320x240 at 10 fps) for tests that run several streams at once."""
    target = tmp_path_factory.mktemp("camera") / "small-face.y4m"
    return make_fake_camera(target, _require(FFMPEG, "ffmpeg"), size=(320, 240), fps=10)


@pytest.fixture(scope="session")
def browser(fake_camera):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_require(CHROMIUM, "chromium"), headless=True, args=chromium_args(fake_camera)
        )
        yield browser
        browser.close()


def _elsewhere(url: str, app_url: str) -> bool:
    """Whether the browser's request for `url` goes to any host but the app's own (data: and blob: stay local)."""
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https", "ws", "wss") and parsed.netloc != urlparse(app_url).netloc


@pytest.fixture
def page(browser, app):
    """A fresh browser tab; the test fails if the page asked any host but the app's for anything (offline promise)."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    elsewhere: list[str] = []
    context.on("request", lambda request: elsewhere.append(request.url) if _elsewhere(request.url, app[0]) else None)
    context.grant_permissions(["camera"])
    page = context.new_page()
    page.set_default_timeout(90_000)
    # expect() has its own 5 s default: too short for the first analysis, which loads TensorFlow and the models.
    expect.set_options(timeout=90_000)
    yield page
    context.close()
    assert not elsewhere, f"the page made requests to other hosts: {sorted(set(elsewhere))}"
