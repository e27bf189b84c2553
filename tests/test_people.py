"""bench/people.py: each person's photos in one half of a real-photo set, and the most-photographed people."""

from __future__ import annotations

import zlib

import numpy as np

from bench import people as wild_people
from fer_core import EMOTIONS


def test_a_person_is_the_file_stem_without_its_trailing_number():
    assert wild_people.person_of("angry/Al_Gore_0002.jpg") == "Al_Gore"
    assert wild_people.person_of("George_W_Bush_0123.png") == "George_W_Bush"
    assert wild_people.person_of("happy/Madonna.jpg") == "Madonna"
    assert wild_people.half_of("Al_Gore") == ("tune", "report")[zlib.crc32(b"Al_Gore") % 2]


def test_the_person_split_keeps_each_person_in_one_half():
    people = [f"Person_{i}" for i in range(40)]
    names = [f"{emotion}/{person}_{n:04d}.jpg" for person in people for n, emotion in enumerate(EMOTIONS)]
    halves = wild_people.person_halves(names)
    for person in people:
        assert len({h for name, h in zip(names, halves, strict=True) if wild_people.person_of(name) == person}) == 1
    split = wild_people.person_split(names)
    assert split["people_in_both"] == []
    assert split["tune"]["photos"] + split["report"]["photos"] == len(names)
    assert split["tune"]["people"] + split["report"]["people"] == len(people)
    assert min(split["tune"]["people"], split["report"]["people"]) > 0
    assert "crc32" in split["rule"]


def test_people_with_many_of_the_faces_come_first_with_accuracy_on_them_and_on_everyone_else():
    names = [f"sad/Ann_Lee_000{i}.jpg" for i in range(3)] + ["happy/Bo_0001.jpg", "sad/Bo_0002.jpg", "x/Cy.jpg"]
    labels, predicted = np.array([4, 4, 4, 3, 4, 6]), np.array([4, 6, 6, 3, 4, 3])
    many = wild_people.most_photographed(names, labels, predicted, min_share=0.3)
    assert [row["person"] for row in many] == ["Ann_Lee", "Bo"], "Cy has 1 face in 6, under the share asked for"
    ann = {key: many[0][key] for key in ("faces", "share", "accuracy", "accuracy_without")}
    assert ann == {"faces": 3, "share": 0.5, "accuracy": 0.3333, "accuracy_without": 0.6667}
    assert (many[1]["accuracy"], many[1]["accuracy_without"]) == (1.0, 0.25)
    assert many[0]["half"] == wild_people.half_of("Ann_Lee")
    assert wild_people.most_photographed(names[:1], labels[:1], predicted[:1])[0]["accuracy_without"] is None
