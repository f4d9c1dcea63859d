"""Server-side input validation, as RunComfy would do it: a submitted body against a schema.

This module owns the simulator's 422 decisions. It reads the endpoint's ``input_schema`` (from
:mod:`studio.domain.catalog`) generically: required fields, types (including RunComfy's non-standard
``"float"``), enums, bounds, lengths, unknown keys in strict mode, media fields that must be
public ``https://`` URLs (``data:`` URIs only when allowed; ``http://`` only for the exact hosts
configured), and the ``multi_prompt`` rule that shot durations add up to ``duration``. It must
not import the studio's own client-side validation: the double checks the client, it does not
share its code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Problem", "check_body", "problem"]

Problem = dict[str, Any]  # {"loc": ["body", field, ...], "msg": str, "type": str}

_TYPES: Mapping[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "float": (int, float),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}
_MEDIA_FORMATS = ("image_uri", "image_uris", "video_uri", "audio_uri")


def problem(loc: list[Any], msg: str, kind: str) -> Problem:
    """One entry of a 422 ``detail`` list."""
    return {"loc": ["body", *loc], "msg": msg, "type": kind}


def _type_ok(value: Any, expected: str) -> bool:
    allowed = _TYPES.get(expected)
    if allowed is None:
        return True  # a type this checker does not know is not refused
    if isinstance(value, bool) and expected != "boolean":
        return False
    return isinstance(value, allowed)


def _is_media(name: str, prop: Mapping[str, Any]) -> bool:
    return prop.get("format") in _MEDIA_FORMATS or name.endswith("image_url")


def _http_host_allowed(value: str, hosts: tuple[str, ...]) -> bool:
    """Whether an http:// URL names one of ``hosts`` exactly ("host" or "host:port")."""
    try:
        parts = urlsplit(value)
        host, port = (parts.hostname or "").lower(), parts.port or 80
    except ValueError:
        return False
    shown = f"[{host}]" if ":" in host else host
    allowed = {h.lower() for h in hosts}
    return bool(host) and (host in allowed or shown in allowed or f"{shown}:{port}" in allowed)


def _check_media(loc: list[Any], value: str, allow_data_uris: bool, http_hosts: tuple[str, ...]) -> list[Problem]:
    if value.startswith("data:"):
        if allow_data_uris and ";base64," in value:
            return []
        why = "must be a public https:// URL (data: URIs are not accepted)"
        return [problem(loc, why, "url_scheme")]
    try:
        parts = urlsplit(value)
        scheme, host = parts.scheme, parts.hostname
    except ValueError:
        return [problem(loc, "must be a public https:// URL", "url_scheme")]
    if scheme == "http" and _http_host_allowed(value, http_hosts):
        return []
    if scheme != "https" or not host:
        return [problem(loc, "must be a public https:// URL", "url_scheme")]
    return []


