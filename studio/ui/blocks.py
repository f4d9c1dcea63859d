"""The Blocks app: layout and event wiring. Handlers live in :mod:`studio.ui.handlers`.

``build_app(handlers)`` builds without launching and without I/O. The layout reads as the
work: the form on the left; on the right, always in view, the price, Generate (with the reason
when it is off and the confirmation before a big spend), the live jobs and the gallery, newest
first. On a phone the columns stack: form, price, Generate, results.

``build_app`` lays the page out (:func:`_layout`), gives the handlers its components by name
(:func:`_bind`), then wires it one part at a time (``_wire_form``, ``_wire_modes``, ...), in
the order Gradio numbers the events. Handlers that write many outputs return ``{component:
value}`` (see :mod:`studio.ui.handlers`), so the output lists here only say where they go.

Every action has an ``api_name`` (the programmatic twin); the elements automation relies on
have stable ids: ``tier``, ``mode``, ``prompt``, ``duration``, ``audio``, ``cost``,
``generate``, ``jobs``, ``gallery``, ``start-image``, ``end-image``, ``takes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import gradio as gr

from studio.domain.catalog import LIMITS, MODES, TIERS
from studio.domain.starters import platforms, starters
from studio.ui import words
from studio.ui.agent_tools import register_tools
from studio.ui.api import register_api
from studio.ui.choices import ASPECT_RATIOS, BLANK, FITS
from studio.ui.code_view import build_code_panel
from studio.ui.events import AT_ONCE, QUIET
from studio.ui.gallery_panel import build_gallery_filters
from studio.ui.guard import StudioBlocks
from studio.ui.i18n import I18N, bilingual
from studio.ui.image_check import CLEAR_ON_REFUSAL_JS, image_check
from studio.ui.page_js import AFTER_ACTION_JS, PROMPT_MODE_JS, draft_restore_js, draft_save_js
from studio.ui.shots import ShotBuilder, build_shots
from studio.ui.storyboard_tab import build_storyboard_tab

__all__ = ["build_app"]

_MODE_WORDS = {"text-to-video": "t2v", "image-to-video": "i2v"}  # each mode's name in studio.ui.i18n


@dataclass
class Form:
    """The generate form's components, by the names the handlers read them with."""

    c: dict[str, Any]
    shots: ShotBuilder

    @property
    def inputs(self) -> set[Any]:
        return set(self.c.values()) | set(self.shots.values)

    @property
    def draft(self) -> dict[str, Any]:
        """What a reload keeps (in the browser): every setting, never a file or a key."""
        keep = ("tier", "mode", "prompt_mode", "prompt", "negative_prompt", "duration", "aspect_ratio", "cfg_scale", "audio",
                "audio_description", "identity_anchor", "takes", "fit", "compare", "alt_prompt")
        names = {k: self.c[k] for k in keep}
        s = self.shots
        names.update({"shot_count": s.count})
        for i in range(len(s.texts)):
            names.update({f"shot_{i}_text": s.texts[i], f"shot_{i}_seconds": s.seconds[i], f"shot_{i}_camera": s.cameras[i], f"shot_{i}_cue": s.cues[i]})
        return names


