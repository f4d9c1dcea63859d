"""Event handlers of the browser studio. They call the :class:`~studio.manager.JobManager` only.

Errors reach the user in one place (:func:`friendly`): a StudioError becomes ``gr.Error`` with
its own words (each problem naming its field); anything unexpected is logged and shown as a
generic message, never a stack trace.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import replace
from pathlib import Path
from typing import Any

import gradio as gr

from ..catalog import find_endpoint, endpoint
from ..errors import StudioError, ValidationError
from ..forms import Form, form_to_request, request_to_form
from ..manager import JobManager
from ..starters import platforms, starters
from ..recipes import read_recipe_text
from ..storyboard import Storyboard
from ..validation import validate
from ..vocabulary import parse_request
from .i18n import language_of, t
from .media import MediaSigner
from .present import gallery, job_cards, spend_text
from .shots import ShotBuilder, duration_bar, rows_from_values

__all__ = ["Handlers", "friendly"]

log = logging.getLogger("studio.ui")


def friendly(exc: BaseException) -> gr.Error:
    """The one place an exception becomes what the user sees."""
    if isinstance(exc, ValidationError):
        return gr.Error("\n".join(f"• {p}" for p in exc.problems) or str(exc), title="Please check")
    if isinstance(exc, StudioError):
        return gr.Error(str(exc))
    log.exception("unexpected error in a handler")
    return gr.Error("Something went wrong on our side; nothing was charged twice. Please try again.")


def _lang(request: gr.Request | None) -> str:
    headers = dict(request.headers) if request is not None and request.headers is not None else {}
    return language_of(headers.get("accept-language"))


class Handlers:
    """The studio's handlers, bound to one JobManager and one media signer."""

    def __init__(self, manager: JobManager, signer: MediaSigner) -> None:
        self.manager = manager
        self.signer = signer
        self.live = manager.studio.mode.live
        # Fixed, so values kept in a browser still read after a restart (it only obscures them).
        self.browser_secret = os.environ.get("STUDIO_BROWSER_SECRET", "kling-studio-browser-state")
        self.c: dict[str, Any] = {}
        self.shots: ShotBuilder | None = None
        self.form_outputs: list[Any] = []

    def bind(self, components: dict[str, Any], shots: ShotBuilder) -> None:
        self.c, self.shots = components, shots
        c = components
        self.form_outputs = [
            c["tier"], c["mode"], c["prompt_mode"], c["prompt"], c["negative_prompt"], c["duration"],
            c["aspect_ratio"], c["cfg_scale"], c["audio"], c["identity_anchor"], *shots.outputs,
            c["start_image"], c["end_image"],
        ]

    # -- static bits --------------------------------------------------------------------
    def text(self, key: str) -> str:
        return t(key)

    def banner_html(self) -> str:
        kind = "live" if self.live else "offline"
        text = t("live_banner") + f" · {self.manager.settings.api_base}" if self.live else t("offline_banner")
        return f'<div class="banner {kind}" data-live="{str(self.live).lower()}">{text}</div>'

    def tier_help(self, tier: str) -> str:
        ep = endpoint(tier, "text-to-video")
        return f"**{ep.tier.label}** ({ep.tier.resolution}): {ep.tier.guidance}"

    def mode_help(self, mode: str) -> str:
        return endpoint("standard", mode).mode.guidance

    def on_mode(self, mode: str) -> tuple[Any, ...]:
        i2v = mode == "image-to-video"
        return self.mode_help(mode), gr.update(visible=i2v), gr.update(visible=not i2v), gr.update(visible=i2v)

    def on_prompt_mode(self, prompt_mode: str) -> tuple[Any, Any]:
        return gr.update(visible=prompt_mode == "single"), gr.update(visible=prompt_mode == "shots")

    def on_starter(self, name: str) -> tuple[Any, ...]:
        found = next((s for s in starters() if s.name == name), None)
        if found is None:
            return (gr.skip(),) * 6
        return found.tier, found.mode, "single", found.prompt, found.aspect_ratio or gr.skip(), None

    def on_platform(self, name: str) -> tuple[Any, Any]:
        found = next((p for p in platforms() if p.name == name), None)
        return (found.aspect_ratio if found else gr.skip()), None

    def shot_bar(self, prompt_mode: str, duration: float, count: float, *values: Any) -> tuple[str, Any]:
        if prompt_mode != "shots":
            return "", gr.update(interactive=True)
        n = len(values) // 4
        rows = rows_from_values(count, list(values[:n]), list(values[n : 2 * n]), list(values[2 * n : 3 * n]), list(values[3 * n :]))
        total = int(duration or 0)
        return duration_bar(rows, total), gr.update(interactive=sum(r.seconds for r in rows) == total)

    # -- views --------------------------------------------------------------------------
    def _views(self, owner_key: str, version: str, lang: str) -> tuple[Any, ...]:
        items = self.manager.jobs(owner_key) if owner_key else []
        finished = [r for r, _ in items if r.status == "succeeded" and r.files]
        new_version = ",".join(r.job_id for r in finished)
        gallery_html: Any = gallery(finished, self.signer.url, lang) if new_version != version or not version else gr.skip()
        budget = self.manager.studio.budget
        cap = budget.limits.session_usd if budget is not None else None
        spend = spend_text([r for r, _ in items], lang, cap)
        balance = self.manager.balance()
        if balance is not None:
            spend += f" · RunComfy balance: ${balance:.2f}"
        return job_cards(items, lang), gallery_html, spend, new_version

    def on_load(self, owner_key: str, api_key: str, version: str, request: gr.Request) -> tuple[Any, ...]:
        owner_key = owner_key or secrets.token_urlsafe(24)
        try:
            self.manager.attach(owner_key, api_key or None)
        except StudioError as exc:
            log.warning("could not reattach jobs: %s", exc)
        views = self._views(owner_key, "", _lang(request))
        return (owner_key, api_key or "", *views, gr.skip())

    def refresh(self, owner_key: str, version: str, request: gr.Request) -> tuple[Any, ...]:
        return self._views(owner_key, version, _lang(request))

    # -- actions ------------------------------------------------------------------------
    def _form(self, data: dict[Any, Any]) -> tuple[Form, dict[str, Any]]:
        c, s = self.c, self.shots
        assert s is not None
        get = lambda name: data.get(c[name])  # noqa: E731
        rows = rows_from_values(data.get(s.count), [data.get(x) for x in s.texts], [data.get(x) for x in s.seconds], [data.get(x) for x in s.cameras], [data.get(x) for x in s.cues])
        form = Form(
            tier=get("tier") or "standard",
            mode=get("mode") or "text-to-video",
            prompt_mode=get("prompt_mode") or "single",
            prompt=get("prompt") or "",
            shots=rows,
            negative_prompt=get("negative_prompt") or "",
            duration=int(get("duration") or 5),
            aspect_ratio=get("aspect_ratio") or "16:9",
            cfg_scale=float(get("cfg_scale") if get("cfg_scale") is not None else 0.5),
            audio=bool(get("audio")),
            audio_description=get("audio_description") or "",
            identity_anchor=bool(get("identity_anchor")),
        )
        extras = {k: get(k) for k in ("takes", "fit", "start_image", "end_image", "owner", "api_key", "compare", "alt_prompt")}
        return form, extras

    def generate(self, data: dict[Any, Any]) -> tuple[str, str]:
        form, extra = self._form(data)
        owner_key = extra["owner"]
        if not owner_key:
            raise gr.Error("This browser has no studio session yet; reload the page.")
        takes = max(1, min(8, int(extra["takes"] or 1)))
        start = Path(extra["start_image"]) if extra["start_image"] else None
        end = Path(extra["end_image"]) if extra["end_image"] else None
        tiers = [form.tier] + [t for t in (extra["compare"] or []) if t != form.tier]
        alternative = (extra["alt_prompt"] or "").strip()
        forms = [("A", form), ("B", replace(form, prompt_mode="single", prompt=alternative))] if alternative else [("", form)]
        if alternative:  # refuse a bad alternative before anything is paid for
            ep_b, request_b = form_to_request(forms[1][1])
            problems = [p for p in validate(request_b, ep_b) if p.field == "prompt"]
            if problems:
                raise gr.Error("A/B prompt: " + "; ".join(p.message for p in problems))
        runs = [(tier, name, variant, n) for tier in tiers for name, variant in forms for n in range(takes)]
        submitted = []
        try:
            for tier, name, variant, n in runs:
                parts = (
                    f"tier {tier}" if len(tiers) > 1 else "",
                    f"prompt {name}" if name else "",
                    f"take {n + 1} of {takes}" if takes > 1 else "",
                )
                label = " · ".join(part for part in parts if part)
                record = self.manager.submit(
                    replace(variant, tier=tier), owner_key, start_image=start, end_image=end, fit=extra["fit"] or "none",
                    visitor_token=extra["api_key"] or None, distinct=len(runs) > 1, label=label or None,
                )
                submitted.append(record)
        except Exception as exc:
            if not submitted:
                raise friendly(exc) from None
            gr.Warning(f"{len(submitted)} of {len(runs)} jobs were submitted; the next one failed: {exc}")
        items = self.manager.jobs(owner_key)
        ids = ", ".join(r.request_id or "?" for r in submitted)
        return job_cards(items), f"Submitted {len(submitted)} job(s): {ids}"

    def act(self, data: dict[Any, Any]) -> tuple[Any, ...]:
        keep = (gr.skip(),) * len(self.form_outputs)
        raw = data.get(self.c["action"]) or ""
        owner_key = data.get(self.c["owner"]) or ""
        api_key = data.get(self.c["api_key"]) or None
        action, _, job_id = raw.partition("|")
        try:
            if action == "cancel":
                return (self.manager.cancel(owner_key, job_id, api_key), *keep)
            record = self.manager.job(owner_key, job_id)
            if record is None:
                return ("That job is not in this browser.", *keep)
            request, _ = parse_request(record.request)
            model_id = record.model_id
            if action.startswith("promote:"):
                ep = find_endpoint(model_id)
                assert ep is not None
                model_id = endpoint(action.split(":", 1)[1], ep.mode.key).model_id
            if action == "reuse" or action.startswith("promote:"):
                form = request_to_form(model_id, request)
                note = "Settings loaded" + (" at the higher tier: check the cost, then Generate." if action != "reuse" else ".")
                if form.mode == "image-to-video":
                    note += " Upload the start image again (uploads are not kept)."
                return (note, *self._form_values(form))
            if action == "continue":
                return self._continue(owner_key, record, request)
        except StudioError as exc:
            raise friendly(exc) from None
        return ("Unknown action.", *keep)

    def open_recipe(self, path: str | None) -> tuple[Any, ...]:
        """Load a recipe file into the form (job recipes; storyboards go to the storyboard panel)."""
        keep = (gr.skip(),) * len(self.form_outputs)
        if not path:
            return ("", *keep)
        try:
            found = read_recipe_text(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            raise gr.Error("recipe: this file could not be read as UTF-8 text") from None
        except StudioError as exc:
            raise friendly(exc) from None
        if isinstance(found, Storyboard):
            return ("This is a storyboard recipe: open the Storyboard panel and paste its shots, or run it with `python -m studio storyboard FILE`.", *keep)
        ep, request = found
        form = request_to_form(ep.model_id, request)
        return (f"Recipe loaded ({ep.label}). Check the cost, then Generate.", *self._form_values(form))

    def _continue(self, owner_key: str, record: Any, request: Any) -> tuple[Any, ...]:
        """The next clip: image to video from this video's last frame, with the same settings."""
        frame = self.manager.last_frame(owner_key, record.job_id)
        form = replace(request_to_form(record.model_id, request), mode="image-to-video")
        note = "The last frame is the start image of the next clip: describe what happens next, check the cost, then Generate."
        return (note, *self._form_values(form, start_image=str(frame), end_image=None))

    def _form_values(self, form: Form, **images: Any) -> list[Any]:
        assert self.shots is not None
        rows = list(form.shots)
        n = len(self.shots.texts)
        padded = rows + [type(rows[0])()] * (n - len(rows))
        return [
            form.tier, form.mode, form.prompt_mode, form.prompt, form.negative_prompt, form.duration,
            form.aspect_ratio, form.cfg_scale, form.audio, form.identity_anchor,
            *(gr.update(visible=i < len(rows)) for i in range(n)), len(rows),
            *(r.text for r in padded), *(r.seconds for r in padded), *(r.camera for r in padded), *(r.audio_cue for r in padded),
            # Images are kept as they are unless given (uploads are not stored with a job).
            images.get("start_image", gr.skip()), images.get("end_image", gr.skip()),
        ]
