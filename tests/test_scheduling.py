"""The suite's own xdist groups (tests/conftest.py): found from the test ids alone, the same
whatever order the ids come in, the browser tests dealt evenly, the waiting modules whole."""

from __future__ import annotations

import random

from tests.conftest import BROWSER_GROUPS, WAITING_MODULES, groups_of

IDS = [
    *(f"tests/browser/test_marketer.py::test_flow_{n}[{look}]" for n in range(10) for look in ("1440-en", "390-zh")),
    *(f"tests/browser/test_review.py::test_review_{n}" for n in range(5)),
    *(f"tests/test_attack_surface.py::test_attack[{n}]" for n in range(7)),
    *(f"tests/test_crash_points.py::test_part{n}" for n in range(4)),
    "tests/test_config.py::test_defaults",
]


def test_groups_are_found_from_the_ids_alone_in_any_order():
    groups = groups_of(IDS)
    shuffled = IDS[:]
    random.Random(7).shuffle(shuffled)
    assert groups_of(shuffled) == groups
    browser = [groups[i] for i in IDS if i.startswith("tests/browser/")]
    sizes = [browser.count(g) for g in range(1, BROWSER_GROUPS + 1)]
    assert len(browser) == 25 and max(sizes) - min(sizes) <= 1
    assert {groups[i] for i in IDS if "attack_surface" in i} == {WAITING_MODULES["test_attack_surface"]}
    assert {groups[i] for i in IDS if "crash_points" in i} == {WAITING_MODULES["test_crash_points"]}
    assert "tests/test_config.py::test_defaults" not in groups  # scheduled on its own
