"""Copy as code, beside Generate: the form as a ``runcomfy run`` command, a ``python -m studio
run`` command and a ``gradio_client`` script (:mod:`studio.domain.code_snippets`).

The boxes are written by the price's own event (:meth:`CodeHandlers.priced`): the form's values
already go there on every change, so the code costs no request of its own. The click is planned
as Generate plans it (:meth:`~studio.ui.click.ClickHandlers._planned`): one snippet block per
distinct job (A/B tiers and prompts), its takes, and the total a big spend must agree to, at
the rates the submit uses. Never a token: a visitor's own key is named by its variable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

import gradio as gr

from studio.domain.catalog import Endpoint
from studio.domain.code_snippets import DEFAULT_STUDIO_URL, CodeJob, SnippetOptions, code_snippets
from studio.domain.forms import Form, form_to_request
from studio.domain.pricing import quote_request, usd_text
from studio.errors import Problem, StudioError
from studio.ui import translate
from studio.ui.agent_args import site_root
from studio.ui.card_text import variant_words
from studio.ui.click import request_lang
from studio.ui.code_words import notes_for
from studio.ui.i18n import I18N
from studio.ui.plan import ClickPlan, needs_confirmation

__all__ = ["CodeHandlers", "build_code_panel", "code_jobs"]

log = logging.getLogger("studio.ui")

# (label key, highlighting, elem_id) of the three boxes, in the order the price event writes them.
BOXES: tuple[tuple[str, Literal["shell", "python"], str], ...] = (
    ("code_runcomfy", "shell", "code-runcomfy"), ("code_studio", "shell", "code-studio"), ("code_python", "python", "code-python"),
)
_IMAGES = ("start_image_url", "end_image_url")


def build_code_panel() -> list[Any]:
    """The "Copy as code" accordion: three labelled, read-only code boxes, each with a copy
    button, one under the other (tabs would fold into Gradio's "More tabs" menu on a phone)."""
    with gr.Accordion(I18N("code_title"), open=False, elem_id="copy-code"):
        gr.Markdown(I18N("code_help"), elem_id="copy-code-help")
        return [
            gr.Code(
                language=language, interactive=False, buttons=["copy"], label=I18N(key), lines=4, max_lines=18,
                wrap_lines=True, show_line_numbers=False, elem_id=elem_id,
            )
            for key, language, elem_id in BOXES
        ]


def code_jobs(plan: ClickPlan, live_endpoint: Callable[[Endpoint], Endpoint], confirm_above: tuple[float, int], lang: str = "en") -> list[CodeJob]:
    """The click's distinct jobs in order, each with its takes and, when the studio would ask
    first, the total to agree to (as ``/generate_video`` computes it: this job × its takes)."""
    groups: dict[Form, list[str]] = {}
    for run in plan.runs:
        groups.setdefault(run.form, []).append(run.label)
    jobs = []
    for form, labels in groups.items():
        ep, request = form_to_request(form)
        takes = len(labels)
        total = quote_request(request, live_endpoint(ep), variants=takes).total
        confirm = usd_text(total) if needs_confirmation(total, takes, *confirm_above) else ""
        parts = [p.strip() for p in labels[0].split("·") if p.strip() and not p.strip().startswith("take ")]
        label = " · ".join(variant_words(" · ".join(parts), lang)) if parts else ""
        jobs.append(CodeJob(ep.model_id, request, label=label, takes=takes, confirm_total_usd=confirm))
    return jobs


def _problem_code(problems: list[Problem], lang: str) -> tuple[str, str, str]:
    """Each box says what to fix first, as a comment."""
    text = "\n".join(f"# {translate.problem(p, lang)}" for p in problems) + "\n"
    return text, text, text


class CodeHandlers:
    """The code boxes. Needs ``manager``, ``live``, ``c``, ``price`` and ``_planned`` from Handlers."""

    manager: Any
    live: bool
    c: dict[str, Any]

    def price(self, data: dict[Any, Any], request: gr.Request) -> tuple[Any, Any, Any]:  # provided by ClickHandlers
        raise NotImplementedError

    def _planned(self, data: dict[Any, Any]) -> tuple[Form, dict[str, Any], ClickPlan, list[Any]]:  # provided by ClickHandlers
        raise NotImplementedError

    def priced(self, data: dict[Any, Any], request: gr.Request) -> tuple[Any, ...]:
        """The price event's answer: the price box, Generate, its reason, then the three snippets."""
        return (*self.price(data, request), *self.code(data, request))

    def code(self, data: dict[Any, Any], request: gr.Request | None) -> tuple[Any, Any, Any]:
        """The form as a ``runcomfy run`` command, a ``python -m studio run`` command and a
        ``gradio_client`` script; a form that cannot be planned says why instead. Never raises:
        the price shares this event, and a failure here leaves the boxes as they were."""
        lang = request_lang(request)
        try:
            snippets = code_snippets(*self._code_parts(data, request, lang))
        except StudioError as exc:
            return _problem_code(list(getattr(exc, "problems", ())) or [Problem("form", str(exc))], lang)
        except Exception:
            log.exception("writing the form as code")
            return gr.skip(), gr.skip(), gr.skip()
        return snippets.runcomfy, snippets.studio, snippets.python

    def _code_parts(self, data: dict[Any, Any], request: gr.Request | None, lang: str) -> tuple[list[CodeJob], SnippetOptions]:
        """The click's jobs (as Generate plans and prices them) and how to write them."""
        _, extra, plan, _ = self._planned(data)
        settings = self.manager.settings
        live = lambda ep: self.manager.live_endpoint(ep, extra["api_key"])  # noqa: E731
        jobs = code_jobs(plan, live, (settings.confirm_above_usd, settings.confirm_above_jobs), lang)
        flags = self.c.get("has_images", (None, None))
        options = SnippetOptions(
            offline=not self.live,
            studio_url=site_root(request) or DEFAULT_STUDIO_URL,
            uploads=frozenset(name for name, flag in zip(_IMAGES, flags, strict=True) if flag is not None and data.get(flag)),
            visitor_key=bool(extra["api_key"]),
            notes=notes_for(lang),
        )
        return jobs, options
