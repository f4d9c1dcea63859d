"""Kling Studio: make Kling 3.0 videos through the RunComfy Model API.

The public surface: the catalog, the request model, validation, payloads, quotes, the prompt
builder and the error tree. Submodules hold the details; nothing here does I/O at import.
"""

from __future__ import annotations

from .catalog import ENDPOINTS, LIMITS, MODES, TIERS, Endpoint, Mode, Tier, endpoint, find_endpoint
from .errors import ApiError, Problem, StudioError, ValidationError
from .models import GenerationRequest, Shot
from .payload import build_payload, payload_from_input, request_from_input
from .pricing import ClipSpec, Quote, quote_clip, quote_request, quote_storyboard
from .prompts import advise, multi_prompt_items, numbered_prompt
from .validation import check_input, validate

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
