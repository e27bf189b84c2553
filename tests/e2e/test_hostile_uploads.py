"""Every file of the hostile corpus uploaded through the Photos page in a real browser: a result or a clear message
for each, no traceback on screen, and the server's memory stays bounded."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from fer_core import FerError
from fer_core.uploads import PHOTOS, check_upload
from tests.hostile_files import Case, hostile_cases

BATCH = 31


def _server_rss_mb(url: str) -> float:
    """Resident memory of the `streamlit run` process serving `url` (found by its port)."""
    port = url.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(command) and port.encode() in command:
            return int(re.search(r"VmRSS:\s+(\d+)", (proc / "status").read_text()).group(1)) / 1024
    raise AssertionError(f"no streamlit process found for port {port}")


def _expected_on_the_page(case: Case) -> str:
    """The page refuses unknown extensions (.ico, .exe, none) before decoding; the rest as fer_core does."""
    try:
        check_upload(case.name, len(case.data), 50_000_000, PHOTOS)
    except FerError:
        return "refuse"
    return case.expect


def test_every_hostile_upload_gets_a_result_or_a_clear_message(app, browser, output):
    url, _ = app
    cases = hostile_cases()
    batches = [cases[i : i + BATCH] for i in range(0, len(cases), BATCH)]
    sizes = []
    for number, batch in enumerate(batches):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{url}/photos")
        files = [{"name": c.name, "mimeType": "application/octet-stream", "buffer": c.data} for c in batch]
        page.locator('input[type="file"]').first.set_input_files(files)
        summary = page.get_by_text(re.compile(rf"found in \d+ of {len(batch)} image\(s\)"))
        expect(summary).to_be_visible(timeout=180_000)
        readable = int(re.search(r"found in (\d+) of", summary.inner_text()).group(1))
        refused = page.locator('[data-testid="stAlertContentError"]', has_text="We could not use")
        expect(refused).to_have_count(len(batch) - readable, timeout=120_000)
        expected = [_expected_on_the_page(c) for c in batch]
        assert expected.count("image") <= readable <= len(batch) - expected.count("refuse")
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "Traceback" not in page.locator("body").inner_text()
        if number == 0:
            page.screenshot(path=output / "hostile_uploads.png")
        context.close()
        sizes.append(_server_rss_mb(url))
    print(f"\nserver memory after each batch of {BATCH} files (MB): {', '.join(f'{s:.0f}' for s in sizes)}")
    assert sizes[-1] - sizes[0] < 200
