"""Generate, from the page's point of view: the live price, why the button is off, the
confirmation before a big spend, and the submit. A mixin of :class:`~studio.ui.handlers.Handlers`.

Each step reads the form once (:meth:`Handlers._form`), plans the click
(:func:`~studio.ui.plan.plan_click`) and prices it with the rates the submit uses
(:meth:`JobManager.live_endpoint`), so the page's figure, the confirmation's figure and each
job's recorded quote are the same number.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal
from typing import Any

import gradio as gr

from studio.domain import bounds
from studio.domain.catalog import LIMITS
from studio.domain.forms import Form
from studio.domain.pricing import format_usd
from studio.errors import Problem, StudioError, ValidationError
from studio.jobs.journal import JobRecord
from studio.ui import translate
from studio.ui.card_text import title
from studio.ui.cost import cost_html, problem_html, total_of
from studio.ui.i18n import language_of, t
from studio.ui.lang import current_lang
from studio.ui.messages import friendly, plain
from studio.ui.plan import (
    ClickPlan,
    Run,
    confirm_token,
    form_problems,
    needs_confirmation,
    plan_click,
    price_plan,
    refuse_unconfirmed,
)
from studio.ui.present import job_cards

__all__ = ["ClickHandlers"]

log = logging.getLogger("studio.ui")


def request_lang(request: gr.Request | None) -> str:
    """``"zh"`` or ``"en"`` from the request's Accept-Language."""
    headers = dict(request.headers) if request is not None and request.headers is not None else {}
    return language_of(headers.get("accept-language"))


def _reason_html(text: str) -> str:
    """Why Generate is off (empty when it is on). Only answered once this browser's studio
    session is open, so ``data-session`` marks that (automation waits for it)."""
    return f'<div class="generate-reason" data-ok="{"false" if text else "true"}" data-session="true">{plain(text)}</div>'


_SHOT_FIELD = re.compile(r"(?:shots|multi_prompt)\[(\d+)\]\.\w+")


def _problem_text(problems: list[Problem], lang: str = "en") -> str:
    """The problems as a visitor reads them: a shot's field is "shot 2" / "镜头 2", not ``shots[2].prompt``."""
    named = [Problem(_SHOT_FIELD.sub(lambda m: ("镜头 " if lang == "zh" else "shot ") + m.group(1), p.field), p.message) for p in problems]
    return "; ".join(translate.problem(p, lang) for p in named)


