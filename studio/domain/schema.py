"""How the studio's concepts map onto an endpoint's input schema. Pure.

The wire names come from the schema, never from code: each concept lists the field names it
may take, and the first one the endpoint's schema defines wins. RunComfy names the audio
switch ``sound`` on text-to-video and ``generate_audio`` on image-to-video; a live schema that
renamed a field again would still be followed. This module also reads enums, bounds and
defaults out of the schema for validation and for the UI.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from studio.domain.catalog import ENDPOINTS, LIMITS, Endpoint
from studio.domain.models import GenerationRequest

__all__ = ["CONCEPT_FIELDS", "field_for", "enum_of", "bounds_of", "default_of", "endpoints_offering", "resolved_duration"]

CONCEPT_FIELDS: Mapping[str, tuple[str, ...]] = {
    "prompt": ("prompt",),
    "negative_prompt": ("negative_prompt",),
    "duration": ("duration",),
    "aspect_ratio": ("aspect_ratio",),
    "cfg_scale": ("cfg_scale",),
    "audio": ("sound", "generate_audio"),
    "seed": ("seed",),
    "shot_type": ("shot_type",),
    "shots": ("multi_prompt",),
    "start_image_url": ("start_image_url", "image_url"),
    "end_image_url": ("end_image_url", "tail_image_url"),
}


def field_for(concept: str, endpoint: Endpoint) -> str | None:
    """The schema field that carries ``concept`` on this endpoint, or None if it has none."""
    return next((f for f in CONCEPT_FIELDS.get(concept, ()) if endpoint.offers(f)), None)


def _prop(concept: str, endpoint: Endpoint) -> Mapping[str, Any]:
    name = field_for(concept, endpoint)
    return endpoint.properties.get(name, {}) if name else {}


def enum_of(concept: str, endpoint: Endpoint) -> tuple[Any, ...] | None:
    """The values a concept's field allows, or None when the schema does not restrict them."""
    values = _prop(concept, endpoint).get("enum")
    return tuple(values) if isinstance(values, list) else None


def bounds_of(concept: str, endpoint: Endpoint) -> tuple[float | None, float | None]:
    """The (minimum, maximum) a numeric field allows, each None when not given."""
    prop = _prop(concept, endpoint)
    lo, hi = prop.get("minimum"), prop.get("maximum")
    return (
        lo if isinstance(lo, (int, float)) and not isinstance(lo, bool) else None,
        hi if isinstance(hi, (int, float)) and not isinstance(hi, bool) else None,
    )


def default_of(concept: str, endpoint: Endpoint) -> Any:
    """The schema's default for a concept's field, or None."""
    return _prop(concept, endpoint).get("default")


def endpoints_offering(concept: str, mode: str) -> tuple[Endpoint, ...]:
    """The endpoints of ``mode`` whose schema offers ``concept``, cheapest tier first."""
    return tuple(e for e in ENDPOINTS if e.mode.key == mode and field_for(concept, e) is not None)


def resolved_duration(request: GenerationRequest, endpoint: Endpoint) -> int:
    """The clip length that will be sent: explicit, else the shots' sum, else the schema default."""
    total = request.total_duration
    if total is not None:
        return total
    default = default_of("duration", endpoint)
    return default if isinstance(default, int) and not isinstance(default, bool) else LIMITS.min_duration
