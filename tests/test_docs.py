"""README.md and docs/ say what the repository does: figures match the files and code they describe, commands and
flags exist, links and paths lead somewhere."""

from __future__ import annotations

import contextlib
import io
import json
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MODELS = ROOT / "models"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]

GENERATED = ("bench/results/", ".streamlit/secrets.toml")
"""Paths the docs name that a run writes (or a deployer adds), so a fresh clone need not hold them."""


def _text(path: Path) -> str:
    return path.read_text()


def _prose(text: str) -> str:
    """The text without its fenced code blocks."""
    return re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)


def _code_blocks(text: str, language: str = r"\w*") -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def _missing(text: str, expected: list[str]) -> list[str]:
    return [line for line in expected if line not in text]


def _json(name: str) -> dict:
    return json.loads((MODELS / name).read_text())


def test_the_shipped_model_s_figures_are_those_in_the_model_folder():
    single, tta, calibration = _json("metrics.json"), _json("metrics_tta.json"), _json("calibration.json")
    recipe, accuracy = _json("recipe.json"), _json("accuracy.json")
    uncertain, val, wild = single["uncertain"], accuracy["val"], accuracy["wild_dev"]

    def row(metrics: dict) -> str:
        ece = metrics["expected_calibration_error"]
        return f"| {metrics['accuracy']:.2%} | {metrics['macro_f1']:.3f} | {ece:.3f} |"

    def photos(part: str) -> str:
        return " | ".join(
            f"{wild[m][part]['accuracy']:.2%} / {wild[m][part]['macro_f1']:.3f}" for m in ("single", "tta12")
        )

    expected = [
        f"width {recipe['width']}",
        f"{recipe['calibration_fraction']:.0%} of each class kept out for calibration",
        row(single),
        row(tta),
        " | ".join(f"{val[m]['ferplus_majority']['accuracy']:.2%}" for m in ("single", "tta12")),
        photos("all"),
        photos("report"),
        f"temperature {calibration['temperature']:.3f}",
        f"from {calibration['report']['val_ece_before']:.3f} to {calibration['report']['val_ece_after']:.3f}",
        f"less than {calibration['uncertain_margin']:.3f}",
        f"right at least {calibration['report']['certain_accuracy_target']:.0%} of the time",
        f"{uncertain['uncertain_share']:.1%} of val faces",
        f"one of the two named {uncertain['top_two_accuracy_when_uncertain']:.1%} of the time",
        f"--epochs {recipe['epochs']}",
        f"--vote-weight {recipe['vote_weight']}",
    ]
    missing = _missing(" ".join(_text(DOCS / "model.md").split()), expected)
    assert not missing, f"docs/model.md should say, as models/ does now: {missing}"


def test_the_security_page_states_the_limits_the_code_enforces():
    from fer_core.archive import MAX_FILES, MAX_RATIO, MAX_TOTAL_BYTES
    from fer_core.images import MAX_PIXELS
    from tests.hostile_files import hostile_cases

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    expected = [
        f"Uploads up to {config['server']['maxUploadSize']} MB",
        f"Images over {MAX_PIXELS // 1_000_000} megapixels",
        f"over {MAX_FILES:,} files or {MAX_TOTAL_BYTES // 1_000_000} MB unpacked",
        f"compression ratio over {MAX_RATIO}",
        f"generates {len(hostile_cases())} malformed or hostile files",
    ]
    missing = _missing(" ".join(_text(DOCS / "security.md").split()), expected)
    assert not missing, f"docs/security.md should say, as the code does now: {missing}"


def _help(module: str, command: str) -> str:
    """`python -m <module> <command> --help`, run in this process."""
    if module == "fer_core":
        from fer_core.cli import main
    else:
        from fer_core.training.__main__ import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main([command, "--help"])
    return out.getvalue()


COMMANDS = {
    "fer_core": ("analyze", "evaluate", "video", "batch", "serve"),
    "fer_core.training": ("train", "calibrate", "card"),
}
_OWNER = {command: module for module, commands in COMMANDS.items() for command in commands}
_INVOCATION = re.compile(r"python -m (fer_core(?:\.training)?) (\S+)")
_BARE = re.compile(rf"^({'|'.join(_OWNER)}) (.*)")


