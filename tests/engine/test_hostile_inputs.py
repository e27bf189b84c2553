"""Over 200 malformed, hostile and unusual files through fer_core: a result or a clear message each, never a crash."""

from __future__ import annotations

import re

import pytest

from fer_core import InvalidImageError
from tests.hostile_files import hostile_cases


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1)) / 1024


@pytest.fixture(scope="module")
def cases():
    return hostile_cases()


def test_the_corpus_holds_over_200_files_of_every_kind(cases):
    assert len(cases) >= 200
    assert {c.expect for c in cases} == {"image", "refuse", "either"}
    assert len({c.name for c in cases}) == len(cases), "names must be unique (the browser test uploads them)"


def test_every_hostile_file_gets_a_result_or_a_clear_message_and_memory_stays_bounded(cases, recognizer):
    outcomes, crashes, unclear = {}, [], []
    recognizer.analyze(cases[0].data)
    baseline = None
    for index, case in enumerate(cases):
        if index == 20:
            baseline = _rss_mb()
        try:
            faces = recognizer.analyze(case.data)
        except InvalidImageError as exc:
            outcomes[case.name] = "refuse"
            message = str(exc)
            if not (10 < len(message) < 200) or "Traceback" in message or "\n" in message:
                unclear.append((case.name, message))
        except Exception as exc:  # noqa: BLE001 - any other exception is the crash this test exists to catch
            crashes.append((case.name, repr(exc)))
        else:
            outcomes[case.name] = "image"
            assert all(abs(sum(f.probabilities.values()) - 1) < 1e-4 for f in faces)
    growth = _rss_mb() - baseline
    wrong = [(c.name, c.expect, outcomes.get(c.name)) for c in cases if c.expect != "either" and c.name in outcomes]
    wrong = [w for w in wrong if w[1] != w[2]]
    print(
        f"\nhostile files: {len(cases)} tried, {list(outcomes.values()).count('image')} analysed, "
        f"{list(outcomes.values()).count('refuse')} refused with a message, {len(crashes)} crashes; "
        f"resident memory grew {growth:.0f} MB after the first 20"
    )
    assert not crashes
    assert not unclear
    assert not wrong
    assert growth < 150
