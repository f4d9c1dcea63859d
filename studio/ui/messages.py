"""What a visitor reads when something is refused: plain text, naming the field, never internals.

Gradio's pop-ups and Markdown render markup, and visitors' values come back in messages, so
every message passes through :func:`plain` (pop-ups) or :func:`plain_markdown` (Markdown).
:func:`friendly` is the one place an exception becomes what the user sees, in the visitor's
language (the domain's English goes through :mod:`studio.ui.translate` for Chinese).
"""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Callable
from typing import Any, TypeVar

import gradio as gr

from studio.errors import ApiError, StudioError, ValidationError
from studio.ui.i18n import t
from studio.ui.lang import current_lang
from studio.ui.translate import problem, text

__all__ = ["error_title", "friendly", "plain", "plain_markdown", "refusing"]

T = TypeVar("T")

log = logging.getLogger("studio.ui")


def plain(text: object) -> str:
    """Text a visitor may have written, made safe for Gradio's pop-ups (which render HTML)."""
    return html.escape(str(text), quote=False)


def plain_markdown(text: object) -> str:
    """Text made safe for a Markdown component: no HTML, no links, images or emphasis from it."""
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~-])", r"\\\1", str(text)).replace("&", "&amp;")


def friendly(exc: BaseException, lang: str | None = None) -> gr.Error:
    """The one place an exception becomes what the user sees: plain text, naming its field, in
    ``lang`` (default: the language of the event being handled, :func:`~studio.ui.lang.current_lang`)."""
    lang = lang or current_lang()
    if isinstance(exc, ValidationError):
        lines = "\n".join(f"• {plain(problem(p, lang))}" for p in exc.problems)
        return gr.Error(lines or plain(text(str(exc), lang)), title=t("please_check", lang))
    if isinstance(exc, ApiError) and exc.problems:  # a 422: RunComfy's reason, field by field
        lines = "\n".join(f"• {plain(problem(p, lang))}" for p in exc.problems)
        return gr.Error(f"{t('refused_422', lang)}\n{lines}", title=t("please_check", lang))
    if isinstance(exc, StudioError):
        return gr.Error(plain(text(str(exc), lang)), title=error_title(lang))
    log.exception("unexpected error in a handler")
    return gr.Error(t("unexpected", lang), title=error_title(lang))


def error_title(lang: str | None = None) -> str:
    """The title of an error pop-up (Gradio's own default is the English "Error")."""
    return t("error_title", lang)


def refusing(fn: Callable[..., T]) -> Callable[..., T]:
    """An event function whose StudioErrors reach the visitor through :func:`friendly`."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except StudioError as exc:
            raise friendly(exc) from None

    return call
