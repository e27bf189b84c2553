"""The safe defaults docs/security.md promises, checked in the config and the code."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_CODE = sorted([*ROOT.glob("fer_core/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "streamlit_app.py"])


def test_streamlit_config_limits_uploads_protects_forms_and_sends_no_statistics():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] <= 50
    assert config["server"]["enableXsrfProtection"] is True
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none", "tracebacks must never reach the screen"


def test_the_app_listens_on_this_computer_only_unless_told_otherwise():
    assert tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["address"] == "127.0.0.1"


@pytest.mark.parametrize(("flags", "host"), [([], "127.0.0.1"), (["--host", "0.0.0.0"], "0.0.0.0")])
def test_the_api_listens_on_this_computer_only_unless_told_otherwise(monkeypatch, flags, host):
    import uvicorn

    from fer_core.api.engine import Engine
    from fer_core.cli import main

    listened = {}
    monkeypatch.setattr(Engine, "load", lambda self, *ranges: None)
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: listened.update(options))
    assert main(["serve", *flags]) == 0
    assert (listened["host"], listened["port"]) == (host, 8000)


def test_the_api_refuses_what_the_app_refuses():
    from fer_core.api import MAX_BODY_BYTES

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_BODY_BYTES  # Streamlit's megabytes


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            yield node, ast.unparse(node.func)


def test_no_code_unpickles_evaluates_or_runs_user_data():
    forbidden = {"eval", "exec", "compile", "pickle.load", "pickle.loads", "marshal.loads", "os.system", "torch.load"}
    found = []
    for path in APP_CODE:
        for node, name in _calls(path):
            keywords = {k.arg: ast.unparse(k.value) for k in node.keywords}
            if name in forbidden or name.startswith(("subprocess.", "shelve.")):
                found.append(f"{path.name}: {name}")
            if keywords.get("allow_pickle") == "True" or keywords.get("safe_mode") == "False":
                found.append(f"{path.name}: {ast.unparse(node)}")
            if name.endswith("read_pickle") or name.endswith("yaml.load"):
                found.append(f"{path.name}: {name}")
    assert not found


def test_the_app_code_makes_no_network_requests():
    modules = set()
    for path in APP_CODE:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules.add(node.module.split(".")[0])
    assert not modules & {"requests", "urllib", "urllib3", "http", "httpx", "socket", "aiohttp", "ftplib", "smtplib"}
