"""The form's fixed choices and starting values, read from the domain (never typed in the UI).

Tiers and modes come from the catalog, the aspect ratios from the endpoints' schemas, the
starting values from a blank :class:`~studio.domain.forms.Form`, and the clip and shot lengths
from :data:`~studio.domain.catalog.LIMITS`. The page, the handlers and the storyboard panel
all ask here, so a tier or a ratio added to the catalog reaches every list at once.
"""

from __future__ import annotations

from studio.domain.catalog import ENDPOINTS, LIMITS, MODES, TIERS
from studio.domain.forms import Form
from studio.domain.schema import enum_of

__all__ = [
    "ASPECT_RATIOS",
    "BLANK",
    "FITS",
    "MODE_KEYS",
    "PROMPT_MODES",
    "TIER_KEYS",
    "UPGRADE_TIERS",
    "clip_seconds",
    "tier_label",
]

TIER_KEYS: tuple[str, ...] = tuple(t.key for t in TIERS)
"""Cheapest first: ``("standard", "pro", "4k")``."""

UPGRADE_TIERS: tuple[str, ...] = TIER_KEYS[1:]
"""The tiers a draft on the cheapest tier can be promoted to."""

MODE_KEYS: tuple[str, ...] = tuple(m.key for m in MODES)

PROMPT_MODES: tuple[str, ...] = ("single", "shots")

FITS: tuple[str, ...] = ("none", "crop", "pad")
"""How an image is fitted to the chosen shape (image-to-video)."""

BLANK = Form()
"""What a fresh page starts from (tier, mode, clip length, aspect ratio, ...)."""


def _aspect_ratios() -> tuple[str, ...]:
    """The aspect ratios the endpoints' schemas allow, in the schema's order."""
    for ep in ENDPOINTS:
        values = enum_of("aspect_ratio", ep)
        if values:
            return tuple(str(v) for v in values)
    raise AssertionError("no endpoint of the catalog offers an aspect ratio")


ASPECT_RATIOS: tuple[str, ...] = _aspect_ratios()


def tier_label(key: str) -> str:
    """A tier's name on the page ("Pro", "4K"); an unknown key as it is."""
    return next((t.label for t in TIERS if t.key == key), key)


def clip_seconds(value: object) -> int | float | None:
    """``value`` when it is a clip length Kling accepts, else None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and LIMITS.min_duration <= value <= LIMITS.max_duration:
        return value
    return None