def _form_column(h: Any) -> Form:
    """The left column: everything that describes the clip."""
    with gr.Row():
        starter = gr.Dropdown(words.named_choices([s.name for s in starters()]), label=I18N("starter"), value=None, elem_id="starter")
        platform = gr.Dropdown(words.named_choices([p.name for p in platforms()]), label=I18N("platform"), value=None, elem_id="platform")
        recipe_file = gr.File(label=I18N("open_recipe"), file_types=[".json"], type="filepath", elem_id="recipe-file", height=120)
    tier = gr.Radio(words.tier_choice_labels(), value=BLANK.tier, label=I18N("tier"), elem_id="tier")
    tier_help = gr.Markdown(bilingual(partial(words.tier_help, BLANK.tier)), elem_id="tier-help")
    mode = gr.Radio([(I18N(_MODE_WORDS.get(m.key, "t2v")), m.key) for m in MODES], value=BLANK.mode, label=I18N("mode"), elem_id="mode")
    mode_help = gr.Markdown(bilingual(partial(words.mode_help, BLANK.mode)), elem_id="mode-help")
    with gr.Row(visible=False, elem_id="images") as images:
        start_image = gr.Image(type="filepath", label=I18N("start_image"), sources=["upload", "clipboard"], image_mode=None, elem_id="start-image", height=220)
        end_image = gr.Image(type="filepath", label=I18N("end_image"), sources=["upload", "clipboard"], image_mode=None, elem_id="end-image", height=220)
        with gr.Column(min_width=160):
            end_note = gr.Markdown(visible=False, elem_id="end-image-note")
            end_switch = gr.Button("Switch", visible=False, size="sm", elem_id="end-image-switch")
            fit = gr.Radio([(I18N(f"fit_{key}"), key) for key in FITS], value=FITS[0], label=I18N("fit"), elem_id="fit")
            identity = gr.Checkbox(value=True, label=I18N("identity"), elem_id="identity")
    prompt_mode = gr.Radio([(I18N("single"), "single"), (I18N("multi"), "shots")], value="single", label=I18N("prompt_mode"), elem_id="prompt-mode")
    prompt = gr.Textbox(label=I18N("prompt"), lines=4, elem_id="prompt")
    shots = build_shots()
    with gr.Row():
        duration = gr.Slider(LIMITS.min_duration, LIMITS.max_duration, value=BLANK.duration, step=1, label=I18N("duration"), elem_id="duration")
        aspect = gr.Radio(list(ASPECT_RATIOS), value=BLANK.aspect_ratio, label=I18N("aspect"), elem_id="aspect")
    gr.HTML(elem_id="duration-problem")  # written by the page's script (studio.ui.page_js)
    with gr.Row():
        audio = gr.Checkbox(value=False, label=I18N("audio_on"), elem_id="audio")
        audio_desc = gr.Textbox(label=I18N("audio_desc"), placeholder=I18N("audio_desc_placeholder"), elem_id="audio-desc")
    with gr.Accordion(I18N("advanced"), open=False, elem_id="advanced"):
        negative = gr.Textbox(label=I18N("negative"), elem_id="negative")
        cfg = gr.Slider(0, 1, value=0.5, step=0.05, label=I18N("cfg"), elem_id="cfg")
        takes = gr.Slider(1, 8, value=1, step=1, label=I18N("variants"), elem_id="takes")
        gr.HTML(elem_id="takes-problem")  # written by the page's script (studio.ui.page_js)
        compare = gr.CheckboxGroup([(t.label, t.key) for t in TIERS], value=[], label=I18N("compare"), elem_id="compare-tiers")
        alt_prompt = gr.Textbox(label=I18N("alt_prompt"), lines=2, elem_id="alt-prompt", placeholder=I18N("alt_prompt_placeholder"))
    c = {
        "tier": tier, "mode": mode, "prompt_mode": prompt_mode, "prompt": prompt, "negative_prompt": negative,
        "duration": duration, "aspect_ratio": aspect, "cfg_scale": cfg, "audio": audio,
        "audio_description": audio_desc, "identity_anchor": identity, "takes": takes, "fit": fit, "compare": compare, "alt_prompt": alt_prompt,
        "start_image": start_image, "end_image": end_image,
        # Not sent: layout parts the wiring needs by name.
        "_starter": starter, "_platform": platform, "_recipe_file": recipe_file, "_tier_help": tier_help, "_mode_help": mode_help,
        "_images": images, "_end_note": end_note, "_end_switch": end_switch,
    }
    return Form(c, shots)


@dataclass
class Page:
    """The components outside the form that the wiring needs, by name."""

    owner: Any
    api_key: Any
    gallery_version: Any
    banner: Any
    form: Form
    timer: Any
    cost: Any
    confirm_box: Any
    confirm_text: Any
    confirm_yes: Any
    confirm_no: Any
    confirm_token: Any
    generate: Any
    reason: Any
    notice: Any
    spend: Any
    key_box: Any
    jobs: Any
    gallery: Any
    action: Any
    action_go: Any
    code: list[Any]  # "Copy as code" (studio.ui.code_view), written by the form's event
    story_refresh: tuple[Any, list[Any], list[Any]]  # the storyboard panel's live update (fn, inputs, outputs)

    @property
    def views(self) -> list[Any]:
        """What a refresh writes: the job cards, the gallery, the spend line, the gallery's version, the timer."""
        return [self.jobs, self.gallery, self.spend, self.gallery_version, self.timer]


