"""The multi-shot prompt builder and its advice."""

from decimal import Decimal

import pytest

from studio.domain.catalog import endpoint
from studio.domain.models import GenerationRequest, Shot
from studio.domain.pricing import quote_request
from studio.domain.prompts import (
    CAMERA_MOVES,
    IDENTITY_ANCHOR,
    advise,
    multi_prompt_items,
    numbered_prompt,
    shot_text,
    with_identity_anchor,
)


@pytest.mark.parametrize(
    "shot, text",
    [
        (Shot("wide of the cafe at dusk", 2), "Wide of the cafe at dusk."),
        (Shot("the barista smiles", 2, camera="medium close-up, static"), "Medium close-up, static. The barista smiles."),
        (Shot("pour.", 2, camera="extreme close-up", audio_cue="hiss of the steam wand"),
         "Extreme close-up. Pour. Audio: hiss of the steam wand."),
        (Shot("  lots   of   space  ", 1), "Lots of space."),
        (Shot("Is it?", 1), "Is it?"),
    ],
)
def test_shot_text_leads_with_camera(shot, text):
    assert shot_text(shot) == text


def test_numbered_prompt_matches_skill_style():
    shots = [Shot("wide of the cafe at dusk", 2), Shot("medium close-up of the barista", 2), Shot("tight on the espresso pour", 1)]
    assert numbered_prompt(shots) == (
        "Shot 1: Wide of the cafe at dusk. Shot 2: Medium close-up of the barista. "
        "Shot 3: Tight on the espresso pour."
    )
    assert numbered_prompt(shots[:1], preamble="Cinematic") == "Cinematic. Shot 1: Wide of the cafe at dusk."


def test_multi_prompt_items_keep_order_and_durations():
    items = multi_prompt_items([Shot("a", 2, camera="whip pan"), Shot("b", 4)])
    assert items == [{"prompt": "Whip pan. A.", "duration": 2}, {"prompt": "B.", "duration": 4}]


def test_identity_anchor_added_once():
    once = with_identity_anchor("Dolly-in")
    assert once == f"Dolly-in. {IDENTITY_ANCHOR}"
    assert with_identity_anchor(once) == once


def test_camera_vocabulary_has_skill_examples():
    for move in ("wide shot, slow push-in", "tracking shot, low angle", "handheld follow"):
        assert move in CAMERA_MOVES


T2V = endpoint("standard", "text-to-video")


@pytest.mark.parametrize(
    "request_, ep, expected",
    [
        (GenerationRequest(prompt="Wide shot. Photorealistic anime noir city"), T2V, "Conflicting style cues"),
        (GenerationRequest(prompt="A cat sits on a mat, photoreal"), T2V, "Lead with camera language"),
        (GenerationRequest(prompt="Wide shot of a beach", audio=True), T2V, "describe what to hear"),
        (
            GenerationRequest(
                shots=tuple(Shot("she says hello in dialogue", 2, camera="wide shot") for _ in range(6)),
                audio=True,
                duration=12,
            ),
            endpoint("4k", "text-to-video"),
            "validate the story with Standard first",
        ),
        (
            GenerationRequest(prompt="Slow dolly-in", start_image_url="https://x.example/a.png"),
            endpoint("pro", "image-to-video"),
            "identity anchor",
        ),
    ],
)
def test_advice_flags_anti_patterns(request_, ep, expected):
    notes = advise(request_, ep, quote_total=quote_request(request_, ep).total)
    assert any(expected in n for n in notes), notes


def test_clean_prompt_gets_no_advice():
    req = GenerationRequest(prompt="Wide shot, slow push-in on a rooftop at dusk. City ambience, no dialogue.", audio=True)
    assert advise(req, T2V) == []


def test_4k_cost_warning_quotes_the_price():
    req = GenerationRequest(
        shots=tuple(Shot("he speaks to camera", 2, camera="wide shot") for _ in range(5)) + (Shot("end", 5, camera="wide shot"),),
        audio=True,
    )
    ep = endpoint("4k", "text-to-video")
    total = quote_request(req, ep).total
    assert total == Decimal("6.30")
    assert any("about $6.30" in n for n in advise(req, ep, quote_total=total))
