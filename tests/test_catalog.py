import json
from decimal import Decimal
from pathlib import Path

import pytest

from studio.domain import catalog
from studio.domain.catalog import (
    ENDPOINTS,
    LIMITS,
    endpoint,
    endpoint_ids,
    find_endpoint,
)
from studio.domain.schema import field_for


def test_six_endpoints_in_tier_and_mode_order():
    assert endpoint_ids() == (
        "kling/kling-3.0/standard/text-to-video",
        "kling/kling-3.0/standard/image-to-video",
        "kling/kling-3.0/pro/text-to-video",
        "kling/kling-3.0/pro/image-to-video",
        "kling/kling-3.0/4k/text-to-video",
        "kling/kling-3.0/4k/image-to-video",
    )


@pytest.mark.parametrize(
    "tier, silent, audio, resolution",
    [
        ("standard", "0.084", "0.126", "up to 1080p"),
        ("pro", "0.112", "0.168", "1080p"),
        ("4k", "0.42", "0.42", "3840x2160"),
    ],
)
def test_tier_prices_and_resolution(tier, silent, audio, resolution):
    t = next(t for t in catalog.TIERS if t.key == tier)
    assert t.rates.silent == Decimal(silent)
    assert t.rates.audio == Decimal(audio)
    assert t.resolution == resolution
    assert t.guidance


def test_limits():
    assert (LIMITS.min_duration, LIMITS.max_duration, LIMITS.max_shots) == (3, 15, 6)


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.model_id)
def test_snapshot_has_catalog_entry_shape(ep):
    entry = ep.entry
    assert entry["model_id"] == ep.model_id
    assert entry["price_unit"] == "second"
    assert Decimal(str(entry["base_price_usd"])) == ep.tier.rates.silent
    assert entry["categories"] == [ep.mode.key]
    schema = entry["input_schema"]
    assert schema["type"] == "object"
    assert set(entry["inputs"]) == set(schema["properties"])
    assert "prompt" in schema["required"]
    assert schema["properties"]["cfg_scale"]["type"] == "float"
    assert "seed" not in schema["properties"]


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.model_id)
def test_mode_specific_fields(ep):
    if ep.mode.key == "text-to-video":
        assert field_for("audio", ep) == "sound"
        assert field_for("aspect_ratio", ep) == "aspect_ratio"
        assert field_for("start_image_url", ep) is None
        assert ep.properties["duration"]["default"] == 5
    else:
        assert field_for("audio", ep) == "generate_audio"
        assert field_for("aspect_ratio", ep) is None
        assert ep.properties["start_image_url"]["format"] == "image_uri"
        assert "start_image_url" in ep.required
        assert ep.properties["duration"]["default"] == 10


def test_find_endpoint_tolerates_slashes_and_case():
    assert find_endpoint(" /kling/kling-3.0/PRO/text-to-video/ ") is endpoint("pro", "text-to-video")
    assert find_endpoint("kling/kling-video-o3/4K/text-to-video") is None
    with pytest.raises(KeyError):
        endpoint("ultra", "text-to-video")


def test_live_entry_replaces_schema_and_price():
    ep = endpoint("pro", "text-to-video")
    live = dict(ep.entry, base_price_usd=0.2)
    live["input_schema"] = {"type": "object", "properties": {"prompt": {"type": "string"}, "seed": {"type": "integer"}}}
    changed = ep.with_entry(live)
    assert changed.rates.silent == Decimal("0.2")
    assert changed.rates.audio == Decimal("0.300")
    assert field_for("seed", changed) == "seed"
    assert ep.rates.silent == Decimal("0.112")  # the catalog itself is unchanged


def test_no_other_module_hard_codes_prices_or_model_ids():
    import pathlib

    root = pathlib.Path(catalog.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "catalog.py":
            continue
        text = path.read_text()
        for literal in ("0.084", "0.126", "0.112", "0.168", "kling/kling-3.0/"):
            if literal in text:
                offenders.append(f"{path.name}: {literal}")
    assert offenders == []


# -- the bundled snapshots against RunComfy's published catalog ----------------------------------
PUBLISHED = {m["model_id"]: m for m in json.loads((Path(__file__).parent / "fixtures" / "runcomfy_catalog.json").read_text())["models"]}
# Published inputs the studio does not offer (item schema unpublished); the snapshots leave them out.
NOT_OFFERED = {"elements"}


@pytest.mark.parametrize("model_id", sorted(PUBLISHED))
def test_each_snapshot_agrees_with_runcomfys_published_catalog(model_id):
    published = PUBLISHED[model_id]
    snapshot = find_endpoint(model_id).entry
    pub, snap = published["input_schema"], snapshot["input_schema"]
    assert snapshot["base_price_usd"] == published["base_price_usd"] and snapshot["price_unit"] == published["price_unit"]
    assert sorted(snap["required"]) == sorted(pub["required"])
    extra = set(snap["properties"]) - set(pub["properties"])
    assert not extra, f"the snapshot offers inputs RunComfy does not publish: {sorted(extra)}"
    missing = set(pub["properties"]) - set(snap["properties"]) - NOT_OFFERED
    assert not missing, f"the snapshot lacks published inputs: {sorted(missing)}"
    for name, prop in pub["properties"].items():
        if name in NOT_OFFERED:
            continue
        mine = snap["properties"][name]
        for key in ("type", "enum", "default", "minimum", "maximum", "format"):
            if key in prop:
                assert mine.get(key) == prop[key], f"{name}.{key}: snapshot {mine.get(key)!r}, published {prop[key]!r}"
    assert sorted(snapshot["inputs"]) == sorted(snap["properties"])


def test_standard_image_to_video_has_no_end_image_and_only_customize_shots():
    ep = find_endpoint("kling/kling-3.0/standard/image-to-video")
    assert "end_image_url" not in ep.properties
    assert ep.properties["shot_type"]["enum"] == ["customize"]
    assert {e.model_id for e in ENDPOINTS if "end_image_url" in e.properties} == {
        "kling/kling-3.0/pro/image-to-video", "kling/kling-3.0/4k/image-to-video"
    }
