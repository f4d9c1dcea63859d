"""Cost quotes in ``Decimal``: one clip, N variants, or a storyboard of clips. Pure.

Rounding, stated once: every amount is rounded half-up to a tenth of a cent (ROUNDING_QUANTUM,
$0.001), the precision of the catalog's per-second rates; since durations are whole seconds
the amounts are exact, and the total is the sum of the line items. Audio adds a surcharge line
on Standard and Pro; 4K is flat. Rates come from the endpoint (the catalog, or a live price
that replaced it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from studio.domain.catalog import Endpoint
from studio.domain.models import GenerationRequest
from studio.domain.schema import resolved_duration

__all__ = [
    "ROUNDING_QUANTUM",
    "ROUNDING_RULE",
    "LineItem",
    "Quote",
    "ClipSpec",
    "quote_clip",
    "quote_request",
    "quote_storyboard",
    "switch_cost",
    "format_usd",
    "usd_text",
]

ROUNDING_QUANTUM = Decimal("0.001")
ROUNDING_RULE = "amounts rounded half-up to $0.001; the total is the sum of the lines"


def _round(value: Decimal) -> Decimal:
    return value.quantize(ROUNDING_QUANTUM, rounding=ROUND_HALF_UP)


def usd_text(amount: Decimal) -> str:
    """A decimal string with at least two places and no trailing zero past the cents: 6.30, 1.344."""
    value = _round(amount)
    return str(value if value != value.quantize(Decimal("0.01")) else value.quantize(Decimal("0.01")))


def format_usd(amount: Decimal) -> str:
    """Dollars for display: cents, plus the tenth of a cent only when it is not zero."""
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"${cents:,.2f}" if cents == amount else f"${_round(amount):,.3f}"


@dataclass(frozen=True)
class LineItem:
    """One line of a quote: ``seconds × rate × count = amount``."""

    description: str
    seconds: int
    rate: Decimal
    count: int
    amount: Decimal

    def as_json(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "seconds": self.seconds,
            "rate_usd": str(self.rate),
            "count": self.count,
            "amount_usd": usd_text(self.amount),
        }


@dataclass(frozen=True)
class Quote:
    """Line items and their total, in USD."""

    items: tuple[LineItem, ...]
    total: Decimal
    currency: str = "USD"

    def as_json(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "items": [i.as_json() for i in self.items],
            "total_usd": usd_text(self.total),
            "rounding": ROUNDING_RULE,
        }

    def lines(self) -> list[str]:
        """Human-readable lines, the total last."""
        out = [
            f"{i.description}: {i.seconds} s × ${i.rate}/s"
            + (f" × {i.count}" if i.count != 1 else "")
            + f" = {format_usd(i.amount)}"
            for i in self.items
        ]
        out.append(f"Total: {format_usd(self.total)}")
        return out


@dataclass(frozen=True)
class ClipSpec:
    """What a clip costs depends on: its endpoint, its seconds and whether audio is on."""

    endpoint: Endpoint
    seconds: int
    audio: bool


def _clip_items(clip: ClipSpec, count: int, prefix: str = "") -> list[LineItem]:
    rates = clip.endpoint.rates
    what = f"{prefix}{clip.endpoint.tier.label} {clip.endpoint.mode.key}"
    if rates.flat:
        label = f"{what}, audio included" if clip.audio else what
        rate = rates.silent
        return [LineItem(label, clip.seconds, rate, count, _round(rate * clip.seconds * count))]
    base = LineItem(what, clip.seconds, rates.silent, count, _round(rates.silent * clip.seconds * count))
    if not clip.audio:
        return [base]
    extra = rates.audio - rates.silent
    surcharge = LineItem(
        f"{prefix}audio surcharge", clip.seconds, extra, count, _round(extra * clip.seconds * count)
    )
    return [base, surcharge]


def _total(items: Iterable[LineItem]) -> Decimal:
    return _round(sum((i.amount for i in items), Decimal(0)))


def quote_clip(endpoint: Endpoint, seconds: int, audio: bool, variants: int = 1) -> Quote:
    """The price of ``variants`` clips of ``seconds`` on ``endpoint``."""
    if variants < 1:
        raise ValueError("variants must be at least 1")
    items = tuple(_clip_items(ClipSpec(endpoint, seconds, audio), variants))
    return Quote(items=items, total=_total(items))


def quote_request(request: GenerationRequest, endpoint: Endpoint, variants: int = 1) -> Quote:
    """The price of a request as the payload builder would send it."""
    return quote_clip(endpoint, resolved_duration(request, endpoint), request.audio_on, variants)


def quote_storyboard(clips: Sequence[ClipSpec]) -> Quote:
    """The price of several clips, one group of lines per clip."""
    items: list[LineItem] = []
    for n, clip in enumerate(clips, start=1):
        items += _clip_items(clip, 1, prefix=f"Clip {n}: ")
    return Quote(items=tuple(items), total=_total(items))


def switch_cost(current: Endpoint, target: Endpoint, seconds: int, audio: bool) -> Decimal:
    """What moving one clip of ``seconds`` from ``current`` to ``target`` adds to the bill."""
    return quote_clip(target, seconds, audio).total - quote_clip(current, seconds, audio).total
