"""What a visitor reads when something is refused: plain text, naming the field, never internals.

Gradio's pop-ups and Markdown render markup, and visitors' values come back in messages, so
every message passes through :func:`plain` (pop-ups) or :func:`plain_markdown` (Markdown).
:func:`friendly` is the one place an exception becomes what the user sees.
"""

from __future__ import annotations

import functools
import html
import logging
import re
from typing import Any, Callable, TypeVar

import gradio as gr

from ..errors import ApiError, StudioError, ValidationError

__all__ = ["plain", "plain_markdown", "friendly", "refusing"]

T = TypeVar("T")

log = logging.getLogger("studio.ui")


def plain(text: object) -> str:
    """Text a visitor may have written, made safe for Gradio's pop-ups (which render HTML)."""
    return html.escape(str(text), quote=False)


def plain_markdown(text: object) -> str:
    """Text made safe for a Markdown component: no HTML, no links, images or emphasis from it."""
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~-])", r"\\\1", str(text)).replace("&", "&amp;")


def friendly(exc: BaseException) -> gr.Error:
    """The one place an exception becomes what the user sees: plain text, naming its field."""
    if isinstance(exc, ValidationError):
        return gr.Error("\n".join(f"• {plain(p)}" for p in exc.problems) or plain(exc), title="Please check")
    if isinstance(exc, ApiError) and exc.problems:  # a 422: RunComfy's reason, field by field
        lines = "\n".join(f"• {plain(p)}" for p in exc.problems)
        return gr.Error(f"RunComfy refused the input (nothing was charged):\n{lines}", title="Please check")
    if isinstance(exc, StudioError):
        return gr.Error(plain(exc))
    log.exception("unexpected error in a handler")
    return gr.Error("Something went wrong on our side; nothing was charged twice. Please try again.")


def refusing(fn: Callable[..., T]) -> Callable[..., T]:
    """An event function whose StudioErrors reach the visitor through :func:`friendly`."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except StudioError as exc:
            raise friendly(exc) from None

    return call
