"""Validation of a generation request against an endpoint: every problem at once. Pure.

``validate`` checks a :class:`GenerationRequest` against the endpoint's schema (what it offers,
its enums and bounds) and the Kling 3.0 limits in the catalog. ``check_input`` does the same
for raw JSON in either vocabulary, adding the reading problems. Each problem names its field
as the user wrote it and says what to do instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from studio.domain.catalog import LIMITS, Endpoint
from studio.domain.models import GenerationRequest
from studio.domain.prompts import IDENTITY_ANCHOR, numbered_prompt, shot_text
from studio.domain.schema import bounds_of, enum_of, field_for, resolved_duration
from studio.domain.tier_hints import needs_tier
from studio.domain.vocabulary import parse_request
from studio.errors import Problem

__all__ = ["validate", "check_input", "check_image_url", "host_allowed"]

_NOT_OFFERED: dict[str, str] = {
    "seed": "{model} does not offer a seed (RunComfy's Kling 3.0 schema has none), so results "
    "cannot be pinned by seed; remove it",
    "aspect_ratio": "{model} takes its shape from the start image and has no aspect ratio "
    "setting; remove it or crop the image",
    "end_image_url": "{model} has no end image; use image-to-video to lock the last frame",
    "start_image_url": "{model} has no start image; use image-to-video to animate an image",
    "negative_prompt": "{model} does not offer a negative prompt; remove it",
    "cfg_scale": "{model} does not offer cfg scale; remove it",
    "audio": "{model} does not offer audio on/off; remove it",
    "shot_type": "{model} does not offer a shot type; remove it",
}


def _choices(values: tuple[Any, ...]) -> str:
    items = [str(v) for v in values]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def host_allowed(url: str, allow_http_hosts: tuple[str, ...]) -> bool:
    """Whether ``url``'s host is one of the exact hosts ("host" or "host:port") in the list."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower(), 0)
    except ValueError:
        return False
    if not host or not allow_http_hosts:
        return False
    shown = f"[{host}]" if ":" in host else host
    allowed = {h.strip().lower() for h in allow_http_hosts}
    return host in allowed or shown in allowed or f"{shown}:{port}" in allowed


