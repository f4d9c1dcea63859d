"""Kling Studio: make Kling 3.0 videos through the RunComfy Model API.

The public surface: the catalog, the request model, validation, payloads, quotes, the prompt
builder and the error tree. Submodules hold the details; nothing here does I/O at import.
"""

from __future__ import annotations

from studio.domain.catalog import (
    ENDPOINTS,
    LIMITS,
    MODES,
    TIERS,
    Endpoint,
    Mode,
    Tier,
    endpoint,
    find_endpoint,
)
from studio.domain.models import GenerationRequest, Shot
from studio.domain.payload import build_payload, payload_from_input, request_from_input
from studio.domain.pricing import (
    ClipSpec,
    Quote,
    quote_clip,
    quote_request,
    quote_storyboard,
)
from studio.domain.prompts import advise, multi_prompt_items, numbered_prompt
from studio.domain.validation import check_input, validate
from studio.errors import ApiError, Problem, StudioError, ValidationError

__all__ = [
    "ENDPOINTS",
    "LIMITS",
    "MODES",
    "TIERS",
    "ApiError",
    "ClipSpec",
    "Endpoint",
    "GenerationRequest",
    "Mode",
    "Problem",
    "Quote",
    "Shot",
    "StudioError",
    "Tier",
    "ValidationError",
    "advise",
    "build_payload",
    "check_input",
    "endpoint",
    "find_endpoint",
    "multi_prompt_items",
    "numbered_prompt",
    "payload_from_input",
    "quote_clip",
    "quote_request",
    "quote_storyboard",
    "request_from_input",
    "validate",
]
