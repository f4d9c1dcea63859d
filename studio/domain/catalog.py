"""The Kling 3.0 catalog as data: tiers, modes, the six endpoints, prices, limits and schemas.

This module is the one place that knows model ids, per-second rates, resolution ceilings, the
clip limits and the tier guidance. Everything else asks it. Each endpoint carries a bundled
snapshot of its RunComfy catalog entry (``studio/domain/snapshots/*.json``), in the same shape that
``GET /v1/models/{model_id}`` returns, so a live entry can replace it without other changes
(:func:`Endpoint.with_entry`). It does no I/O beyond reading those bundled files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "LIMITS",
    "MODES",
    "TIERS",
    "ENDPOINTS",
    "Limits",
    "Mode",
    "Tier",
    "Endpoint",
    "Rates",
    "endpoint",
    "find_endpoint",
    "endpoint_ids",
]

SNAPSHOT_DIR = Path(__file__).with_name("snapshots")

TierKey = Literal["standard", "pro", "4k"]
ModeKey = Literal["text-to-video", "image-to-video"]


@dataclass(frozen=True)
class Limits:
    """Clip limits shared by every Kling 3.0 endpoint (from the Kling 3.0 skill and Kling's API)."""

    min_duration: int = 3
    max_duration: int = 15
    max_shots: int = 6
    min_shot_duration: int = 1
    max_prompt_chars: int = 2500
    max_shot_prompt_chars: int = 512
    min_cfg_scale: float = 0.0
    max_cfg_scale: float = 1.0


LIMITS = Limits()


@dataclass(frozen=True)
class Rates:
    """Per-second prices in USD, without and with audio."""

    silent: Decimal
    audio: Decimal

    def for_audio(self, audio: bool) -> Decimal:
        """The per-second rate that applies when audio is on or off."""
        return self.audio if audio else self.silent

    @property
    def flat(self) -> bool:
        """True when audio costs nothing extra (the 4K tier)."""
        return self.audio == self.silent


@dataclass(frozen=True)
class Tier:
    """A quality tier: its label, resolution ceiling, prices and when to pick it."""

    key: TierKey
    label: str
    resolution: str
    max_width: int
    max_height: int
    rates: Rates
    guidance: str


@dataclass(frozen=True)
class Mode:
    """A generation mode: text-to-video or image-to-video."""

    key: ModeKey
    label: str
    guidance: str

    @property
    def needs_start_image(self) -> bool:
        return self.key == "image-to-video"


TIERS: tuple[Tier, ...] = (
    Tier(
        key="standard",
        label="Standard",
        resolution="up to 1080p",
        max_width=1920,
        max_height=1080,
        rates=Rates(silent=Decimal("0.084"), audio=Decimal("0.126")),
        guidance=(
            "Drafts, previews, social shorts, A/B variants. Cheapest; quality is fine for "
            "everything except hero shots."
        ),
    ),
    Tier(
        key="pro",
        label="Pro",
        resolution="1080p",
        max_width=1920,
        max_height=1080,
        rates=Rates(silent=Decimal("0.112"), audio=Decimal("0.168")),
        guidance=(
            "Hero 1080p clips, ad creative, talking heads with high motion fidelity. About 33% "
            "more than Standard for tighter motion and identity hold at the same resolution."
        ),
    ),
    Tier(
        key="4k",
        label="4K",
        resolution="3840x2160",
        max_width=3840,
        max_height=2160,
        rates=Rates(silent=Decimal("0.42"), audio=Decimal("0.42")),
        guidance=(
            "4K brand films, big-screen cinematic, finished masters. Native 3840x2160, flat "
            "$0.42/s with or without audio; roughly 5x Standard, so use it only when the output "
            "truly needs 4K."
        ),
    ),
)

MODES: tuple[Mode, ...] = (
    Mode(
        key="text-to-video",
        label="Text to video",
        guidance=(
            "Prompt only: Kling generates the look from scratch. For novel scenes, new "
            "compositions and environments without a reference."
        ),
    ),
    Mode(
        key="image-to-video",
        label="Image to video",
        guidance=(
            "Prompt plus a start image (and optionally an end image): Kling animates the image. "
            "For an exact reference (face, product, scene) that must survive into the output."
        ),
    ),
)


@dataclass(frozen=True)
class Endpoint:
    """One (tier, mode) pair: its RunComfy model id and catalog entry (schema and price)."""

    tier: Tier
    mode: Mode
    entry: Mapping[str, Any] = field(repr=False, compare=False)
    rates: Rates = field(compare=False)

    @property
    def model_id(self) -> str:
        return f"kling/kling-3.0/{self.tier.key}/{self.mode.key}"

    @property
    def label(self) -> str:
        return f"Kling 3.0 {self.tier.label} · {self.mode.label.lower()}"

    @property
    def input_schema(self) -> Mapping[str, Any]:
        schema = self.entry.get("input_schema") or {}
        return schema if isinstance(schema, Mapping) else {}

    @property
    def properties(self) -> Mapping[str, Mapping[str, Any]]:
        props = self.input_schema.get("properties") or {}
        return props if isinstance(props, Mapping) else {}

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.input_schema.get("required") or ())

    def offers(self, name: str) -> bool:
        """Whether the schema defines the input field ``name``."""
        return name in self.properties

    def with_entry(self, entry: Mapping[str, Any]) -> Endpoint:
        """This endpoint with a live catalog entry; a live ``base_price_usd`` scales both rates."""
        rates = self.rates
        base = entry.get("base_price_usd")
        if isinstance(base, (int, float)) and not isinstance(base, bool) and base > 0:
            silent = Decimal(str(base))
            ratio = self.tier.rates.audio / self.tier.rates.silent
            rates = Rates(silent=silent, audio=(silent * ratio).quantize(Decimal("0.001")))
        return replace(self, entry=entry, rates=rates)


@cache
def _snapshot(tier: str, mode: str) -> Mapping[str, Any]:
    path = SNAPSHOT_DIR / f"{tier}-{mode}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


ENDPOINTS: tuple[Endpoint, ...] = tuple(
    Endpoint(tier=t, mode=m, entry=_snapshot(t.key, m.key), rates=t.rates)
    for t in TIERS
    for m in MODES
)


def endpoint_ids() -> tuple[str, ...]:
    """The six model ids, Standard first."""
    return tuple(e.model_id for e in ENDPOINTS)


def find_endpoint(model_id: str) -> Endpoint | None:
    """The endpoint for a model id (surrounding slashes and spaces ignored), or None."""
    wanted = model_id.strip().strip("/").lower()
    return next((e for e in ENDPOINTS if e.model_id == wanted), None)


def endpoint(tier: str, mode: str) -> Endpoint:
    """The endpoint for a tier key and a mode key; raises KeyError for an unknown pair."""
    for e in ENDPOINTS:
        if e.tier.key == tier and e.mode.key == mode:
            return e
    raise KeyError(f"{tier}/{mode}")
