"""The promises README.md makes about setting up: CI runs its test command verbatim; versions are pinned."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.server import APP_ENV

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", (ROOT / "README.md").read_text())


def test_ci_runs_the_readme_test_command_as_written():
    test_command = next(c for c in _readme_commands() if "pytest" in c)
    assert test_command in (ROOT / ".ci" / "run").read_text().splitlines()


def test_readme_has_one_command_to_start_the_app():
    assert sum("streamlit run streamlit_app.py" in c for c in _readme_commands()) == 1


def test_the_readme_starts_the_app_the_way_the_tests_and_benchmarks_do():
    app_command = next(c for c in _readme_commands() if "streamlit run" in c)
    settings = " ".join(f"{name}={value}" for name, value in APP_ENV.items())
    assert f"{settings} .venv/bin/streamlit run streamlit_app.py" in app_command


def test_every_requirement_is_pinned():
    for path in (ROOT / "requirements.txt", ROOT / "tests" / "requirements.txt"):
        for line in path.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][\w.]*", line.strip()), line
