"""The language of the visitor whose event is being handled ("en" or "zh").

:class:`~studio.ui.guard.StudioBlocks` sets it for each event from the request's
``Accept-Language``; handlers and messages read it with :func:`current_lang`.
"""

from __future__ import annotations

from contextvars import ContextVar

__all__ = ["current_lang", "set_lang"]

_LANG: ContextVar[str] = ContextVar("studio_lang", default="en")


def current_lang() -> str:
    """The language of the event being handled ("en" unless the browser prefers Chinese)."""
    return _LANG.get()


def set_lang(lang: str) -> None:
    """Set the language for the rest of this event (and the worker thread it runs in)."""
    _LANG.set("zh" if lang == "zh" else "en")