def check_image_url(url: str, allow_http_hosts: tuple[str, ...] = ()) -> str | None:
    """Why an image URL cannot be sent to the API, or None when its form is acceptable.

    Only https is accepted, except http for the exact hosts in ``allow_http_hosts`` (the
    offline simulator's loopback host, set by configuration).
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return "is not a valid URL"
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and host_allowed(url, allow_http_hosts)):
        return (
            "must be a public https:// URL that RunComfy can fetch"
            + (f" (got {parts.scheme}://)" if parts.scheme else "")
            + "; upload the file in the studio to get one"
        )
    if not host:
        return "has no host name"
    if parts.username or parts.password:
        return "must not carry a user name or password"
    return None


def _check_duration(request: GenerationRequest, endpoint: Endpoint, problems: list[Problem]) -> None:
    lo, hi = bounds_of("duration", endpoint)
    lo = LIMITS.min_duration if lo is None else int(lo)
    hi = LIMITS.max_duration if hi is None else int(hi)
    shots_total = sum(s.duration for s in request.shots)
    if request.duration is not None:
        name, value = request.name_of("duration"), request.duration
    elif request.shots:
        name, value = request.name_of("shots"), shots_total
    else:
        return
    if value > hi:
        problems.append(
            Problem(
                name,
                f"{value} s is longer than one Kling 3.0 clip ({lo}-{hi} s); split the script "
                f"into clips of at most {hi} s and stitch them (a storyboard does this)",
            )
        )
    elif value < lo:
        problems.append(Problem(name, f"{value} s is too short; a clip is {lo}-{hi} whole seconds"))
    if request.shots and request.duration is not None and shots_total != request.duration:
        problems.append(
            Problem(
                request.name_of("shots"),
                f"shot durations add up to {shots_total} s but {request.name_of('duration')} "
                f"is {request.duration} s; make them agree",
            )
        )


def _check_shots(request: GenerationRequest, problems: list[Problem]) -> None:
    name = request.name_of("shots")
    if len(request.shots) > LIMITS.max_shots:
        problems.append(
            Problem(
                name,
                f"{len(request.shots)} shots; one clip holds at most {LIMITS.max_shots}, so "
                "split them across clips (a storyboard does this)",
            )
        )
    for i, shot in enumerate(request.shots, start=1):
        where = f"{name}[{i}]"
        if not shot.prompt.strip():
            problems.append(Problem(f"{where}.prompt", "is empty; say what happens in this shot"))
        length = len(shot_text(shot))
        if length > LIMITS.max_shot_prompt_chars:
            problems.append(
                Problem(
                    f"{where}.prompt",
                    f"{length} characters with its camera move and audio cue; a shot holds at "
                    f"most {LIMITS.max_shot_prompt_chars}",
                )
            )
        if shot.duration < LIMITS.min_shot_duration:
            problems.append(
                Problem(
                    f"{where}.duration",
                    f"{shot.duration} s; each shot needs at least {LIMITS.min_shot_duration} s",
                )
            )


def _check_prompt(request: GenerationRequest, endpoint: Endpoint, problems: list[Problem]) -> None:
    name = request.name_of("prompt")
    if not request.shots and not request.prompt.strip():
        problems.append(Problem(name, "is empty; describe the scene, the motion and the camera"))
    prompt = request.prompt
    if request.shots and not prompt.strip():
        prompt = numbered_prompt(request.shots)
        name = request.name_of("shots")
    if request.identity_anchor and endpoint.mode.needs_start_image:
        prompt = f"{prompt} {IDENTITY_ANCHOR}"
    if len(prompt) > LIMITS.max_prompt_chars:
        what = "the shots together make" if name != request.name_of("prompt") else "is"
        problems.append(
            Problem(
                name,
                f"{what} {len(prompt):,} characters; a prompt holds at most "
                f"{LIMITS.max_prompt_chars:,}",
            )
        )
    if len(request.negative_prompt) > LIMITS.max_prompt_chars:
        problems.append(
            Problem(
                request.name_of("negative_prompt"),
                f"{len(request.negative_prompt):,} characters; at most {LIMITS.max_prompt_chars:,}",
            )
        )


def _check_offered(request: GenerationRequest, endpoint: Endpoint, problems: list[Problem]) -> None:
    """A setting the schema does not offer is refused, never silently dropped."""
    set_concepts = {
        "seed": request.seed is not None,
        "aspect_ratio": request.aspect_ratio is not None,
        "end_image_url": request.end_image_url is not None,
        "start_image_url": request.start_image_url is not None,
        "negative_prompt": bool(request.negative_prompt),
        "cfg_scale": request.cfg_scale is not None,
        "audio": request.audio is not None,
        "shot_type": request.shot_type is not None,
    }
    for concept, is_set in set_concepts.items():
        if is_set and field_for(concept, endpoint) is None:
            # Where another tier of the same mode offers it, say which and what it costs.
            hint = needs_tier(concept, endpoint, resolved_duration(request, endpoint), request.audio_on)
            message = f"{endpoint.model_id} does not take it; {hint}" if hint else _NOT_OFFERED[concept].format(model=endpoint.model_id)
            problems.append(Problem(request.name_of(concept), message))


def _check_choices(request: GenerationRequest, endpoint: Endpoint, problems: list[Problem]) -> None:
    ratios = enum_of("aspect_ratio", endpoint)
    if request.aspect_ratio is not None and ratios and request.aspect_ratio not in ratios:
        problems.append(
            Problem(
                request.name_of("aspect_ratio"),
                f"{request.aspect_ratio!r} is not offered by {endpoint.model_id}; choose "
                f"{_choices(ratios)}",
            )
        )
    if request.cfg_scale is not None and field_for("cfg_scale", endpoint):
        lo, hi = bounds_of("cfg_scale", endpoint)
        lo = LIMITS.min_cfg_scale if lo is None else lo
        hi = LIMITS.max_cfg_scale if hi is None else hi
        if not lo <= request.cfg_scale <= hi:
            problems.append(
                Problem(
                    request.name_of("cfg_scale"),
                    f"{request.cfg_scale:g} is outside {lo:g}-{hi:g}; 0.5 suits most prompts, "
                    "0.7-0.9 for strict adherence",
                )
            )
    types = enum_of("shot_type", endpoint)
    if request.shot_type is not None and types and request.shot_type not in types:
        problems.append(
            Problem(
                request.name_of("shot_type"),
                f"{request.shot_type!r} is not offered by {endpoint.model_id}; choose {_choices(types)}",
            )
        )
    if request.shots and request.shot_type not in (None, "customize"):
        problems.append(
            Problem(
                request.name_of("shot_type"),
                f"{request.shot_type!r} lets Kling cut the shots itself; with your own shots use "
                "'customize' or remove shot_type",
            )
        )
    if request.shots and types is not None and "customize" not in types:
        problems.append(
            Problem(request.name_of("shots"), f"{endpoint.model_id} does not accept custom shots")
        )


def _check_images(
    request: GenerationRequest, endpoint: Endpoint, problems: list[Problem], allow_http_hosts: tuple[str, ...]
) -> None:
    if endpoint.mode.needs_start_image and not (request.start_image_url or "").strip():
        problems.append(
            Problem(
                request.name_of("start_image_url"),
                "is required for image-to-video; give a public https:// URL of the first frame",
            )
        )
    for concept in ("start_image_url", "end_image_url"):
        url = getattr(request, concept)
        if url and field_for(concept, endpoint):
            reason = check_image_url(url, allow_http_hosts)
            if reason:
                problems.append(Problem(request.name_of(concept), reason))


def validate(
    request: GenerationRequest, endpoint: Endpoint, *, allow_http_hosts: tuple[str, ...] = ()
) -> list[Problem]:
    """Every problem with ``request`` on ``endpoint``; an empty list means it can be sent.

    ``allow_http_hosts``: exact hosts whose http:// image URLs are accepted (offline mode).
    """
    problems: list[Problem] = []
    _check_prompt(request, endpoint, problems)
    _check_shots(request, problems)
    _check_duration(request, endpoint, problems)
    _check_offered(request, endpoint, problems)
    _check_choices(request, endpoint, problems)
    _check_images(request, endpoint, problems, tuple(allow_http_hosts))
    return problems


def check_input(
    data: Any, endpoint: Endpoint, *, allow_http_hosts: tuple[str, ...] = ()
) -> tuple[GenerationRequest, list[Problem]]:
    """Read raw JSON in either vocabulary and validate it: the request and all its problems."""
    request, problems = parse_request(data)
    if problems and not isinstance(data, dict):
        return request, problems
    # A field that could not be read is reported once, not again as "missing" or "empty".
    unreadable = {p.field for p in problems}
    return request, problems + [p for p in validate(request, endpoint, allow_http_hosts=allow_http_hosts) if p.field not in unreadable]