def _documented_commands() -> list[tuple[str, str, str, str]]:
    """(page, module, command, rest of the line) for every `python -m fer_core...` line or span in the pages, and
    every code span that starts with a subcommand and has flags (`train --init C --epochs 20`)."""
    found = []
    for page in PAGES:
        text = _text(page)
        snippets = re.findall(r"`([^`\n]+)`", _prose(text)) + [
            line for block in _code_blocks(text) for line in block.splitlines()
        ]
        for snippet in snippets:
            for part in re.split(r"(?=python -m fer_core)", snippet):
                if (match := _INVOCATION.search(part)) and match[2] != "...":
                    found.append((page.name, match[1], match[2], part[match.end() :]))
                elif (match := _BARE.match(part)) and "--" in match[2]:
                    found.append((page.name, _OWNER[match[1]], match[1], match[2]))
    return found


def test_every_documented_command_and_flag_exists():
    documented = _documented_commands()
    assert {command for _, _, command, _ in documented} == set(_OWNER), "every command is documented somewhere"
    wrong = []
    for page, module, command, rest in documented:
        if command not in COMMANDS[module]:
            wrong.append(f"{page}: `python -m {module} {command}` (no such command)")
            continue
        options = set(re.findall(r"--[a-z][a-z-]*", _help(module, command)))
        flags = re.findall(r"(?<![\w-])--[a-z][a-z-]*", rest)
        wrong += [f"{page}: {command} {flag}" for flag in flags if flag not in options]
    assert not wrong, wrong


def test_the_json_schema_has_the_keys_the_code_writes():
    from fer_core.detect import KEYPOINT_NAMES, Box
    from fer_core.export import analysis_document
    from fer_core.labels import EMOTIONS
    from fer_core.recognizer import FaceResult
    from fer_core.uploads import PhotoResult

    face = FaceResult(
        box=Box(1, 2, 30, 30),
        detection_score=0.9,
        keypoints={name: (1.0, 2.0) for name in KEYPOINT_NAMES},
        probabilities={emotion: 1 / len(EMOTIONS) for emotion in EMOTIONS},
        aligned=np.zeros((48, 48), np.float32),
    )
    written = analysis_document([PhotoResult("a.jpg", np.zeros((40, 40, 3), np.uint8), [face])], "emotion.keras")
    (block,) = _code_blocks(_text(DOCS / "cli.md"), "json")
    documented = json.loads(block)

    def shape(value):
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items() if key != "probabilities"} | (
                {"probabilities": sorted(value["probabilities"])} if "probabilities" in value else {}
            )
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return [shape(value[0])]
        return type(value).__name__ if value is not None else "str"

    assert documented["emotions"] == list(EMOTIONS)
    assert shape(documented) == shape(written)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_leads_to_a_file_and_heading_that_exist():
    broken = []
    for page in PAGES:
        for target in re.findall(r"\]\(([^)\s]+)\)", _prose(_text(page))):
            if re.match(r"\w+://", target):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor:
                headings = re.findall(r"^#+ (.+)$", _prose(_text(linked)), flags=re.MULTILINE)
                if anchor not in {_slug(h) for h in headings}:
                    broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken, broken


def test_every_path_named_in_the_pages_exists():
    missing = []
    for page in PAGES:
        for span in re.findall(r"`([^`\n]+)`", _prose(_text(page))):
            if " " in span or not re.fullmatch(r"\.?[\w.\-]+(/[\w.\-]+)+/?", span) or span.startswith(".."):
                continue
            if not span.startswith(GENERATED) and not (ROOT / span).exists():
                missing.append(f"{page.name}: {span}")
    assert not missing, missing


def test_the_readme_points_to_every_docs_page():
    readme = _text(ROOT / "README.md")
    assert [page.name for page in DOCS.glob("*.md") if f"(docs/{page.name})" not in readme] == []
