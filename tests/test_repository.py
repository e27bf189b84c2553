"""The promises README.md makes about setting up: one command sets up and starts the app, a plain one restarts it,
CI runs the test command verbatim, both start the app as the tests do, versions are pinned, the README is short."""

from __future__ import annotations

import re
from pathlib import Path

from tests.harness.server import APP_ENV

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START = f"{' '.join(f'{name}={value}' for name, value in APP_ENV.items())} .venv/bin/streamlit run streamlit_app.py"
"""How the README starts the app: with the settings the tests' and benchmarks' server runs with."""


def _readme_commands() -> list[str]:
    """Each ```bash block of the README, with lines continued by a backslash joined into one."""
    blocks = re.findall(r"^```bash\n(.*?)\n```", README.read_text(), flags=re.DOTALL | re.MULTILINE)
    return [re.sub(r"\s*\\\n\s*", " ", block) for block in blocks]


def _setup_commands(tool: str) -> list[str]:
    """The README's commands that install the requirements and then run `tool`."""
    return [c for c in _readme_commands() if "pip install" in c and tool in c]


def test_ci_runs_the_readme_test_command_as_written():
    (test_command,) = _setup_commands("pytest")
    assert "\n" not in test_command
    assert test_command in (ROOT / ".ci" / "run").read_text().splitlines()


def test_readme_has_one_command_to_set_up_and_start_the_app():
    (setup,) = _setup_commands("streamlit run")
    assert "\n" not in setup, "one shell line once its continued lines are joined"
    assert setup.endswith(f" && {START}")


def test_readme_has_a_plain_restart_command_that_starts_the_app_as_the_tests_do():
    starts = [c for c in _readme_commands() if "streamlit run" in c and "pip install" not in c]
    assert starts == [START]


def test_every_requirement_is_pinned():
    for path in (ROOT / "requirements.txt", ROOT / "tests" / "requirements.txt"):
        for line in path.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][\w.]*", line.strip()), line


def test_readme_fits_in_120_lines():
    assert len(README.read_text().splitlines()) <= 120


def test_readme_says_where_a_webcam_frame_is_analysed_and_where_a_training_epoch_runs():
    readme = README.read_text()
    assert "`fer_core/live.py`: it analyses each webcam frame" in readme
    assert "an epoch runs in `train()`" in readme
    assert (ROOT / "fer_core" / "live.py").is_file()
    assert "model.fit(" in (ROOT / "fer_core" / "training" / "train.py").read_text()