def _results_column(h: Any) -> dict[str, Any]:
    """The right column: the price, Generate with its confirmation and reason, the jobs, the gallery."""
    cost = gr.HTML(elem_id="cost")
    with gr.Group(visible=False, elem_id="confirm") as confirm_box:
        confirm_text = gr.Markdown(elem_id="confirm-text")
        with gr.Row():
            confirm_yes = gr.Button(I18N("confirm_yes"), variant="primary", elem_id="confirm-yes")
            confirm_no = gr.Button(I18N("confirm_no"), elem_id="confirm-no")
    confirm_token = gr.Textbox(visible="hidden", elem_id="confirm-token")
    gr.HTML(elem_id="typed-problem")  # a number typed out of range (studio.ui.page_js)
    # Off until this browser has its studio session and the form can be sent.
    generate = gr.Button(I18N("generate"), variant="primary", elem_id="generate", interactive=False)
    reason = gr.HTML(elem_id="generate-reason")
    notice = gr.Markdown(elem_id="notice")
    code = build_code_panel()  # "Copy as code" (studio.ui.code_view)
    spend = gr.Markdown(elem_id="spend")
    with gr.Accordion(I18N("settings"), open=False, visible=h.live):
        key_box = gr.Textbox(label=I18N("api_key"), type="password", elem_id="api-key")
    gr.Markdown(I18N("jobs"), elem_id="jobs-heading", elem_classes=["section-heading"])
    jobs = gr.HTML(elem_id="jobs")
    gr.Markdown(I18N("gallery"), elem_id="gallery-heading", elem_classes=["section-heading"])
    build_gallery_filters()  # filters and pages in the browser (studio.ui.gallery_panel)
    gallery = gr.HTML(elem_id="gallery")
    return {
        "cost": cost, "confirm_box": confirm_box, "confirm_text": confirm_text, "confirm_yes": confirm_yes, "confirm_no": confirm_no,
        "confirm_token": confirm_token, "generate": generate, "reason": reason, "notice": notice, "spend": spend, "key_box": key_box,
        "jobs": jobs, "gallery": gallery, "code": code,
    }


def _layout(h: Any) -> Page:
    """The whole page: the form on the left, the results on the right (stacked on a phone)."""
    owner = gr.BrowserState("", storage_key="kling-studio-owner", secret=h.browser_secret)
    api_key = gr.BrowserState("", storage_key="kling-studio-key", secret=h.browser_secret)
    # Not gr.State: any gr.State makes Gradio hold an event stream open for the page's whole
    # life, and a browser has 6 connections per host (a 7th tab would never load).
    gallery_version = gr.Textbox("", visible="hidden", elem_id="gallery-version")
    banner = gr.HTML(bilingual(h.banner_html), elem_id="banner")
    with gr.Row(equal_height=False, elem_id="studio"):
        with gr.Column(scale=3, min_width=340, elem_id="form-col"):
            form = _form_column(h)
            timer = gr.Timer(h.manager.settings.page_refresh_seconds, active=False)
            story_refresh = build_storyboard_tab(h.manager, h.signer, owner, api_key, timer)
        with gr.Column(scale=2, min_width=340, elem_id="results-col"):
            results = _results_column(h)
    action = gr.Textbox(visible="hidden", elem_id="job-action")
    action_go = gr.Button("go", visible="hidden", elem_id="job-action-go")
    return Page(owner, api_key, gallery_version, banner, form, timer, action=action, action_go=action_go, story_refresh=story_refresh, **results)


def _bind(h: Any, p: Page) -> list[Any]:
    """Give the handlers the page's components by name; returns the two hidden "has an image" boxes."""
    c = p.form.c
    sent = {k: v for k, v in c.items() if not k.startswith("_")}
    has_images = [gr.Checkbox(False, visible="hidden", elem_id=f"has-{name}-image") for name in ("start", "end")]
    shown = {name: getattr(p, name) for name in ("notice", "key_box", "banner", "jobs", "gallery", "spend", "gallery_version", "timer")}
    h.bind({**sent, "owner": p.owner, "api_key": p.api_key, "action": p.action, "confirm": p.confirm_token, "has_images": tuple(has_images), **shown}, p.form.shots)
    return has_images


