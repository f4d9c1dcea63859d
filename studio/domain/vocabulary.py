"""Reading a generation request from JSON written in either vocabulary.

Two vocabularies name the same concepts: the Kling 3.0 skill's (``image_url``,
``tail_image_url``, ``generate_audio``, ``seed``, ``prompt_segments``) and RunComfy's catalog
schema (``start_image_url``, ``end_image_url``, ``sound`` / ``generate_audio``, ``multi_prompt``,
``shot_type``). The studio's own recipe names (``shots``, ``audio``) are accepted too. This
module turns any of them into a :class:`~studio.domain.models.GenerationRequest` and lists type
problems; range and schema checks belong to :mod:`studio.domain.validation`. Pure: no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from studio.domain.models import GenerationRequest, Shot
from studio.errors import Problem

__all__ = ["KEY_TO_CONCEPT", "parse_request", "parse_shots", "request_to_json"]

# Every accepted input key and the studio concept it sets.
KEY_TO_CONCEPT: Mapping[str, str] = {
    "prompt": "prompt",
    "negative_prompt": "negative_prompt",
    "duration": "duration",
    "aspect_ratio": "aspect_ratio",
    "cfg_scale": "cfg_scale",
    "seed": "seed",
    "shot_type": "shot_type",
    "identity_anchor": "identity_anchor",
    # audio: the skill says generate_audio everywhere; RunComfy says sound on text-to-video.
    "audio": "audio",
    "sound": "audio",
    "generate_audio": "audio",
    # images: the skill's names, then RunComfy's.
    "image_url": "start_image_url",
    "start_image_url": "start_image_url",
    "tail_image_url": "end_image_url",
    "end_image_url": "end_image_url",
    # shots
    "shots": "shots",
    "multi_prompt": "shots",
    "prompt_segments": "shots",
}

_UNSUPPORTED: Mapping[str, str] = {
    "elements": "reference elements are not supported by the studio yet; remove it",
    "voice_ids": "RunComfy's Kling 3.0 schema has no voice selection; describe the voice in the prompt",
    "resolution": "resolution is set by the tier (Standard, Pro or 4K), not by a field",
}

_SHOT_KEYS = ("prompt", "duration", "camera", "audio_cue", "index")


def _text(value: Any, name: str, problems: list[Problem]) -> str | None:
    if isinstance(value, str):
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            problems.append(Problem(name, "contains a broken character (a lone UTF-16 surrogate); retype it"))
            return None
        return value
    problems.append(Problem(name, f"must be text, not {_kind(value)}"))
    return None


def _whole_number(value: Any, name: str, problems: list[Problem], unit: str = "") -> int | None:
    """An int from a JSON int, an integral float (8.0) or a digit string ("8")."""
    if isinstance(value, bool):
        problems.append(Problem(name, f"must be a whole number{unit}, not {_kind(value)}"))
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        try:  # isdigit() also admits "²" and "--5", and int() refuses over 4300 digits
            return int(value.strip())
        except ValueError:
            pass
    shown = repr(value) if isinstance(value, (int, float, str)) else _kind(value)
    problems.append(Problem(name, f"must be a whole number{unit}, not {shown}"))
    return None


def _number(value: Any, name: str, problems: list[Problem]) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:  # an int too large for a float (JSON allows 10**400) is a problem, not a crash
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isfinite(number):
            return number
    problems.append(Problem(name, f"must be a number, not {_kind(value)}"))
    return None


def _flag(value: Any, name: str, problems: list[Problem]) -> bool | None:
    if isinstance(value, bool):
        return value
    problems.append(Problem(name, f"must be true or false, not {_kind(value)}"))
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def parse_shots(value: Any, name: str, problems: list[Problem]) -> tuple[Shot, ...]:
    """Shots from a list of ``{prompt, duration[, camera, audio_cue]}`` objects."""
    if not isinstance(value, list):
        problems.append(Problem(name, f"must be a list of shots, not {_kind(value)}"))
        return ()
    shots: list[Shot] = []
    for i, item in enumerate(value, start=1):
        where = f"{name}[{i}]"
        if not isinstance(item, dict):
            problems.append(
                Problem(where, f"must be an object with prompt and duration, not {_kind(item)}")
            )
            continue
        for key in item:
            if key not in _SHOT_KEYS:
                problems.append(Problem(f"{where}.{key or chr(34) * 2}", "unknown field in a shot"))
        prompt = _text(item.get("prompt", ""), f"{where}.prompt", problems)
        if "duration" not in item:
            problems.append(Problem(f"{where}.duration", "is missing; give each shot its seconds"))
            duration = None
        else:
            duration = _whole_number(item["duration"], f"{where}.duration", problems, " of seconds")
        camera = _text(item.get("camera", ""), f"{where}.camera", problems)
        cue = _text(item.get("audio_cue", ""), f"{where}.audio_cue", problems)
        if prompt is not None and duration is not None:
            shots.append(Shot(prompt=prompt, duration=duration, camera=camera or "", audio_cue=cue or ""))
    return tuple(shots)


def parse_request(data: Any) -> tuple[GenerationRequest, list[Problem]]:
    """A request from a JSON value in either vocabulary, and the problems found reading it.

    Unknown keys, wrong types and two keys for one concept with different values are
    problems; the request holds whatever could be read.
    """
    problems: list[Problem] = []
    if not isinstance(data, dict):
        problems.append(Problem("input", f"must be a JSON object {{...}}, not {_kind(data)}"))
        return GenerationRequest(), problems

    values: dict[str, Any] = {}
    names: dict[str, str] = {}
    for key, raw in data.items():
        concept = KEY_TO_CONCEPT.get(key)
        if concept is None:
            reason = _UNSUPPORTED.get(key) or (
                "unknown field; known fields are " + ", ".join(sorted(KEY_TO_CONCEPT))
            )
            problems.append(Problem(str(key) or '""', reason))
            continue
        if concept in values:
            if values[concept] != raw:
                problems.append(
                    Problem(key, f"conflicts with {names[concept]}: both set, with different values")
                )
            continue
        values[concept] = raw
        names[concept] = key

    fields: dict[str, Any] = {}
    for concept, raw in values.items():
        name = names[concept]
        if concept in ("prompt", "negative_prompt"):
            parsed: Any = _text(raw, name, problems)
        elif concept in ("aspect_ratio", "shot_type", "start_image_url", "end_image_url"):
            parsed = None if raw is None else _text(raw, name, problems)
        elif concept == "duration":
            parsed = _whole_number(raw, name, problems, " of seconds")
        elif concept == "seed":
            parsed = None if raw is None else _whole_number(raw, name, problems)
        elif concept == "cfg_scale":
            parsed = _number(raw, name, problems)
        elif concept in ("audio", "identity_anchor"):
            parsed = _flag(raw, name, problems)
        else:  # shots
            parsed = parse_shots(raw, name, problems)
        if parsed is not None:
            fields[concept] = parsed
    return GenerationRequest(**fields, field_names=names), problems


def request_to_json(request: GenerationRequest) -> dict[str, Any]:
    """The request in the studio's own vocabulary (the recipe format); ``parse_request`` reads it back.

    Only what the user set is written; it never holds a token.
    """
    data: dict[str, Any] = {}
    if request.prompt:
        data["prompt"] = request.prompt
    if request.shots:
        data["shots"] = [
            {k: v for k, v in (("prompt", s.prompt), ("duration", s.duration), ("camera", s.camera), ("audio_cue", s.audio_cue)) if v != ""}
            for s in request.shots
        ]
    for concept in ("negative_prompt", "duration", "aspect_ratio", "cfg_scale", "audio", "seed", "shot_type",
                    "start_image_url", "end_image_url"):
        value = getattr(request, concept)
        if value not in (None, ""):
            data[concept] = value
    if request.identity_anchor:
        data["identity_anchor"] = True
    return data
