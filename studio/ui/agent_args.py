"""Reading an agent's arguments (the MCP tools of :mod:`studio.ui.agent_tools`) and answering it.

Every argument is bounded before it is parsed (:mod:`studio.domain.bounds`); a request or a
storyboard may be given as an object or as the JSON text of one, and the problems found inside
it name their place in it (``request.duration``). A refusal is a :class:`Refusal`: plain text
naming each field, never a traceback, a server path or a long echo of the value.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import gradio as gr
from gradio import route_utils

from studio.domain import bounds
from studio.domain.catalog import Endpoint, endpoint_ids, find_endpoint
from studio.domain.pricing import usd_text
from studio.errors import Problem, StudioError, ValidationError
from studio.ui import translate
from studio.ui.i18n import t
from studio.ui.lang import current_lang

__all__ = ["Refusal", "RecentCalls", "reason", "refusal", "read_object", "read_endpoint", "within", "visitor_key", "check_confirmed", "site_root"]

log = logging.getLogger("studio.ui")
T = TypeVar("T")

# The tools that submit paid jobs: their refusals also say that nothing was submitted.
SPENDING = ("generate_video", "start_storyboard")
_NOTHING = {"en": "Nothing was submitted.", "zh": "没有提交任何任务。"}


class Refusal(gr.Error):
    """A tool's refusal in plain text. MCP clients read ``str()`` (a ``gr.Error`` gives its repr
    there); Gradio's own clients read ``message``."""

    def __str__(self) -> str:
        return str(self.message)


def reason(exc: BaseException, lang: str | None = None) -> str:
    """An error as an agent reads it: each problem as ``field: message``, in ``lang``; an
    unexpected error is logged and reported without internals."""
    lang = lang or current_lang()
    if not isinstance(exc, StudioError):
        log.error("a tool failed unexpectedly", exc_info=exc)
        return t("unexpected", lang)
    problems = getattr(exc, "problems", ())
    if problems:
        return "; ".join(translate.problem(p, lang) for p in problems)
    return translate.text(str(exc), lang)


def refusal(fn: Callable[..., T]) -> Callable[..., T]:
    """A tool whose errors reach the agent as a :class:`Refusal`; an unexpected one is logged
    (never its arguments) and reported without internals."""
    name = fn.__name__

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> T:
        lang = current_lang()
        try:
            return fn(*args, **kwargs)
        except StudioError as exc:
            text = reason(exc, lang)
            if name in SPENDING and isinstance(exc, ValidationError) and _NOTHING["en"] not in text:
                text = f"{text.rstrip('.')}. {_NOTHING.get(lang, _NOTHING['en'])}"
            raise Refusal(text, title=t("please_check", lang), print_exception=False) from None
        except gr.Error:
            raise
        except Exception:
            log.exception("the %s tool failed", name)
            raise Refusal(t("unexpected", lang), title=t("error_title", lang), print_exception=False) from None

    return call


def read_object(value: Any, field: str, max_chars: int) -> dict[str, Any]:
    """An object argument, or the JSON text of one; at most ``max_chars`` characters as JSON."""
    if value is None or isinstance(value, str):
        text = bounds.optional_text(value, field, max_chars)
        if not text.strip():
            raise ValidationError([Problem(field, "give an object {...}; it is empty")])
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError([Problem(field, f"is not valid JSON ({exc.msg} at column {exc.colno})")]) from None
        except (ValueError, RecursionError):
            raise ValidationError([Problem(field, "has a number too long or nesting too deep to read")]) from None
    if not isinstance(value, dict):
        raise ValidationError([Problem(field, "must be an object {...}")])
    try:
        size = len(json.dumps(value))
    except (TypeError, ValueError, RecursionError):
        raise ValidationError([Problem(field, "has nesting too deep or a value that is not JSON")]) from None
    if size > max_chars:
        raise ValidationError([Problem(field, f"is {size:,} characters as JSON; at most {max_chars:,} ({size - max_chars:,} too many)")])
    return value


def within(field: str, exc: ValidationError) -> ValidationError:
    """``exc`` with each problem named by its place in the argument ``field`` (``request.duration``)."""
    return ValidationError([Problem(f"{field}.{p.field}", p.message) for p in exc.problems])


def read_endpoint(model_id: Any) -> Endpoint:
    """The Kling 3.0 endpoint a ``model_id`` argument names."""
    name = bounds.optional_text(model_id, "model_id", bounds.MAX_ID_CHARS)
    found = find_endpoint(name) if name.strip() else None
    if found is None:
        given = f"{bounds.shown(name)} is not" if name.strip() else "give"
        raise ValidationError([Problem("model_id", f"{given} one of {', '.join(endpoint_ids())}")])
    return found


def visitor_key(value: Any) -> str | None:
    """A visitor's own RunComfy key, or None (never logged, never returned)."""
    return bounds.optional_text(value, "runcomfy_api_key", 4096).strip() or None


def check_confirmed(value: Any, total: Decimal, count: int, needed: bool) -> None:
    """Refuse a big spend unless ``confirm_total_usd`` repeats its total (a small one needs nothing)."""
    text = bounds.optional_text(value, "confirm_total_usd", 40).strip().lstrip("$").strip()
    if not needed:
        return
    try:
        agreed = Decimal(text) if text else None
    except InvalidOperation:
        agreed = None
    if agreed is None or agreed != total:
        raise ValidationError([
            Problem(
                "confirm_total_usd",
                f"this costs {usd_text(total)} USD for {count} job(s), enough to ask first; "
                f'call again with confirm_total_usd "{usd_text(total)}" to go ahead',
            )
        ])


def site_root(request: Any) -> str:
    """The studio's address as the caller reached it (``https://host``), or "" when the request
    does not say (links then stay root-relative). Honours a proxy's ``X-Forwarded-*`` headers."""
    raw = getattr(request, "request", None) or request  # gr.Request wraps the Starlette request
    url = getattr(raw, "url", None)
    path = getattr(url, "path", None)
    if not isinstance(path, str):
        return ""
    cut = path.find("/gradio_api/")
    try:
        return route_utils.get_root_url(request=raw, route_path=path[cut:] if cut >= 0 else path, root_path=None)
    except Exception:  # a request Gradio cannot read: root-relative links still work for the caller
        return ""


class RecentCalls:
    """Refuses a call that repeats one of the last ``window`` seconds (an agent retrying after a
    lost answer would pay twice). A call is noted when it starts and forgotten if it submits nothing."""

    def __init__(self, window: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self._clock = clock
        self._started: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def begin(self, owner: str, fingerprint: str) -> None:
        """Note this call; raise ValidationError when it repeats a recent one."""
        now = self._clock()
        with self._lock:
            self._started = {k: t for k, t in self._started.items() if now - t < self.window}
            if (owner, fingerprint) in self._started:
                raise ValidationError([Problem("request", (
                    f"this exact request was submitted under this owner key a moment ago (its job ids are in that answer, "
                    f"and list_my_videos lists its videos); to make it again on purpose, wait {self.window:g} s or ask for more takes"))])
            self._started[(owner, fingerprint)] = now

    def forget(self, owner: str, fingerprint: str) -> None:
        with self._lock:
            self._started.pop((owner, fingerprint), None)