class ClickHandlers:
    """Price, confirm and submit. Needs ``manager``, ``live``, ``c`` and ``_form`` from Handlers."""

    manager: Any
    live: bool
    c: dict[str, Any]

    def _form(self, data: dict[Any, Any]) -> tuple[Form, dict[str, Any]]:  # provided by Handlers
        raise NotImplementedError

    def _planned(self, data: dict[Any, Any]) -> tuple[Form, dict[str, Any], ClickPlan, list[Any]]:
        """The form, its extras, the click's plan and one quote per job. Raises ValidationError
        for anything that changes the price and cannot be sent (a clip length, too many jobs)."""
        form, extra = self._form(data)
        if not LIMITS.min_duration <= form.duration <= LIMITS.max_duration:
            raise ValidationError([Problem("clip length", f"{form.duration} s is not possible; a Kling 3.0 clip is {LIMITS.min_duration}–{LIMITS.max_duration} whole seconds")])
        plan = plan_click(form, extra["compare"], extra["alt_prompt"], extra["takes"])
        token = extra["api_key"]
        quotes = price_plan(plan, lambda ep: self.manager.live_endpoint(ep, token))
        return form, extra, plan, quotes

    def _confirm_needed(self, total: Decimal, count: int) -> bool:
        settings = self.manager.settings
        return needs_confirmation(total, count, settings.confirm_above_usd, settings.confirm_above_jobs)

    # -- the live price -----------------------------------------------------------------
    def price(self, data: dict[Any, Any], request: gr.Request) -> tuple[Any, Any, Any]:
        """The price box, Generate on or off, and the reason beside it.

        Before this browser has its studio session (the form's own changes at load race the
        session's opening), only the price box is answered: Generate and its reason are left
        as they are, so a late answer from before the session can never switch it off again.
        """
        box, sendable, reason = self._price_parts(data, request_lang(request))
        if not data.get(self.c["owner"]):
            return box, gr.skip(), gr.skip()
        return box, gr.update(interactive=sendable), _reason_html(reason)

    def _price_parts(self, data: dict[Any, Any], lang: str) -> tuple[Any, bool, str]:
        """The price box's content, whether the form can be sent, and why not."""
        try:
            form, extra, plan, quotes = self._planned(data)
        except StudioError as exc:
            problems = list(getattr(exc, "problems", ())) or [Problem("form", str(exc))]
            return problem_html(problems, lang), False, _problem_text(problems, lang)
        except Exception:
            log.exception("pricing the form")
            return gr.skip(), True, ""
        confirm = self._confirm_needed(total_of(quotes), plan.count)
        images = self.c.get("has_images", (None, None))
        problems = form_problems(
            form, start_image=bool(data.get(images[0])), end_image=bool(data.get(images[1])), alt_prompt=extra["alt_prompt"],
            allow_http_hosts=self.manager.settings.http_image_hosts,
        )
        return cost_html(plan, quotes, lang, live=self.live, confirm=confirm), not problems, _problem_text(problems, lang)

    # -- submitting ---------------------------------------------------------------------
    def generate(self, data: dict[Any, Any]) -> tuple[Any, ...]:
        """Generate: submits, or (for a big click) asks first and submits nothing."""
        try:
            return self._generate(data, confirmed=None)
        except StudioError as exc:
            raise friendly(exc) from None

    def generate_confirmed(self, data: dict[Any, Any]) -> tuple[Any, ...]:
        """The confirmation's button: submits when the form still costs what was agreed."""
        try:
            return self._generate(data, confirmed=str(data.get(self.c["confirm"]) or ""))
        except StudioError as exc:
            raise friendly(exc) from None

    def _generate(self, data: dict[Any, Any], confirmed: str | None) -> tuple[Any, ...]:
        owner_key = data.get(self.c["owner"])
        if not owner_key:
            raise gr.Error(t("no_session"))
        owner_key = bounds.owner_key(owner_key, "studio session")
        form, extra, plan, quotes = self._planned(data)
        problems = form_problems(
            form, start_image=extra["start_image"] is not None, end_image=extra["end_image"] is not None, alt_prompt=extra["alt_prompt"],
            allow_http_hosts=self.manager.settings.http_image_hosts,
        )
        if problems:  # refused before anything is asked, uploaded or paid for
            raise ValidationError(problems)
        total = total_of(quotes)
        hidden = (gr.update(visible=False), "", "")
        if self._confirm_needed(total, plan.count):
            if confirmed is None:
                ask = t("confirm_ask").format(n=plan.count, total=format_usd(total))
                return gr.skip(), "", gr.update(visible=True), ask, confirm_token(total, plan.count)
            refuse_unconfirmed(confirmed, total, plan.count)
        submitted = self._submit_plan(plan, owner_key, extra)
        return job_cards(self.manager.jobs(owner_key), current_lang(), live=self.live), self._submitted_note(submitted), *hidden

    def _submitted_note(self, submitted: list[tuple[Run, JobRecord]]) -> str:
        """"Submitted 2 job(s) for $0.84: Standard · take 1 of 2, Standard · take 2 of 2", in
        the visitor's language, with the names the job cards use (never an id)."""
        lang = current_lang()
        spent = format_usd(sum((Decimal(record.quote_usd) for _, record in submitted), Decimal(0)))
        note = t("submitted" if self.live else "submitted_offline", lang).format(n=len(submitted), total=spent)
        if len(submitted) > 1:
            note += ": " + ", ".join(title(record, lang) for _, record in submitted)
        return note

    def _submit_plan(self, plan: ClickPlan, owner_key: str, extra: dict[str, Any]) -> list[tuple[Run, JobRecord]]:
        """Submit each run in order; a failure after the first is reported, never retried."""
        submitted: list[tuple[Run, JobRecord]] = []
        try:
            for run in plan.runs:
                record = self.manager.submit(
                    run.form, owner_key, start_image=extra["start_image"], end_image=extra["end_image"], fit=extra["fit"],
                    visitor_token=extra["api_key"], distinct=plan.count > 1, label=run.label or None,
                )
                submitted.append((run, record))
        except Exception as exc:
            if not submitted:
                raise
            reason = friendly(exc).message  # plain, in the visitor's language; an unexpected error is logged
            gr.Warning(t("partial_submit").format(done=len(submitted), n=plan.count, reason=reason), title=t("warning_title"))
        return submitted