def _wire_form(h: Any, p: Page, form_inputs: set[Any], has_images: list[Any]) -> tuple[set[Any], list[Any]]:
    """Any change of the form: one server event, answered at once (no queue), that writes the
    price, Generate's state and its reason, the code snippets, the shot bar, the end image as
    the endpoint's schema allows (an end frame only where the tier has one) and the tier's help
    (``Handlers.on_form``). One event, not one per concern: every event a change fires costs
    the page a pass over all its components' loading statuses. It takes no file: whether an
    image is there is all it needs (set in the browser); an upload is read once, when it
    arrives, and one that is not a picture is refused and taken out (:mod:`studio.ui.image_check`).
    Returns the event's inputs and outputs (the page's load runs it too)."""
    c, shots = p.form.c, p.form.shots
    for name, image, has in zip(("start", "end"), (c["start_image"], c["end_image"]), has_images, strict=True):
        image.change(None, image, has, js="(image) => Boolean(image)", api_name=f"has_{name}_image", **AT_ONCE)
        # Queued (a full decode each), so the UI's concurrency bounds how many run at once.
        checked = image.upload(image_check(f"{name} image"), image, None, **QUIET)
        checked.failure(None, None, image, js=CLEAR_ON_REFUSAL_JS, **AT_ONCE)
    inputs = (form_inputs - {c["start_image"], c["end_image"]}) | set(has_images)
    outputs = [p.cost, p.generate, p.reason, *p.code, shots.bar, c["end_image"], c["_end_note"], c["_end_switch"], c["_tier_help"]]
    watched = [comp for comp in inputs if comp not in (p.owner, p.api_key)]
    # The draft a reload keeps is saved on the way (``js``, in the browser): Gradio hands a set of
    # inputs over in the order of the components' ids.
    at = {comp: i for i, comp in enumerate(sorted(inputs, key=lambda comp: comp._id))}
    draft = p.form.draft
    save_draft = draft_save_js(list(draft), [at[comp] for comp in draft.values()])
    gr.on([comp.change for comp in watched], h.on_form, inputs, outputs, js=save_draft, trigger_mode="always_last", **AT_ONCE)
    return inputs, outputs


def _wire_shots(form: Form) -> None:
    """"Share the clip length evenly" (the bar itself is drawn by the form's event)."""
    shots = form.shots
    shots.fit.click(shots.split_evenly, [form.c["duration"], *shots.values], shots.outputs, **AT_ONCE)


def _wire_modes(h: Any, c: dict[str, Any]) -> None:
    """The switch to the tier that has an end frame, the mode's help, and the shape an image
    is fitted to."""
    c["_end_switch"].click(h.end_image_tier, c["mode"], c["tier"], **AT_ONCE)
    c["mode"].change(h.on_mode, [c["mode"], c["fit"]], [c["_mode_help"], c["_images"], c["aspect_ratio"], c["identity_anchor"]], **AT_ONCE)
    c["fit"].change(h.on_fit, [c["mode"], c["fit"]], c["aspect_ratio"], **AT_ONCE)


def _wire_prompt_mode(demo: gr.Blocks, h: Any, form: Form) -> None:
    """Which of the prompt and the shots shows is decided in the browser (no request, however
    the mode was set: a click, a restored draft, a reused job); a visitor's own switch to
    shots shares the clip length among them."""
    c, shots = form.c, form.shots
    c["prompt_mode"].change(None, c["prompt_mode"], None, js=PROMPT_MODE_JS, **AT_ONCE)
    demo.load(None, c["prompt_mode"], None, js=PROMPT_MODE_JS, **AT_ONCE)
    # Answered at once, not queued: "+ Add shot" right after the switch must see the shared seconds.
    c["prompt_mode"].input(h.on_prompt_mode, [c["prompt_mode"], c["duration"], *shots.values], shots.outputs, **AT_ONCE)


def _wire_starters(h: Any, c: dict[str, Any]) -> None:
    """A starter (one of the skill's samples) or a platform preset fills the form."""
    c["_starter"].input(h.on_starter, c["_starter"], [c["tier"], c["mode"], c["prompt_mode"], c["prompt"], c["aspect_ratio"], c["_starter"]], **AT_ONCE)
    c["_platform"].input(h.on_platform, c["_platform"], [c["aspect_ratio"], c["_platform"]], **AT_ONCE)


def _wire_draft(demo: gr.Blocks, form: Form) -> None:
    """A reload keeps the draft: restored here, saved by the form's event (:func:`_wire_form`),
    in the browser, never on the server."""
    draft = form.draft
    demo.load(None, list(draft.values()), list(draft.values()), js=draft_restore_js(list(draft)), **AT_ONCE)


