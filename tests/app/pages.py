"""Driving the app's pages as Streamlit runs them (AppTest), shared by the page tests: open a page, upload a file,
read the text of some elements or of all that is on screen, make a PNG."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator

import numpy as np
from google.protobuf.message import Message
from PIL import Image
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Dataframe, Element, Expander, Tab


def _app(page: str | None = None) -> AppTest:
    at = AppTest.from_file("streamlit_app.py", default_timeout=120)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception
    return at


def _upload(at: AppTest, name: str, data: bytes, mime: str = "image/jpeg") -> AppTest:
    at.file_uploader[0].set_value((name, data, mime)).run()
    assert not at.exception
    return at


def _texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def _png(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return buffer.getvalue()


JARGON = {
    "FER unexpanded": r"\bFER\b(?! Studio)",
    "macro-F1": r"(?i)\bmacro-F1\b",
    "calibration error": r"(?i)calibration error",
    "confusion matrix": r"(?i)confusion matrix",
    "val": r"(?i)\bval\b",
    "PublicTest": r"PublicTest",
    "ECE": r"\bECE\b",
    "temperature scaling": r"(?i)temperature scaling",
    "epoch": r"(?i)\bepochs?\b",
    "loss": r"(?i)\bloss\b",
    "--tta": r"--tta\b",
    "a shell command": r"python -m|\.venv/|`python",
    "fps": r"(?i)\bfps\b",
    "ms/frame": r"ms/frame",
    "real time factor": r"(?i)× real time|x real time",
    "face confidence": r"Minimum confidence",
}
"""Words an audience should not meet on any page outside its details for experts (issue 18)."""

_TEXT_FIELDS = {"body", "label", "help", "caption", "options", "content", "placeholder"}


def _on_screen(node, skip_details: bool = True) -> Iterator[str]:
    """Every text of `node` and what it holds: labels, bodies, help, captions, tables, charts' titles, axes, legends
    and tooltips; expanders whose label says "Details" are skipped unless `skip_details` is False."""
    if isinstance(node, Expander | Tab):
        if skip_details and "Details" in node.label:
            return
        yield node.label
    if isinstance(node, Block):
        for child in node.children.values():
            yield from _on_screen(child, skip_details)
    elif isinstance(node, Dataframe):
        table = node.value
        yield from (str(c) for c in table.columns)
        yield from (cell for column in table.columns for cell in table[column] if isinstance(cell, str))
    elif isinstance(node, Element) and node.type == "plotly_chart":
        yield from _chart_texts(json.loads(node.proto.spec))
    elif isinstance(node, Element):
        yield from _proto_texts(node.proto)


def _proto_texts(message: Message) -> Iterator[str]:
    for field, value in message.ListFields():
        items = [value] if isinstance(value, Message | str | bytes | int | float | bool) else list(value)
        for item in items:
            if isinstance(item, Message):
                yield from _proto_texts(item)
            elif isinstance(item, str) and field.name in _TEXT_FIELDS:
                yield item


def _chart_texts(spec: dict) -> Iterator[str]:
    layout = spec.get("layout", {})
    for trace in spec.get("data", []):
        yield from (trace[key] for key in ("name", "hovertemplate") if isinstance(trace.get(key), str))
    yield from (a.get("text", "") for a in layout.get("annotations", []))
    for key, part in layout.items():
        if key == "title" or key.startswith(("xaxis", "yaxis")):
            title = part.get("title", part) if key != "title" else part
            yield title.get("text", "") if isinstance(title, dict) else str(title)


def _jargon(texts: list[str]) -> dict[str, list[str]]:
    found = {word: [t for t in texts if re.search(pattern, t)] for word, pattern in JARGON.items()}
    return {word: hits for word, hits in found.items() if hits}
