"""Starter prompts and platform presets, read from ``assets/starters.json`` (data, not code)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["STARTERS_FILE", "Starter", "Platform", "starters", "platforms"]

STARTERS_FILE = Path(__file__).resolve().parents[2] / "assets" / "starters.json"


@dataclass(frozen=True)
class Starter:
    """A ready-made prompt with the tier, mode and aspect ratio it suits."""

    name: str
    tier: str
    mode: str
    aspect_ratio: str | None
    prompt: str


@dataclass(frozen=True)
class Platform:
    """A publishing target and the aspect ratio it wants."""

    name: str
    aspect_ratio: str


@lru_cache(maxsize=1)
def _data() -> dict[str, list[dict[str, object]]]:
    return json.loads(STARTERS_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def starters() -> tuple[Starter, ...]:
    """The skill's sample prompts."""
    return tuple(Starter(**item) for item in _data()["prompts"])  # type: ignore[arg-type]


def platforms() -> tuple[Platform, ...]:
    """Platform presets (Reels/TikTok, feed, YouTube)."""
    return tuple(Platform(**item) for item in _data()["platforms"])  # type: ignore[arg-type]