def _wire_load(demo: gr.Blocks, h: Any, p: Page, form_event: tuple[set[Any], list[Any]]) -> None:
    """The page's load: this browser's session, jobs, gallery and banner; then the form's event
    (the price, the shot bar, the end image...)."""
    inputs, outputs = form_event
    demo.load(h.on_load, [p.owner, p.api_key, p.gallery_version], [p.owner, p.key_box, *p.views, p.banner], api_name="load", queue=False).then(
        h.on_form, inputs, outputs, **AT_ONCE
    )


def _wire_generate(h: Any, p: Page, form_inputs: set[Any]) -> None:
    """Generate, and the confirmation a big spend asks for first; each then refreshes the jobs."""
    confirm_outputs = [p.jobs, p.notice, p.confirm_box, p.confirm_text, p.confirm_token]
    submits = {"concurrency_limit": h.manager.settings.submit_concurrency, "trigger_mode": "once"}
    p.generate.click(h.generate, form_inputs, confirm_outputs, api_name="generate", **submits).then(
        h.refresh, [p.owner, p.gallery_version], p.views, **AT_ONCE
    )
    p.confirm_yes.click(
        h.generate_confirmed, form_inputs | {p.confirm_token}, confirm_outputs, api_name="generate_confirmed", **submits
    ).then(h.refresh, [p.owner, p.gallery_version], p.views, **AT_ONCE)
    p.confirm_no.click(lambda: (gr.update(visible=False), ""), None, [p.confirm_box, p.confirm_token], **AT_ONCE)


def _wire_refresh(h: Any, p: Page) -> None:
    """Live updates only while something is in flight: the timer runs while this browser has
    jobs queued, running or downloading, and stops by itself; a tab with nothing in flight asks
    the server for nothing. The refresh bypasses the queue, so a busy server never turns a
    visitor's own action away ("queue full")."""
    p.timer.tick(h.refresh, [p.owner, p.gallery_version], p.views, api_name="jobs", show_progress="hidden", queue=False).then(
        *p.story_refresh, **AT_ONCE
    )


def _wire_form_loaders(h: Any, p: Page) -> None:
    """What loads the form from elsewhere: a recipe file, and the buttons on job and gallery
    cards (reuse, promote, continue; cancel, favourite and delete only write the note)."""
    c = p.form.c
    c["_recipe_file"].upload(h.open_recipe, c["_recipe_file"], [p.notice, *h.form_outputs], api_visibility="private")
    p.action_go.click(h.act, {p.action, p.owner, p.api_key}, [p.notice, *h.form_outputs], api_name="act", show_progress="hidden").then(
        None, None, None, js=AFTER_ACTION_JS
    ).then(h.refresh, [p.owner, p.gallery_version], p.views, **AT_ONCE)


def build_app(h: Any) -> gr.Blocks:
    """Lay out the studio and wire it to ``h`` (a :class:`~studio.ui.handlers.Handlers`).

    The wiring runs in the order the page's events are registered (Gradio numbers them so)."""
    with StudioBlocks(title="Kling Studio", fill_width=True) as demo:
        p = _layout(h)
        has_images = _bind(h, p)
        form = p.form
        form_inputs = {*form.inputs - {v for k, v in form.c.items() if k.startswith("_")}, p.owner, p.api_key}
        form_event = _wire_form(h, p, form_inputs, has_images)
        _wire_shots(form)
        _wire_modes(h, form.c)
        _wire_prompt_mode(demo, h, form)
        _wire_starters(h, form.c)
        p.key_box.change(lambda k: k, p.key_box, p.api_key, **AT_ONCE)
        _wire_draft(demo, form)
        _wire_load(demo, h, p, form_event)
        _wire_generate(h, p, form_inputs)
        _wire_refresh(h, p)
        register_api(h.manager, h.signer)
        _wire_form_loaders(h, p)
        register_tools(h.manager, h.signer)  # the MCP server's tools (studio.ui.mcp_server)
        _quiet_progress(demo, gr.Textbox("", visible="hidden", elem_id="quiet-progress"))
    return demo


def _quiet_progress(demo: gr.Blocks, target: Any) -> None:
    """Events that show no progress keep their loading status on ``target`` (one hidden box)
    instead of on each of their outputs. The page never shows those statuses, but Gradio's
    page walks every output it ever gave one after each event's every step, cloning the
    component's state (the gallery's whole HTML among them): a third of a form change's work."""
    for fn in demo.fns.values():
        if fn.show_progress == "hidden" and fn.show_progress_on is None:
            fn.show_progress_on = [target]
