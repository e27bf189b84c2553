"""The house's three parts and the direction of their arrows: app -> engine <- training, and no import loops."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_ONLY = ("streamlit", "streamlit_webrtc", "plotly", "pages")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside functions, relative imports resolved."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def _graph(folder: str) -> dict[str, set[str]]:
    return {_module_name(path): _imports(path) for path in sorted((ROOT / folder).rglob("*.py"))}


def _is_under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _wrong_way(graph: dict[str, set[str]], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    """For each module, the imports it must not have."""
    wrong = {name: sorted(d for d in deps if _is_under(d, forbidden)) for name, deps in graph.items()}
    return {name: deps for name, deps in wrong.items() if deps}


def _engine() -> dict[str, set[str]]:
    return {name: deps for name, deps in _graph("fer_core").items() if not _is_under(name, ("fer_core.training",))}


def test_the_engine_imports_neither_training_nor_the_app():
    assert _wrong_way(_engine(), ("fer_core.training", *APP_ONLY)) == {}


def test_training_does_not_import_the_app():
    assert _wrong_way(_graph("fer_core/training"), APP_ONLY) == {}


def test_the_app_does_not_reach_into_training():
    app = _graph("pages") | {"streamlit_app": _imports(ROOT / "streamlit_app.py")}
    assert _wrong_way(app, ("fer_core.training",)) == {}


def test_no_module_of_fer_core_imports_itself_back_through_others():
    modules = _graph("fer_core")
    edges = {name: {d for d in deps if d in modules and d != name} for name, deps in modules.items()}
    for name in edges:  # a package's __init__ may re-export its own modules: only loops through others count
        if (ROOT / name.replace(".", "/") / "__init__.py").is_file():
            edges[name] = {d for d in edges[name] if not d.startswith(name + ".")}
    assert _cycles(edges) == []


def test_the_checks_catch_a_function_level_import_the_wrong_way_and_a_loop(monkeypatch, tmp_path):
    bad = tmp_path / "fer_core" / "bad.py"
    bad.parent.mkdir()
    bad.write_text("def f():\n    from .training.train import train\n    import streamlit\n")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert _wrong_way(_engine(), ("fer_core.training", *APP_ONLY)) == {
        "fer_core.bad": ["fer_core.training.train", "fer_core.training.train.train", "streamlit"]
    }
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Import loops found by depth-first search, each as the path that closes it."""
    state: dict[str, str] = {}
    loops: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                loops.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return loops


MAX_MODULE_LINES, MAX_FUNCTION_LINES = 250, 60


def _oversized(paths: list[Path]) -> list[str]:
    """Modules over MAX_MODULE_LINES lines and functions over MAX_FUNCTION_LINES lines, as 'path[:function] (n)'."""
    found = []
    for path in paths:
        source, name = path.read_text(), path.name if ROOT not in path.parents else path.relative_to(ROOT)
        if len(source.splitlines()) > MAX_MODULE_LINES:
            found.append(f"{name} ({len(source.splitlines())})")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{name}:{node.name} ({length})")
    return found


def test_modules_and_functions_stay_short_enough_to_read():
    code = [*ROOT.glob("fer_core/**/*.py"), *ROOT.glob("pages/*.py"), *ROOT.glob("bench/*.py")]
    assert _oversized([*code, ROOT / "streamlit_app.py"]) == []


def test_the_size_check_names_a_long_module_and_a_long_function(tmp_path):
    long = tmp_path / "long.py"
    long.write_text("def f():\n" + "    x = 1\n" * 60 + "\n" * 200)
    assert _oversized([long]) == ["long.py (261)", "long.py:f (61)"]
