from decimal import Decimal

import pytest

from studio.domain.catalog import ENDPOINTS, endpoint
from studio.domain.models import GenerationRequest
from studio.domain.pricing import (
    ClipSpec,
    format_usd,
    quote_clip,
    quote_request,
    quote_storyboard,
    usd_text,
)

RATES = {"standard": ("0.084", "0.126"), "pro": ("0.112", "0.168"), "4k": ("0.42", "0.42")}


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.model_id)
@pytest.mark.parametrize("audio", [False, True])
@pytest.mark.parametrize("seconds", [3, 4, 14, 15])
def test_every_endpoint_audio_and_duration_boundary(ep, audio, seconds):
    silent, with_audio = (Decimal(r) for r in RATES[ep.tier.key])
    expected = (with_audio if audio else silent) * seconds
    quote = quote_clip(ep, seconds, audio)
    assert quote.total == expected
    assert sum(i.amount for i in quote.items) == quote.total
    has_surcharge = any("audio surcharge" in i.description for i in quote.items)
    assert has_surcharge == (audio and ep.tier.key != "4k")


@pytest.mark.parametrize(
    "tier, mode, seconds, audio, total",
    [
        ("pro", "text-to-video", 8, True, "1.344"),  # the skill's figures
        ("4k", "text-to-video", 15, True, "6.30"),
        ("4k", "image-to-video", 15, False, "6.30"),
        ("standard", "text-to-video", 5, False, "0.42"),
        ("standard", "image-to-video", 5, True, "0.63"),
    ],
)
def test_skill_figures(tier, mode, seconds, audio, total):
    quote = quote_clip(endpoint(tier, mode), seconds, audio)
    assert quote.total == Decimal(total)
    assert quote.as_json()["total_usd"] == total


def test_variants_multiply_every_line():
    quote = quote_clip(endpoint("pro", "text-to-video"), 8, True, variants=3)
    assert [i.count for i in quote.items] == [3, 3]
    assert quote.total == Decimal("4.032")
    with pytest.raises(ValueError):
        quote_clip(endpoint("pro", "text-to-video"), 8, True, variants=0)


def test_storyboard_sums_clips():
    clips = [
        ClipSpec(endpoint("standard", "text-to-video"), 15, True),
        ClipSpec(endpoint("standard", "image-to-video"), 15, True),
        ClipSpec(endpoint("standard", "image-to-video"), 10, False),
    ]
    quote = quote_storyboard(clips)
    assert quote.total == Decimal("0.126") * 30 + Decimal("0.084") * 10
    assert quote.items[0].description.startswith("Clip 1: ")
    assert quote.items[-1].description.startswith("Clip 3: ")


def test_request_quote_uses_what_the_payload_sends():
    ep = endpoint("standard", "image-to-video")
    # No duration: RunComfy's image-to-video default (10 s) is what gets sent, so it is quoted.
    req = GenerationRequest(prompt="x", start_image_url="https://a.example/x.png")
    assert quote_request(req, ep).total == Decimal("0.84")
    # No audio choice: off, explicitly (RunComfy's own default would be on).
    assert quote_request(req.evolve(audio=True), ep).total == Decimal("1.26")


def test_live_price_overrides_catalog_rate():
    ep = endpoint("pro", "text-to-video").with_entry({**endpoint("pro", "text-to-video").entry, "base_price_usd": 0.1})
    assert quote_clip(ep, 10, False).total == Decimal("1.0")


@pytest.mark.parametrize(
    "amount, shown, text",
    [("1.344", "$1.344", "1.344"), ("6.300", "$6.30", "6.30"), ("0.42", "$0.42", "0.42"), ("12", "$12.00", "12.00")],
)
def test_display_rounding(amount, shown, text):
    assert format_usd(Decimal(amount)) == shown
    assert usd_text(Decimal(amount)) == text
