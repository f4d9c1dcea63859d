"""What one click on Generate would submit: the runs (tiers × prompts × takes), priced. Pure.

The page's price, the reason Generate is disabled, the confirmation before a big spend and the
submit itself all start from :func:`plan_click`, so the figure on screen is always the figure
for exactly the jobs that would be sent. Prices come from the endpoints the caller passes in
(the live catalog's rates when there is a token), through :func:`studio.domain.pricing.quote_request`,
the function the job runner records as each job's quote.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from studio.domain import bounds
from studio.domain.catalog import Endpoint
from studio.domain.forms import Form, form_to_request
from studio.domain.pricing import Quote, quote_request, usd_text
from studio.domain.validation import validate
from studio.errors import Problem, ValidationError

__all__ = ["Run", "ClickPlan", "plan_click", "price_plan", "form_problems", "confirm_token", "needs_confirmation"]

# Stand-ins for uploaded images while checking a form (the real URLs exist only after upload).
_UPLOADED = "https://placeholder.invalid/{}.png"


@dataclass(frozen=True)
class Run:
    """One paid job of a click: its form (tier and prompt already applied) and its label."""

    form: Form
    label: str


@dataclass(frozen=True)
class ClickPlan:
    """The jobs one click submits, and how the count comes about."""

    runs: tuple[Run, ...]
    tiers: int
    prompts: int
    takes: int

    @property
    def count(self) -> int:
        return len(self.runs)


def plan_click(form: Form, compare: Sequence[str] = (), alt_prompt: str = "", takes: int = 1) -> ClickPlan:
    """Every job one click asks for: the form's tier plus the A/B tiers, the prompt and its
    A/B alternative, each ``takes`` times. Raises ValidationError over the per-action limit."""
    tiers = list(dict.fromkeys([form.tier, *compare]))
    variants = [("A", form), ("B", replace(form, prompt_mode="single", prompt=alt_prompt))] if alt_prompt else [("", form)]
    bounds.jobs_per_action([("tiers", len(tiers)), ("prompts", len(variants)), ("takes", takes)])
    runs = []
    for tier in tiers:
        for name, variant in variants:
            for n in range(takes):
                parts = (
                    f"tier {tier}" if len(tiers) > 1 else "",
                    f"prompt {name}" if name else "",
                    f"take {n + 1} of {takes}" if takes > 1 else "",
                )
                runs.append(Run(replace(variant, tier=tier), " · ".join(p for p in parts if p)))
    return ClickPlan(tuple(runs), len(tiers), len(variants), takes)


def form_problems(form: Form, *, start_image: bool, end_image: bool, alt_prompt: str = "", allow_http_hosts: tuple[str, ...] = ()) -> list[Problem]:
    """What stops this form from being sent (empty: it can be). Uploaded images count as given."""
    ep, request = form_to_request(form)
    if ep.mode.needs_start_image:
        request = request.evolve(
            start_image_url=_UPLOADED.format("start") if start_image else request.start_image_url,
            end_image_url=_UPLOADED.format("end") if end_image else request.end_image_url,
        )
        if not request.start_image_url:
            return [Problem("start image", "is required for image-to-video; upload one")]
    problems = validate(request, ep, allow_http_hosts=allow_http_hosts)
    if alt_prompt:
        ep_b, request_b = form_to_request(replace(form, prompt_mode="single", prompt=alt_prompt))
        problems += [Problem("A/B prompt", p.message) for p in validate(request_b, ep_b) if p.field == "prompt"]
    return problems


def price_plan(plan: ClickPlan, live_endpoint: Callable[[Endpoint], Endpoint]) -> list[Quote]:
    """One quote per run, from the endpoint ``live_endpoint`` gives (the rates the submit uses)."""
    quotes = []
    for run in plan.runs:
        ep, request = form_to_request(run.form)
        quotes.append(quote_request(request, live_endpoint(ep)))
    return quotes


def needs_confirmation(total: Decimal, count: int, above_usd: float, above_jobs: int) -> bool:
    """Whether one click is big enough to ask first: ``above_usd`` or more, or over ``above_jobs`` jobs."""
    return total >= Decimal(str(above_usd)) or count > above_jobs


def confirm_token(total: Decimal, count: int) -> str:
    """What a confirmation agrees to: the total and the job count (``"147.84 USD, 48 jobs"``)."""
    return f"{usd_text(total)} USD, {count} jobs"


def refuse_unconfirmed(token: str, total: Decimal, count: int) -> None:
    """Raise unless ``token`` agrees to exactly this total and count."""
    if token != confirm_token(total, count):
        raise ValidationError([Problem("confirmation", f"this click costs {usd_text(total)} USD for {count} jobs; confirm that amount")])
