import pytest

from studio.domain.catalog import endpoint
from studio.domain.models import GenerationRequest
from studio.domain.starters import platforms, starters
from studio.domain.validation import validate


@pytest.mark.parametrize("starter", starters(), ids=lambda s: s.name)
def test_each_starter_is_valid_on_its_endpoint(starter):
    ep = endpoint(starter.tier, starter.mode)
    req = GenerationRequest(
        prompt=starter.prompt,
        aspect_ratio=starter.aspect_ratio,
        start_image_url="https://img.example.com/a.png" if ep.mode.needs_start_image else None,
    )
    assert validate(req, ep) == []


def test_platform_presets_use_offered_ratios():
    offered = endpoint("standard", "text-to-video").properties["aspect_ratio"]["enum"]
    assert {p.aspect_ratio for p in platforms()} == set(offered)
