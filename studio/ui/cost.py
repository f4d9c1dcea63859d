"""The price box beside Generate, rendered on the server from the click's own quotes. Pure.

The figure is the sum of the quotes :func:`studio.ui.plan.price_plan` made for exactly the jobs
a click would submit, with the rates the submit uses, so the page never shows a price the
studio would not charge. A form that cannot be sent shows its problem instead of a figure.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal

from studio.domain.pricing import Quote, format_usd
from studio.errors import Problem
from studio.ui import translate
from studio.ui.i18n import t
from studio.ui.plan import ClickPlan

__all__ = ["cost_html", "problem_html", "total_of"]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def total_of(quotes: Sequence[Quote]) -> Decimal:
    """What the click costs: the sum of its jobs' quotes."""
    return sum((q.total for q in quotes), Decimal(0))


def _lines(plan: ClickPlan, quotes: Sequence[Quote], lang: str) -> list[str]:
    """Itemised lines, identical jobs counted together: ``Pro: 5 s × $rate/s × 2 = $total``."""
    grouped: dict[tuple[str, str, int, Decimal], list[Decimal]] = {}
    for run, quote in zip(plan.runs, quotes, strict=True):
        ep_label = run.form.endpoint.tier.label
        for item in quote.items:
            what = t("audio_surcharge", lang) if "surcharge" in item.description else ep_label
            if "audio included" in item.description:
                what += " · " + t("audio_included", lang)
            grouped.setdefault((ep_label, what, item.seconds, item.rate), []).append(item.amount)
    lines = []
    for (_, what, seconds, rate), amounts in grouped.items():
        count = f" × {len(amounts)}" if len(amounts) > 1 else ""
        lines.append(f"{_e(what)}: {seconds} s × {format_usd(rate)}/s{count} = {format_usd(sum(amounts, Decimal(0)))}")
    return lines


def cost_html(plan: ClickPlan, quotes: Sequence[Quote], lang: str = "en", *, live: bool = True, confirm: bool = False) -> str:
    """The figure, its lines, and how many jobs it is; ``confirm``: the click will ask first."""
    total = total_of(quotes)
    jobs = t("jobs_count", lang).format(n=plan.count) if plan.count > 1 else ""
    note = t("cost_live" if live else "cost_offline", lang)
    ask = f'<div class="cost-confirm">{_e(t("will_confirm", lang))}</div>' if confirm else ""
    return (
        f'<div class="cost-box" data-total="{_e(total)}" data-jobs="{plan.count}">'
        f'<div class="cost-label">{_e(note)}</div>'
        f'<div id="cost-figure" class="cost-figure">{format_usd(total)}</div>'
        f'<div class="cost-jobs">{_e(jobs)}</div>'
        f'<div class="cost-lines">{"<br>".join(_lines(plan, quotes, lang))}</div>{ask}</div>'
    )


def problem_html(problems: Sequence[Problem], lang: str = "en") -> str:
    """The box when the form cannot be priced: the problems, never a figure."""
    items = "".join(f"<li>{_e(translate.problem(p, lang) if lang == 'zh' else p)}</li>" for p in problems)
    return (
        '<div class="cost-box"><div id="cost-figure" class="cost-figure cost-problem">—</div>'
        f'<div class="cost-lines" id="cost-problem">{_e(t("cannot_price", lang))}<ul>{items}</ul></div></div>'
    )
