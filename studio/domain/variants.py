"""A/B variants: N versions of one setup, by tier, by prompt, by seed or as plain takes. Pure.

Each :class:`Variant` has a label that says how it differs. The values are bounded (see
:mod:`studio.domain.bounds`) before any variant is built: a list of a thousand tiers or a billion takes
is refused unread. A seed variant is refused when the
endpoint's schema offers no seed (RunComfy's Kling 3.0 has none), never silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from studio.domain.bounds import (
    MAX_JOBS_PER_ACTION,
    choice_list,
    text_list,
    whole_number,
)
from studio.domain.catalog import Endpoint, endpoint
from studio.domain.models import GenerationRequest
from studio.domain.pricing import ClipSpec, Quote, quote_storyboard
from studio.domain.schema import field_for, resolved_duration
from studio.domain.validation import validate
from studio.errors import Problem, ValidationError

__all__ = ["MIN_VARIANTS", "MAX_VARIANTS", "Variant", "by_tier", "by_prompt", "by_seed", "takes", "quote_variants"]

MIN_VARIANTS, MAX_VARIANTS = 2, MAX_JOBS_PER_ACTION


@dataclass(frozen=True)
class Variant:
    """One version: what differs, and what to send."""

    label: str
    endpoint: Endpoint
    request: GenerationRequest


def _checked(variants: list[Variant]) -> list[Variant]:
    if len(variants) > MAX_VARIANTS:
        raise ValidationError([Problem("variants", f"{len(variants)} variants; at most {MAX_VARIANTS} paid jobs per action ({len(variants) - MAX_VARIANTS} too many)")])
    if len(variants) < MIN_VARIANTS:
        raise ValidationError([Problem("variants", f"{len(variants)} distinct variant(s); choose {MIN_VARIANTS}-{MAX_VARIANTS}")])
    problems = []
    for v in variants:
        problems += [Problem(f"{v.label}: {p.field}", p.message) for p in validate(v.request, v.endpoint)]
    if problems:
        raise ValidationError(problems)
    return variants


def by_tier(ep: Endpoint, request: GenerationRequest, tiers: Sequence[str]) -> list[Variant]:
    """The same request on several tiers."""
    chosen = choice_list(list(tiers) if isinstance(tiers, (list, tuple)) else tiers, "tiers", ("standard", "pro", "4k"))
    return _checked([Variant(f"tier {t}", endpoint(t, ep.mode.key), request) for t in chosen])


def by_prompt(ep: Endpoint, request: GenerationRequest, prompts: Sequence[str]) -> list[Variant]:
    """The same settings with alternative prompts (repeated prompts count once)."""
    items = text_list(list(prompts) if isinstance(prompts, tuple) else prompts, "prompts", max_items=4 * MAX_VARIANTS)
    distinct = list(dict.fromkeys(p.strip() for p in items))
    return _checked([Variant(f"prompt {i}", ep, request.evolve(prompt=p, shots=())) for i, p in enumerate(distinct, 1)])


def by_seed(ep: Endpoint, request: GenerationRequest, seeds: Sequence[int]) -> list[Variant]:
    """The same request with different seeds, where the schema offers a seed."""
    if field_for("seed", ep) is None:
        raise ValidationError(
            [Problem("seeds", f"{ep.model_id} does not offer a seed; use takes, tiers or prompt alternatives instead")]
        )
    if not isinstance(seeds, (list, tuple)) or len(seeds) > 4 * MAX_VARIANTS:
        raise ValidationError([Problem("seeds", f"give a list of at most {MAX_VARIANTS} whole numbers")])
    values = list(dict.fromkeys(whole_number(s, f"seeds[{i}]", 0, 2**31 - 1) for i, s in enumerate(seeds, 1)))
    return _checked([Variant(f"seed {s}", ep, request.evolve(seed=s)) for s in values])


def takes(ep: Endpoint, request: GenerationRequest, n: int) -> list[Variant]:
    """``n`` takes of the same request (the model varies on its own)."""
    n = whole_number(n, "takes", MIN_VARIANTS, MAX_VARIANTS)
    return _checked([Variant(f"take {i}", ep, request) for i in range(1, n + 1)])


def quote_variants(variants: Sequence[Variant]) -> Quote:
    """The price of running every variant."""
    return quote_storyboard([ClipSpec(v.endpoint, resolved_duration(v.request, v.endpoint), v.request.audio_on) for v in variants])
