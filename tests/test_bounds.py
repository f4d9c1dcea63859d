"""Hard bounds on visitor values (studio.domain.bounds) and their use in variants, scripts and storyboards.

Each refusal names its field and the limit, and comes before anything is built: a billion takes
or a thousand tiers never become a list of variants.
"""

from __future__ import annotations

import json
import math

import pytest

from studio.domain import bounds
from studio.domain.catalog import endpoint
from studio.domain.forms import parse_script
from studio.domain.models import GenerationRequest
from studio.domain.storyboard import storyboard_from_json
from studio.domain.variants import by_prompt, by_seed, by_tier, takes
from studio.errors import ValidationError

EP = endpoint("standard", "text-to-video")
REQUEST = GenerationRequest(prompt="wide shot, a red lighthouse", duration=5)


def problems(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


@pytest.mark.parametrize(
    "value, expected",
    [(3, 3), (3.0, 3), ("3", 3), (" 7 ", 7), ("8.0", 8), (1, 1)],
)
def test_whole_number_reads_numbers_and_digits(value, expected):
    assert bounds.whole_number(value, "takes", 1, 8) == expected


@pytest.mark.parametrize(
    "value, words",
    [
        (1e9, "1,000,000,000 is more than 8 (999,999,992 too many)"),
        ("1e9", "must be a whole number from 1 to 8, not '1e9'"),
        (9, "9 is more than 8 (1 too many)"),
        (0, "0 is less than 1"),
        (True, "must be a whole number"),
        (None, "must be a whole number"),
        (2.5, "must be a whole number"),
        (float("nan"), "must be a whole number"),
        (math.inf, "must be a whole number"),
        ("9" * 5000, "must be a whole number"),
        ([3], "must be a whole number"),
        (10**400, "is more than 8"),
    ],
)
def test_whole_number_refuses_with_the_limit(value, words):
    with pytest.raises(ValidationError) as exc:
        bounds.whole_number(value, "takes", 1, 8)
    assert problems(exc)[0].startswith("takes: ") and words in problems(exc)[0]


@pytest.mark.parametrize("value", [None, "", "  ", 7, ["k"], {"k": 1}])
def test_owner_key_must_be_text(value):
    with pytest.raises(ValidationError, match="owner_key: give your private random key"):
        bounds.owner_key(value)


def test_owner_key_bounds():
    assert bounds.owner_key("alice") == "alice"
    with pytest.raises(ValidationError, match=r"owner_key: is 1,000,000 characters|owner_key: is 1000000 characters"):
        bounds.owner_key("k" * 1_000_000)
    with pytest.raises(ValidationError, match="control characters"):
        bounds.owner_key("alice\nbob")
    with pytest.raises(ValidationError, match="control characters"):
        bounds.owner_key("alice\x00")


def test_text_list_never_reads_a_string_as_its_letters():
    with pytest.raises(ValidationError, match="prompts: must be a list of text items, not text"):
        bounds.text_list("abc", "prompts", max_items=8)
    with pytest.raises(ValidationError, match=r"prompts: has 1,000 items; at most 8 \(992 too many\)"):
        bounds.text_list(["a"] * 1000, "prompts", max_items=8)
    with pytest.raises(ValidationError, match=r"prompts\[2\]: must be text, not a number"):
        bounds.text_list(["a", 2], "prompts", max_items=8)


def test_choice_list_removes_duplicates_and_refuses_unknowns():
    assert bounds.choice_list(["pro", "pro", "4k"], "tiers", ("standard", "pro", "4k")) == ["pro", "4k"]
    assert bounds.choice_list(None, "tiers", ("standard", "pro", "4k")) == []
    with pytest.raises(ValidationError, match="tiers: 'gold': not one of standard, pro, 4k"):
        bounds.choice_list(["gold"], "tiers", ("standard", "pro", "4k"))
    with pytest.raises(ValidationError, match="tiers: has 1,000 items"):
        bounds.choice_list(["pro"] * 1000, "tiers", ("standard", "pro", "4k"))
    with pytest.raises(ValidationError, match="tiers: must be a list"):
        bounds.choice_list("pro", "tiers", ("standard", "pro", "4k"))


def test_jobs_per_action_counts_every_factor():
    assert bounds.jobs_per_action([("tiers", 2), ("prompts", 2), ("takes", 2)]) == 8
    with pytest.raises(ValidationError) as exc:
        bounds.jobs_per_action([("tiers", 3), ("prompts", 2), ("takes", 8)])
    assert problems(exc) == [
        "jobs: this would submit 48 paid jobs (3 tiers × 2 prompts × 8 takes); at most 8 per action (40 too many). Nothing was submitted."
    ]


# -- variants are bounded before they are built ---------------------------------------------------
def test_a_billion_takes_is_refused_unbuilt():
    with pytest.raises(ValidationError, match=r"takes: 1,000,000,000 is more than 8"):
        takes(EP, REQUEST, 10**9)  # type: ignore[arg-type]
    assert len(takes(EP, REQUEST, 8)) == 8


def test_a_thousand_tiers_is_refused_and_duplicates_count_once():
    with pytest.raises(ValidationError, match="tiers: has 1,000 items"):
        by_tier(EP, REQUEST, ["pro"] * 1000)
    assert [v.label for v in by_tier(EP, REQUEST, ["pro", "pro", "standard"])] == ["tier pro", "tier standard"]


def test_prompts_must_be_a_list_and_at_most_eight_distinct():
    with pytest.raises(ValidationError, match="prompts: must be a list of text items, not text"):
        by_prompt(EP, REQUEST, "abc")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"variants: 9 variants; at most 8 paid jobs per action \(1 too many\)"):
        by_prompt(EP, REQUEST, [f"wide shot {i}" for i in range(9)])
    assert len(by_prompt(EP, REQUEST, ["wide shot a", "wide shot a", "wide shot b"])) == 2


def test_seeds_are_refused_where_the_schema_has_none():
    with pytest.raises(ValidationError, match="does not offer a seed"):
        by_seed(EP, REQUEST, [1, 2])


# -- scripts and storyboards ---------------------------------------------------------------------
def test_a_superscript_digit_is_not_a_number_of_seconds():
    with pytest.raises(ValidationError, match=r"script line 1: '²' is not a whole number of seconds"):
        parse_script("² | wide shot | the harbour")


def test_a_huge_script_is_refused_before_it_is_read():
    with pytest.raises(ValidationError, match="script: has 100,000 lines; a storyboard holds at most 120 shots"):
        parse_script("1 | wide | x\n" * 100_000)


def test_a_storyboard_with_a_million_shots_is_refused_unparsed():
    data = {"shots": [{"prompt": "x", "duration": 1}] * 1_000_000}
    with pytest.raises(ValidationError, match=r"shots: 1,000,000 shots; a storyboard holds at most 120"):
        storyboard_from_json(data)


def test_shown_quotes_a_value_on_one_short_line():
    assert bounds.shown("a\nb") == "'a\\nb'"
    assert len(bounds.shown("x" * 10_000)) < 50
    assert json.dumps(bounds.shown({"k": [1] * 100}))
