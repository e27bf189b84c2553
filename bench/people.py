"""Who is in a real-photo set: each person's photos kept in one half (tune / report), and the most-photographed
people with the model's accuracy on each, since one person with many photos can sway a small set's score."""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

HALVES = ("tune", "report")
PERSON_RULE = "person = file stem without its trailing _NNNN; half = zlib.crc32(person.encode()) % 2: 0 tune, 1 report"


def person_of(file_name: str) -> str:
    """`angry/Al_Gore_0002.jpg` -> `Al_Gore`: the file stem with its trailing `_NNNN` removed."""
    return re.sub(r"_\d+$", "", Path(file_name).stem)


def half_of(person: str) -> str:
    """The half ("tune" or "report") a person's photos belong to: zlib.crc32 of the name, modulo 2."""
    return HALVES[zlib.crc32(person.encode()) % 2]


def person_halves(names: Sequence[str]) -> np.ndarray:
    """(N,) the half of each file's person, as strings (see half_of)."""
    return np.array([half_of(person_of(name)) for name in names], dtype=object)


def person_split(names: Sequence[str]) -> dict:
    """The rule, photos and people per half, and the people found in both halves (none, by construction)."""
    halves = person_halves(names)
    people = {half: {person_of(n) for n, h in zip(names, halves, strict=True) if h == half} for half in HALVES}
    split: dict = {half: {"photos": int((halves == half).sum()), "people": len(people[half])} for half in HALVES}
    return split | {"rule": PERSON_RULE, "people_in_both": sorted(set.intersection(*people.values()))}


def most_photographed(
    names: Sequence[str], labels: np.ndarray, predicted: np.ndarray, min_share: float = 0.05
) -> list[dict]:
    """The people with at least `min_share` of the faces, most first: name, half, faces, share, accuracy on them and
    on everyone else's faces, so a score that one person drags down (or up) is seen as such."""
    people = np.array([person_of(name) for name in names], dtype=object)
    right = np.asarray(labels) == np.asarray(predicted)
    rows = []
    for person, count in Counter(people.tolist()).most_common():
        if count < min_share * len(people):
            break
        mine = people == person
        rows.append(
            {
                "person": person,
                "half": half_of(person),
                "faces": count,
                "share": round(count / len(people), 4),
                "accuracy": round(float(right[mine].mean()), 4),
                "accuracy_without": round(float(right[~mine].mean()), 4) if (~mine).any() else None,
            }
        )
    return rows