def _check_value(
    loc: list[Any],
    name: str,
    value: Any,
    prop: Mapping[str, Any],
    *,
    strict: bool,
    allow_data_uris: bool,
    http_hosts: tuple[str, ...] = (),
) -> list[Problem]:
    expected = prop.get("type")
    if isinstance(expected, str) and not _type_ok(value, expected):
        shown = "null" if value is None else type(value).__name__
        return [problem(loc, f"must be of type {expected}, not {shown}", f"{expected}_type")]
    out: list[Problem] = []
    enum = prop.get("enum")
    if isinstance(enum, list) and value not in enum:
        allowed = ", ".join(str(v) for v in enum)
        out.append(problem(loc, f"{value!r} is not one of: {allowed}", "enum"))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        lo, hi = prop.get("minimum"), prop.get("maximum")
        if isinstance(lo, (int, float)) and value < lo:
            out.append(problem(loc, f"must be >= {lo}, not {value}", "greater_than_equal"))
        if isinstance(hi, (int, float)) and value > hi:
            out.append(problem(loc, f"must be <= {hi}, not {value}", "less_than_equal"))
    if isinstance(value, str):
        limit = prop.get("maxLength")
        if isinstance(limit, int) and len(value) > limit:
            out.append(problem(loc, f"is {len(value)} characters; at most {limit} allowed", "string_too_long"))
        if _is_media(name, prop):
            out.extend(_check_media(loc, value, allow_data_uris, http_hosts))
    if isinstance(value, list):
        lo, hi = prop.get("minItems"), prop.get("maxItems")
        if isinstance(lo, int) and len(value) < lo:
            out.append(problem(loc, f"needs at least {lo} item(s), has {len(value)}", "too_short"))
        if isinstance(hi, int) and len(value) > hi:
            out.append(problem(loc, f"allows at most {hi} items, has {len(value)}", "too_long"))
        items = prop.get("items")
        if isinstance(items, Mapping):
            for i, item in enumerate(value):
                out.extend(
                    _check_value(
                        [*loc, i], name, item, items, strict=strict, allow_data_uris=allow_data_uris,
                        http_hosts=http_hosts,
                    )
                )
    if isinstance(value, dict) and isinstance(prop.get("properties"), Mapping):
        out.extend(
            _check_object(loc, value, prop, strict=strict, allow_data_uris=allow_data_uris, http_hosts=http_hosts)
        )
    return out


def _check_object(
    loc: list[Any],
    body: Mapping[str, Any],
    schema: Mapping[str, Any],
    *,
    strict: bool,
    allow_data_uris: bool,
    http_hosts: tuple[str, ...] = (),
) -> list[Problem]:
    props: Mapping[str, Mapping[str, Any]] = schema.get("properties") or {}
    out: list[Problem] = []
    for name in schema.get("required") or ():
        if name not in body or (body[name] is None and not strict):
            out.append(problem([*loc, name], "field required", "missing"))
    for name, value in body.items():
        prop = props.get(name)
        if prop is None:
            if strict:
                out.append(problem([*loc, name], "unknown field; this model has no such input", "extra_forbidden"))
            continue
        if value is None and not strict:
            continue  # lenient: an explicit null reads as "not given"
        out.extend(
            _check_value(
                [*loc, name], name, value, prop, strict=strict, allow_data_uris=allow_data_uris, http_hosts=http_hosts
            )
        )
    return out


def _check_shots(body: Mapping[str, Any], schema: Mapping[str, Any]) -> list[Problem]:
    """Shot durations must add up to the clip's ``duration`` (given, or the schema default)."""
    shots = body.get("multi_prompt")
    if not isinstance(shots, list) or not shots:
        return []
    durations = [s.get("duration") for s in shots if isinstance(s, dict)]
    whole = [d for d in durations if isinstance(d, int) and not isinstance(d, bool)]
    if len(whole) != len(shots):  # a shot that is not an object, or a duration that is not a whole number
        return []  # item problems are already reported
    total = body.get("duration", (schema.get("properties") or {}).get("duration", {}).get("default"))
    if not isinstance(total, int) or isinstance(total, bool):
        return []
    if sum(whole) != total:
        msg = f"shot durations add up to {sum(whole)} s but duration is {total} s"
        return [problem(["multi_prompt"], msg, "value_error")]
    return []


def check_body(
    body: Any,
    schema: Mapping[str, Any],
    *,
    strict: bool = True,
    allow_data_uris: bool = False,
    http_image_hosts: tuple[str, ...] = (),
) -> list[Problem]:
    """Every problem with a submitted body, each naming its field; empty when the body is valid.

    ``http_image_hosts``: exact hosts whose ``http://`` media URLs are accepted (offline use).
    """
    if not isinstance(body, dict):
        return [problem([], "the body must be a JSON object of the model's inputs", "dict_type")]
    out = _check_object(
        [], body, schema, strict=strict, allow_data_uris=allow_data_uris, http_hosts=tuple(http_image_hosts)
    )
    return out + _check_shots(body, schema)
