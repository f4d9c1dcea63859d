"""Hard limits on what one visitor request may ask for, checked before anything is built. Pure.

Everything a visitor sends is hostile until checked. The page, the Gradio API, the JSON
endpoints and the command line pass their values through these readers *before* they build
variants, storyboards or requests, so a request can neither allocate much nor submit more than
:data:`MAX_JOBS_PER_ACTION` paid jobs. Each refusal is a :class:`ValidationError` naming the
field, the limit and by how much it was missed; nothing has been built, uploaded or paid.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from studio.errors import Problem, ValidationError

__all__ = [
    "MAX_JOBS_PER_ACTION",
    "MAX_OWNER_KEY_CHARS",
    "MAX_REQUEST_JSON_CHARS",
    "MAX_STORYBOARD_JSON_CHARS",
    "MAX_SCRIPT_CHARS",
    "MAX_STORYBOARD_SHOTS",
    "MAX_TEXT_CHARS",
    "MAX_ID_CHARS",
    "owner_key",
    "optional_text",
    "identifier",
    "whole_number",
    "text_list",
    "choice_list",
    "jobs_per_action",
    "shown",
]

# One click, one API call or one command submits at most this many paid jobs (variants, A/B
# tiers, A/B prompts and takes multiplied together, duplicates removed).
MAX_JOBS_PER_ACTION = 8
MAX_OWNER_KEY_CHARS = 256
MAX_ID_CHARS = 200
MAX_TEXT_CHARS = 10_000
MAX_REQUEST_JSON_CHARS = 64_000
MAX_STORYBOARD_JSON_CHARS = 256_000
MAX_SCRIPT_CHARS = 64_000
# 120 s at 1 s a shot: no storyboard can hold more shots than that.
MAX_STORYBOARD_SHOTS = 120

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown(value: Any, limit: int = 40) -> str:
    """A visitor's value as a message may quote it: short, one line, repr-quoted."""
    text = repr(value) if not isinstance(value, str) else repr(value[:limit])
    return text if len(text) <= limit + 2 else text[: limit + 1] + "…"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__
    )


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError([Problem(field, message)])


def owner_key(value: Any, field: str = "owner_key") -> str:
    """A caller's private owner key: text, 1-256 characters, no control characters."""
    if not isinstance(value, str) or not value.strip():
        raise _refuse(field, "give your private random key (any text, up to 256 characters); your jobs are listed under it")
    if len(value) > MAX_OWNER_KEY_CHARS:
        raise _refuse(field, f"is {len(value)} characters; at most {MAX_OWNER_KEY_CHARS} ({len(value) - MAX_OWNER_KEY_CHARS} too many)")
    if _CONTROL.search(value):
        raise _refuse(field, "must not contain line breaks or control characters")
    return value


def optional_text(value: Any, field: str, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Text or nothing (``None`` reads as empty), at most ``max_chars`` characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _refuse(field, f"must be text, not {_kind(value)}")
    if len(value) > max_chars:
        raise _refuse(field, f"is {len(value):,} characters; at most {max_chars:,} ({len(value) - max_chars:,} too many)")
    return value


def identifier(value: Any, field: str) -> str:
    """A job or run id as a caller names it: short text without control characters."""
    text = optional_text(value, field, MAX_ID_CHARS).strip()
    if not text or _CONTROL.search(text):
        raise _refuse(field, "give the id as it was returned to you")
    return text


def whole_number(value: Any, field: str, low: int, high: int) -> int:
    """A whole number in ``low..high``, from a number or its digits; checked before any use."""
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and len(value) <= 20 and re.fullmatch(r"\s*[+-]?[0-9]+(\.0*)?\s*", value):
        number = int(value.strip().split(".")[0])
    if number is None:
        raise _refuse(field, f"must be a whole number from {low} to {high}, not {shown(value)}")
    if number > high:
        over = f"{number - high:,}" if number - high < 10**12 else "far"
        raise _refuse(field, f"{number:,} is more than {high} ({over} too many)" if number < 10**15 else f"is more than {high}")
    if number < low:
        raise _refuse(field, f"{number:,} is less than {low}")
    return number


def text_list(value: Any, field: str, *, max_items: int, max_chars: int = MAX_TEXT_CHARS) -> list[str]:
    """A list of text items (never a string read as its letters), bounded before it is read."""
    if not isinstance(value, list):
        raise _refuse(field, f"must be a list of text items, not {_kind(value)}")
    if len(value) > max_items:
        raise _refuse(field, f"has {len(value):,} items; at most {max_items} ({len(value) - max_items:,} too many)")
    out = []
    for i, item in enumerate(value, 1):
        out.append(optional_text(item, f"{field}[{i}]", max_chars))
    return out


def choice_list(value: Any, field: str, choices: Sequence[str]) -> list[str]:
    """Distinct items of ``choices``, in order; ``None`` reads as none chosen."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise _refuse(field, f"must be a list of {', '.join(choices)}, not {_kind(value)}")
    # A list of the choices can hold each only once; anything longer is refused unread.
    if len(value) > 4 * len(choices):
        raise _refuse(field, f"has {len(value):,} items; choose among {', '.join(choices)} ({len(choices)} at most)")
    unknown = [shown(v, 20) for v in value if v not in choices]
    if unknown:
        raise _refuse(field, f"{', '.join(unknown[:3])}: not one of {', '.join(choices)}")
    return list(dict.fromkeys(value))


def jobs_per_action(counts: Iterable[tuple[str, int]], field: str = "jobs") -> int:
    """The number of paid jobs an action would submit: the product of its parts, at most 8.

    ``counts`` names each factor (``("tiers", 3), ("prompts", 2), ("takes", 2)``), so a refusal
    says where the jobs come from.
    """
    parts = [(name, n) for name, n in counts]
    total = math.prod(n for _, n in parts)
    if total > MAX_JOBS_PER_ACTION:
        how = " × ".join(f"{n} {name}" for name, n in parts if n != 1) or str(total)
        raise _refuse(
            field,
            f"this would submit {total} paid jobs ({how}); at most {MAX_JOBS_PER_ACTION} per action "
            f"({total - MAX_JOBS_PER_ACTION} too many). Nothing was submitted.",
        )
    return total
