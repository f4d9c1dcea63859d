"""Event handlers of the browser studio. They call the :class:`~studio.jobs.manager.JobManager` only.

Handlers that write many components return their values by component (``{component: value}``):
Gradio matches them to the event's outputs by identity, and an output left out keeps its value
(as ``gr.skip()`` did), so adding a field to the page can never shift another one.

Errors reach the user in one place (:func:`~studio.ui.messages.friendly`): a StudioError
becomes ``gr.Error`` with its own words (each problem naming its field), escaped; anything
unexpected is logged and shown as a generic message, never a stack trace.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import replace
from decimal import Decimal
from typing import Any

import gradio as gr

from studio.domain import bounds
from studio.domain.catalog import LIMITS, endpoint, find_endpoint
from studio.domain.forms import Form, request_to_form
from studio.domain.pricing import format_usd, quote_request
from studio.domain.recipes import read_recipe_text
from studio.domain.schema import endpoints_offering
from studio.domain.starters import platforms, starters
from studio.domain.storyboard import Storyboard
from studio.domain.tier_hints import needs_tier
from studio.domain.vocabulary import parse_request
from studio.errors import Problem, StudioError, ValidationError
from studio.jobs.manager import JobManager
from studio.ui import translate, words
from studio.ui.choices import ASPECT_RATIOS, BLANK, FITS, MODE_KEYS, PROMPT_MODES, TIER_KEYS, clip_seconds
from studio.ui.click import ClickHandlers, request_lang
from studio.ui.code_view import CodeHandlers
from studio.ui.gallery_view import gallery as render_gallery
from studio.ui.gallery_view import gallery_action, gallery_version, story_films
from studio.ui.guard import uploaded_path
from studio.ui.i18n import I18N, t
from studio.ui.lang import current_lang
from studio.ui.media import MediaSigner
from studio.ui.messages import friendly, plain, refusing
from studio.ui.ordered import SessionLocks
from studio.ui.present import job_cards, spend_text
from studio.ui.review_links import share_boxes
from studio.ui.shots import ShotBuilder, duration_bar, rows_from_values
from studio.ui.space import storage_warning

__all__ = ["Handlers", "friendly"]

log = logging.getLogger("studio.ui")


# The settings loading a form writes (reuse, promote, continue, a recipe), each the name of its
# component and of the Form field it shows; then come the shots and the two images.
FORM_SETTINGS = ("tier", "mode", "prompt_mode", "prompt", "negative_prompt", "duration", "aspect_ratio", "cfg_scale", "audio", "identity_anchor")


def _lang(request: gr.Request | None) -> str:
    return request_lang(request)


def _choice(value: Any, choices: tuple[str, ...], field: str) -> str:
    """One of ``choices``, or ValidationError naming ``field``."""
    if value not in choices:
        raise ValidationError([Problem(field, f"{bounds.shown(value, 20)} is not one of {', '.join(choices)}")])
    return str(value)


class Handlers(ClickHandlers, CodeHandlers):
    """The studio's handlers, bound to one JobManager and one media signer."""

    def __init__(self, manager: JobManager, signer: MediaSigner, *, browser_secret: str | None = None) -> None:
        self.manager = manager
        self.signer = signer
        self.live = manager.studio.mode.live
        # Encrypts what a browser keeps (its owner key): STUDIO_BROWSER_SECRET, else the one kept
        # in the data folder (studio.secrets_store), so values still read after a restart.
        self.browser_secret = browser_secret or os.environ.get("STUDIO_BROWSER_SECRET", "kling-studio-browser-state")
        self.c: dict[str, Any] = {}
        self.shots: ShotBuilder | None = None
        self.form_outputs: list[Any] = []
        self.form_order = SessionLocks()  # a page's form events answered in the order they came

    def bind(self, components: dict[str, Any], shots: ShotBuilder) -> None:
        """The page's components by name (what the handlers read and write) and the shot builder.

        ``form_outputs`` is the one ordered list of what loading a form writes (the event's
        outputs); the values themselves are given by component (:meth:`_form_values`)."""
        self.c, self.shots = components, shots
        self.form_outputs = [*(components[name] for name in FORM_SETTINGS), *shots.outputs, components["start_image"], components["end_image"]]

    # -- static bits --------------------------------------------------------------------
    def text(self, key: str) -> str:
        return t(key)

    def banner_html(self, lang: str = "en") -> str:
        warning = storage_warning(self.manager.settings, os.environ, lang=lang)
        return words.banner(self.live, lang, api_base=self.manager.settings.api_base if self.live else None, warning=warning)

    def on_form(self, data: dict[Any, Any], request: gr.Request) -> tuple[Any, ...]:
        """The one answer to any change of the form: the price, Generate, its reason and the
        three snippets (:meth:`priced`), the shot bar (:meth:`shot_bar`), the end image as the
        endpoint's schema allows (:meth:`_schema`) and the tier's help. One server event, not
        four: each event a change fires costs the page a pass over every component's loading
        status (bench/README.md, "Test suite time"). A page's changes are answered one at a
        time, in the order they came (:mod:`studio.ui.ordered`). Never raises; a part that
        cannot be answered is left as it is."""
        session = getattr(request, "session_hash", None)
        if isinstance(session, str) and session:
            with self.form_order.get(session):
                return self._on_form(data, request)
        return self._on_form(data, request)

    def _on_form(self, data: dict[Any, Any], request: gr.Request) -> tuple[Any, ...]:
        c, s = self.c, self.shots
        assert s is not None
        bar = self.shot_bar(data.get(c["duration"]), *(data.get(v) for v in s.values))
        try:
            tier = _choice(data.get(c["tier"]), TIER_KEYS, "tier")
            schema = self._schema(tier, data.get(c["mode"]), data.get(c["duration"]), data.get(c["audio"]))
            tier_help: Any = words.tier_help(tier, current_lang())
        except StudioError:
            schema, tier_help = (gr.skip(),) * 3, gr.skip()
        return (*self.priced(data, request), bar, *schema, tier_help)

    @refusing
    def mode_help(self, mode: str) -> str:
        return words.mode_help(_choice(mode, MODE_KEYS, "mode"), current_lang())

    @refusing
    def on_mode(self, mode: str, fit: str) -> tuple[Any, ...]:
        mode = _choice(mode, MODE_KEYS, "mode")
        i2v = mode == "image-to-video"
        return self.mode_help(mode), gr.update(visible=i2v), self.on_fit(mode, fit), gr.update(visible=i2v)

    @refusing
    def on_fit(self, mode: str, fit: str) -> Any:
        """The aspect ratio: the clip's shape in text-to-video; in image-to-video the shape the
        image is cropped or padded to (hidden when the image is sent as it is)."""
        i2v = _choice(mode, MODE_KEYS, "mode") == "image-to-video"
        fit = _choice(fit or FITS[0], FITS, "fit")
        label = I18N("fit_shape") if i2v else I18N("aspect")
        return gr.update(visible=not i2v or fit != "none", label=label)

    def _schema(self, tier: Any, mode: Any, duration: Any, audio: Any) -> tuple[Any, Any, Any]:
        """The end image follows the endpoint's schema: offered where it exists; elsewhere the
        reason, the tier that has it and what switching costs, with a button to switch."""
        ep = endpoint(_choice(tier, TIER_KEYS, "tier"), _choice(mode, MODE_KEYS, "mode"))
        seconds = clip_seconds(duration) or BLANK.duration
        hint = needs_tier("end_image_url", ep, int(seconds), bool(audio)) if ep.mode.needs_start_image else None
        if hint is None:
            return gr.update(visible=True), gr.update(value="", visible=False), gr.update(visible=False)
        target = endpoints_offering("end_image_url", ep.mode.key)[0]
        lang = current_lang()
        return (
            gr.update(visible=False, value=None),
            gr.update(value=words.end_frame_note(hint, lang), visible=True),
            gr.update(value=words.switch_label(target.tier.label, lang), visible=True),
        )

    @refusing
    def end_image_tier(self, mode: str) -> str:
        """The cheapest tier whose endpoint takes an end frame in ``mode`` (the switch's target)."""
        return endpoints_offering("end_image_url", _choice(mode, MODE_KEYS, "mode"))[0].tier.key

    def on_prompt_mode(self, prompt_mode: str, duration: Any, *values: Any) -> dict[Any, Any]:
        """A visitor's switch to shots shares the clip length among them, so the builder never
        opens in an error state (which of prompt and shots shows is decided in the browser).
        A switch to the single prompt changes nothing (one ``gr.skip()`` skips every output)."""
        assert self.shots is not None
        return self.shots.split_evenly(duration, *values) if prompt_mode == "shots" else gr.skip()

    @refusing
    def on_starter(self, name: str) -> tuple[Any, ...]:
        found = next((s for s in starters() if s.name == name), None)
        if found is None:
            return (gr.skip(),) * 6
        return found.tier, found.mode, "single", found.prompt, found.aspect_ratio or gr.skip(), None

    @refusing
    def on_platform(self, name: str) -> tuple[Any, Any]:
        found = next((p for p in platforms() if p.name == name), None)
        return (found.aspect_ratio if found else gr.skip()), None

    def shot_bar(self, duration: Any, count: Any, *values: Any) -> str:
        """The shots' seconds against the clip length. Drawn whatever the prompt mode (the page
        hides it with the shots): made to follow the mode, it ping-ponged with the price on a
        restored multi-shot draft, a request loop from an idle tab."""
        n = len(values) // 4
        try:
            rows = rows_from_values(count, list(values[:n]), list(values[n : 2 * n]), list(values[2 * n : 3 * n]), list(values[3 * n :]))
            total = bounds.whole_number(duration or 0, "clip length", 0, LIMITS.max_duration * 10)
        except StudioError as exc:
            return f'<div class="shot-bar off" data-ok="false">{plain(exc)}</div>'
        return duration_bar(rows, total, current_lang())

    # -- views --------------------------------------------------------------------------
    def _views(self, owner_key: str, version: str, lang: str) -> dict[Any, Any]:
        """Job cards, the gallery (only when its version changed), the spend line, the version,
        by component."""

        items = self.manager.jobs(owner_key) if owner_key else []
        records = [r for r, _ in items]
        runs = [r for r in self.manager.storyboard_runs(owner_key) if r.get("file")] if owner_key else []
        films = story_films(runs, records, lambda run: f"/studio/story/{run['run_id']}?sig={self.signer.signature(run['run_id'], run['owner'])}")
        shares = share_boxes(self.manager, self.signer, owner_key, lang)  # review links (studio.ui.review_links)
        new_version = gallery_version(records, films, live=self.live, lang=lang, shares=shares)
        c = self.c
        views: dict[Any, Any] = {}
        if new_version != version or not version:  # else the gallery is left as it is
            rates = self.manager.live_endpoint if self.live else None
            views[c["gallery"]] = render_gallery(records, self.signer.url, lang, live=self.live, films=films, rates=rates, shares=shares)
        running = any((state.stage if state else r.status) == "running" for r, state in items)
        typical = self.manager.typical_run_seconds() if running else None
        budget = self.manager.studio.budget
        cap = budget.limits.session_usd if budget is not None else None
        spend = spend_text(records, lang, cap, live=self.live)
        balance = self.manager.balance()
        if balance is not None:
            spend += f" · RunComfy balance: ${balance:.2f}"
        views.update({c["jobs"]: job_cards(items, lang, live=self.live, typical=typical), c["spend"]: spend, c["gallery_version"]: new_version})
        return views

    def on_load(self, owner_key: str, api_key: str, version: str, request: gr.Request) -> dict[Any, Any]:
        # A browser without a valid key of its own gets a fresh one.
        if not isinstance(owner_key, str) or not 16 <= len(owner_key) <= bounds.MAX_OWNER_KEY_CHARS or not owner_key.isprintable():
            owner_key = secrets.token_urlsafe(24)
        api_key = api_key if isinstance(api_key, str) and len(api_key) <= 4096 else ""
        try:
            self.manager.attach(owner_key, api_key or None)
        except StudioError as exc:
            log.warning("could not reattach jobs: %s", exc)
        lang = _lang(request)
        c = self.c
        timer = self._timer(owner_key)  # before the views: see refresh
        return {
            c["owner"]: owner_key, c["key_box"]: api_key or "", **self._views(owner_key, "", lang),
            c["timer"]: timer, c["banner"]: self.banner_html(lang),
        }

    def refresh(self, owner_key: str, version: str, request: gr.Request) -> dict[Any, Any]:
        """The jobs, the gallery (only when it changed), the spend, and the timer: on while
        this browser has something in flight, off (no more requests) once nothing is."""
        try:
            owner = bounds.owner_key(owner_key) if owner_key else ""
            shown = bounds.optional_text(version, "gallery version", 100_000)
        except StudioError as exc:
            raise friendly(exc) from None
        # Whether anything is in flight is asked before the views are read: a job that settles
        # in between then gets one more refresh, which shows it. (Asked after, the page could
        # show it unfinished and stop asking: a paid video missing until the next reload.)
        timer = self._timer(owner)
        return {**self._views(owner, shown, _lang(request)), self.c["timer"]: timer}

    def _timer(self, owner_key: str) -> Any:
        return gr.Timer(active=bool(owner_key) and self.manager.busy(owner_key))

    # -- actions ------------------------------------------------------------------------
    def _form(self, data: dict[Any, Any]) -> tuple[Form, dict[str, Any]]:
        """The form's values, each typed and bounded (ValidationError names the field)."""
        c, s = self.c, self.shots
        assert s is not None
        get = lambda name: data.get(c[name])  # noqa: E731
        rows = rows_from_values(data.get(s.count), [data.get(x) for x in s.texts], [data.get(x) for x in s.seconds], [data.get(x) for x in s.cameras], [data.get(x) for x in s.cues])
        cfg = get("cfg_scale")
        if cfg is not None and (isinstance(cfg, bool) or not isinstance(cfg, (int, float)) or not -1e6 < cfg < 1e6):
            raise ValidationError([Problem("creativity (cfg_scale)", "must be a number from 0 to 1")])
        form = Form(
            tier=_choice(get("tier") or BLANK.tier, TIER_KEYS, "tier"),
            mode=_choice(get("mode") or BLANK.mode, MODE_KEYS, "mode"),
            prompt_mode=_choice(get("prompt_mode") or BLANK.prompt_mode, PROMPT_MODES, "prompt mode"),  # type: ignore[arg-type]
            prompt=bounds.optional_text(get("prompt"), "prompt"),
            shots=rows,
            negative_prompt=bounds.optional_text(get("negative_prompt"), "negative prompt"),
            duration=bounds.whole_number(get("duration") or BLANK.duration, "clip length", 0, LIMITS.max_duration * 10),
            aspect_ratio=_choice(get("aspect_ratio") or BLANK.aspect_ratio, ASPECT_RATIOS, "aspect ratio"),
            cfg_scale=float(cfg) if cfg is not None else BLANK.cfg_scale,
            audio=bool(get("audio")),
            audio_description=bounds.optional_text(get("audio_description"), "audio description"),
            identity_anchor=bool(get("identity_anchor")),
        )
        extras = {
            "takes": bounds.whole_number(get("takes") or 1, "takes", 1, bounds.MAX_JOBS_PER_ACTION),
            "fit": _choice(get("fit") or FITS[0], FITS, "fit"),
            "start_image": uploaded_path(get("start_image"), "start image"),
            "end_image": uploaded_path(get("end_image"), "end image"),
            "owner": get("owner"),
            "api_key": bounds.optional_text(get("api_key"), "API key", 4096).strip() or None,
            "compare": bounds.choice_list(get("compare"), "A/B tiers", TIER_KEYS),
            "alt_prompt": bounds.optional_text(get("alt_prompt"), "A/B prompt").strip(),
        }
        return form, extras

    def _note(self, text: str, form: dict[Any, Any] | None = None) -> dict[Any, Any]:
        """The note beside Generate and, when a form is loaded, its values (:meth:`_form_values`);
        every other output of the event is left as it is."""
        return {self.c["notice"]: text, **(form or {})}

    def act(self, data: dict[Any, Any]) -> dict[Any, Any]:
        """A button on a job card or in the gallery: cancel, favourite, delete, reuse, promote,
        continue. The ones that load the form say so in the note beside Generate (the page then
        scrolls to what changed)."""
        lang = current_lang()
        try:
            raw = bounds.optional_text(data.get(self.c["action"]), "action", 300)
            owner_key = bounds.owner_key(data.get(self.c["owner"]), "studio session")
            api_key = bounds.optional_text(data.get(self.c["api_key"]), "API key", 4096).strip() or None
            action, _, job_id = raw.partition("|")
            if action == "cancel":
                return self._note(translate.text(self.manager.cancel(owner_key, job_id, api_key), lang))
            done = gallery_action(self.manager, owner_key, action, job_id, lang)
            if done is not None:
                return self._note(done)
            record = self.manager.job(owner_key, job_id)
            if record is None:
                return self._note(translate.text("That job is not in this browser.", lang))
            request, _ = parse_request(record.request)
            if action == "reuse" or action.startswith("promote:"):
                return self._load_job(record, request, action, lang)
            if action == "continue":
                return self._continue(owner_key, record, request, lang)
        except StudioError as exc:
            raise friendly(exc) from None
        return self._note("Unknown action.")

    def _load_job(self, record: Any, request: Any, action: str, lang: str) -> dict[Any, Any]:
        """Reuse a job's settings, or promote them to a higher tier (the note gives the new
        render's full price and what it adds to the draft's)."""
        model_id = record.model_id
        note = t("loaded_reuse", lang)
        if action.startswith("promote:"):
            ep = find_endpoint(model_id)
            assert ep is not None
            target = endpoint(_choice(action.split(":", 1)[1], TIER_KEYS, "tier"), ep.mode.key)
            model_id = target.model_id
            price = quote_request(request, self.manager.live_endpoint(target)).total
            note = t("loaded_promote", lang).format(tier=target.tier.label, price=format_usd(price), diff=format_usd(price - Decimal(record.quote_usd)))
        form = request_to_form(model_id, request)
        if form.mode == "image-to-video":
            note += " " + t("upload_again", lang)
        return self._note(note, self._form_values(form))

    def open_recipe(self, path: str | None) -> dict[Any, Any]:
        """Load a recipe file into the form (job recipes; storyboards go to the storyboard panel)."""
        try:
            upload = uploaded_path(path, "recipe")
            if upload is None:
                return self._note("")
            if upload.stat().st_size > bounds.MAX_STORYBOARD_JSON_CHARS:
                raise ValidationError([Problem("recipe", f"this file is over {bounds.MAX_STORYBOARD_JSON_CHARS // 1000} KB; a recipe is a small JSON file")])
            found = read_recipe_text(upload.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            raise gr.Error("recipe: this file could not be read as UTF-8 text") from None
        except StudioError as exc:
            raise friendly(exc) from None
        if isinstance(found, Storyboard):
            return self._note("This is a storyboard recipe: open the Storyboard panel and paste its shots, or run it with `python -m studio storyboard FILE`.")
        ep, request = found
        form = request_to_form(ep.model_id, request)
        return self._note(f"Recipe loaded ({ep.label}). Check the cost, then Generate.", self._form_values(form))

    def _continue(self, owner_key: str, record: Any, request: Any, lang: str) -> dict[Any, Any]:
        """The next clip: image to video from this video's last frame, with the same settings."""
        frame = self.manager.last_frame(owner_key, record.job_id)
        form = replace(request_to_form(record.model_id, request), mode="image-to-video")
        return self._note(t("loaded_continue", lang), self._form_values(form, start_image=str(frame), end_image=None))

    def _form_values(self, form: Form, **images: Any) -> dict[Any, Any]:
        """``form`` as the values of :attr:`form_outputs`, by component. The images are kept as
        they are unless given (uploads are not stored with a job); ``None`` clears one."""
        assert self.shots is not None
        c = self.c
        return {
            **{c[name]: getattr(form, name) for name in FORM_SETTINGS},
            **self.shots.write(form.shots),
            **{c[name]: image for name, image in images.items()},
        }
