"""Which tier a setting needs, and what the switch costs: the sentence the page and the 422
messages show ("an end frame needs Pro or 4K: +$0.14 for 5 s on Pro"). Pure.

Everything comes from the endpoints' schemas and the catalog's rates: when a live schema adds an
end image to Standard, the hint disappears by itself.
"""

from __future__ import annotations

from studio.domain.catalog import Endpoint
from studio.domain.pricing import format_usd, switch_cost
from studio.domain.schema import endpoints_offering, field_for

__all__ = ["NAMES", "needs_tier"]

# A concept as a person names it.
NAMES = {"end_image_url": "an end frame", "start_image_url": "a start image", "aspect_ratio": "an aspect ratio"}


def needs_tier(concept: str, endpoint: Endpoint, seconds: int, audio: bool) -> str | None:
    """Why ``endpoint`` cannot take ``concept`` and which tier of the same mode can, with the
    price difference for a clip of ``seconds``; None when it can, or when no tier of the mode can."""
    if field_for(concept, endpoint) is not None:
        return None
    others = [e for e in endpoints_offering(concept, endpoint.mode.key) if e is not endpoint]
    if not others:
        return None
    cheapest = others[0]
    tiers = " or ".join(e.tier.label for e in others)
    delta = switch_cost(endpoint, cheapest, seconds, audio)
    sign = "+" if delta >= 0 else "−"
    where = f" on {cheapest.tier.label}" if len(others) > 1 else ""
    return f"{NAMES.get(concept, concept)} needs {tiers}: {sign}{format_usd(abs(delta))} for {seconds} s{where}"
