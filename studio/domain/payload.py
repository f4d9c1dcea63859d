"""The payload builder: a validated request plus an endpoint schema → the exact JSON to POST. Pure.

Field names come from the endpoint's schema (:mod:`studio.domain.schema`). Settings that change the
price (duration, audio) are always sent explicitly, so RunComfy's own defaults (audio on,
image-to-video 10 s) can never make the bill differ from the quote. An invalid request raises
:class:`~studio.errors.ValidationError` and builds nothing.
"""

from __future__ import annotations

from typing import Any

from studio.domain.catalog import Endpoint
from studio.domain.models import GenerationRequest
from studio.domain.prompts import (
    multi_prompt_items,
    numbered_prompt,
    with_identity_anchor,
)
from studio.domain.schema import default_of, field_for, resolved_duration
from studio.domain.validation import check_input, validate
from studio.errors import ValidationError

__all__ = ["resolved_duration", "build_payload", "payload_from_input", "request_from_input", "wire_prompt"]


def wire_prompt(request: GenerationRequest, endpoint: Endpoint) -> str:
    """The prompt as sent: the shots numbered into it when it has none of its own (or the
    endpoint takes no shots), and the identity anchor added on image-to-video when asked."""
    prompt = request.prompt.strip()
    if request.shots and (not prompt or field_for("shots", endpoint) is None):
        prompt = numbered_prompt(request.shots, preamble=prompt)
    if request.identity_anchor and endpoint.mode.needs_start_image:
        prompt = with_identity_anchor(prompt)
    return prompt


def build_payload(
    request: GenerationRequest, endpoint: Endpoint, *, allow_http_hosts: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The wire body for ``endpoint``, named as its schema names things.

    ``allow_http_hosts`` lists image hosts that may be plain http (offline mode's loopback host).

    Raises:
        ValidationError: listing every problem, when the request cannot be sent as it is.
    """
    problems = validate(request, endpoint, allow_http_hosts=allow_http_hosts)
    if problems:
        raise ValidationError(problems)

    body: dict[str, Any] = {"prompt": wire_prompt(request, endpoint)}

    def put(concept: str, value: Any) -> None:
        name = field_for(concept, endpoint)
        if name is not None and value is not None:
            body[name] = value

    put("negative_prompt", request.negative_prompt or None)
    put("duration", resolved_duration(request, endpoint))
    put("aspect_ratio", request.aspect_ratio or default_of("aspect_ratio", endpoint))
    put("cfg_scale", request.cfg_scale)
    put("audio", request.audio_on)
    put("start_image_url", request.start_image_url.strip() if request.start_image_url else None)
    put("end_image_url", request.end_image_url.strip() if request.end_image_url else None)
    if request.shots and field_for("shots", endpoint):
        put("shots", multi_prompt_items(request.shots))
        put("shot_type", "customize")
    else:
        put("shot_type", request.shot_type)
    return body


def request_from_input(data: Any, endpoint: Endpoint) -> GenerationRequest:
    """A validated request from raw JSON in either vocabulary; raises ValidationError."""
    request, problems = check_input(data, endpoint)
    if problems:
        raise ValidationError(problems)
    return request


def payload_from_input(data: Any, endpoint: Endpoint) -> dict[str, Any]:
    """The wire body for raw JSON in either vocabulary; raises ValidationError."""
    return build_payload(request_from_input(data, endpoint), endpoint)
