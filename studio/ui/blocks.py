"""The Blocks app: layout and event wiring. Handlers live in :mod:`studio.ui.handlers`.

``build_app(handlers)`` builds without launching and without I/O. Every action has an
``api_name`` (the programmatic twin); the elements automation relies on have stable ids:
``tier``, ``mode``, ``prompt``, ``duration``, ``audio``, ``cost``, ``generate``, ``jobs``,
``gallery``.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ..catalog import MODES, TIERS
from ..starters import platforms, starters
from .cost import COST_JS
from .i18n import I18N
from .api import register_api
from .shots import build_shots
from .storyboard_tab import build_storyboard_tab
from .guard import StudioBlocks

__all__ = ["build_app"]


def _tier_choices() -> list[tuple[str, str]]:
    out = []
    for t in TIERS:
        price = f"${t.rates.silent}/s" + ("" if t.rates.flat else f" · ${t.rates.audio}/s with audio")
        out.append((f"{t.label} · {t.resolution} · {price}", t.key))
    return out


_MODE_KEYS = {"text-to-video": "t2v", "image-to-video": "i2v"}


def build_app(h: Any) -> gr.Blocks:
    """Lay out the studio and wire it to ``h`` (a :class:`~studio.ui.handlers.Handlers`)."""
    with StudioBlocks(title="Kling Studio", fill_width=True) as demo:
        owner = gr.BrowserState("", storage_key="kling-studio-owner", secret=h.browser_secret)
        api_key = gr.BrowserState("", storage_key="kling-studio-key", secret=h.browser_secret)
        gallery_version = gr.State("")
        gr.HTML(h.banner_html(), elem_id="banner")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                with gr.Row():
                    starter = gr.Dropdown([s.name for s in starters()], label=I18N("starter"), value=None, elem_id="starter")
                    platform = gr.Dropdown([p.name for p in platforms()], label=I18N("platform"), value=None, elem_id="platform")
                    recipe_file = gr.File(label=I18N("open_recipe"), file_types=[".json"], type="filepath", elem_id="recipe-file", height=90)
                tier = gr.Radio(_tier_choices(), value="standard", label=I18N("tier"), elem_id="tier")
                tier_help = gr.Markdown(h.tier_help("standard"), elem_id="tier-help")
                mode = gr.Radio([(I18N(_MODE_KEYS.get(m.key, "t2v")), m.key) for m in MODES], value="text-to-video", label=I18N("mode"), elem_id="mode")
                mode_help = gr.Markdown(h.mode_help("text-to-video"), elem_id="mode-help")
                with gr.Row(visible=False, elem_id="images") as images:
                    start_image = gr.Image(type="filepath", label=I18N("start_image"), sources=["upload", "clipboard"], image_mode=None, elem_id="start-image", height=220)
                    end_image = gr.Image(type="filepath", label=I18N("end_image"), sources=["upload", "clipboard"], image_mode=None, elem_id="end-image", height=220)
                    with gr.Column(min_width=160, visible=True):
                        end_note = gr.Markdown(visible=False, elem_id="end-image-note")
                        end_switch = gr.Button("Switch", visible=False, size="sm", elem_id="end-image-switch")
                        fit = gr.Radio([(I18N("fit_none"), "none"), (I18N("fit_crop"), "crop"), (I18N("fit_pad"), "pad")], value="none", label=I18N("fit"), elem_id="fit")
                        identity = gr.Checkbox(value=True, label=h.text("identity"), elem_id="identity")
                prompt_mode = gr.Radio([(I18N("single"), "single"), (I18N("multi"), "shots")], value="single", label=I18N("prompt_mode"), elem_id="prompt-mode")
                prompt = gr.Textbox(label=I18N("prompt"), lines=4, elem_id="prompt")
                shots = build_shots()
                with gr.Row():
                    duration = gr.Slider(3, 15, value=5, step=1, label=I18N("duration"), elem_id="duration")
                    aspect = gr.Radio(["16:9", "9:16", "1:1"], value="16:9", label=I18N("aspect"), elem_id="aspect")
                with gr.Row():
                    audio = gr.Checkbox(value=False, label=h.text("audio"), elem_id="audio")
                    audio_desc = gr.Textbox(label=I18N("audio_desc"), placeholder="city ambience, distant traffic, no dialogue", elem_id="audio-desc")
                with gr.Accordion(I18N("advanced"), open=False):
                    negative = gr.Textbox(label=I18N("negative"), elem_id="negative")
                    cfg = gr.Slider(0, 1, value=0.5, step=0.05, label=I18N("cfg"), elem_id="cfg")
                    seed = gr.Number(value=None, label=I18N("seed_off"), interactive=False, precision=0, elem_id="seed")
                    takes = gr.Slider(1, 8, value=1, step=1, label=I18N("variants"), elem_id="takes")
                    compare = gr.CheckboxGroup([("Standard", "standard"), ("Pro", "pro"), ("4K", "4k")], value=[], label=I18N("compare"), elem_id="compare-tiers")
                    alt_prompt = gr.Textbox(label=I18N("alt_prompt"), lines=2, elem_id="alt-prompt", placeholder="close-up, handheld: the same scene at night")
                # Enabled by the page's load event, once this browser has its studio session.
                generate = gr.Button(I18N("generate"), variant="primary", elem_id="generate", interactive=False)
            with gr.Column(scale=2):
                cost = gr.HTML(elem_id="cost")
                spend = gr.Markdown(elem_id="spend")
                with gr.Accordion(I18N("settings"), open=False, visible=h.live):
                    key_box = gr.Textbox(label=I18N("api_key"), type="password", elem_id="api-key")
                gr.Markdown(f"### {h.text('jobs')}")
                jobs = gr.HTML(elem_id="jobs")
                notice = gr.Markdown(elem_id="notice")
        gr.Markdown(f"### {h.text('gallery')}")
        gallery = gr.HTML(elem_id="gallery")
        timer = gr.Timer(1.0)
        build_storyboard_tab(h.manager, h.signer, owner, api_key, timer)
        action = gr.Textbox(visible="hidden", elem_id="job-action")
        action_go = gr.Button("go", visible="hidden", elem_id="job-action-go")

        form = {
            "tier": tier, "mode": mode, "prompt_mode": prompt_mode, "prompt": prompt, "negative_prompt": negative,
            "duration": duration, "aspect_ratio": aspect, "cfg_scale": cfg, "audio": audio,
            "audio_description": audio_desc, "identity_anchor": identity, "takes": takes, "fit": fit, "compare": compare, "alt_prompt": alt_prompt,
            "start_image": start_image, "end_image": end_image, "owner": owner, "api_key": api_key,
        }
        h.bind({**form, "action": action}, shots)
        form_inputs = set(form.values()) | set(shots.values)

        # Live cost: in the browser, from the catalog's rates.
        cost_inputs = [tier, duration, audio, takes, compare, alt_prompt]
        for comp in cost_inputs:
            comp.change(None, cost_inputs, cost, js=COST_JS, api_visibility="private", show_progress="hidden", queue=False)
        bar_inputs = [prompt_mode, duration, *shots.values]
        for comp in bar_inputs:
            comp.change(h.shot_bar, bar_inputs, [shots.bar, generate], api_visibility="private", show_progress="hidden", trigger_mode="always_last")

        tier.change(h.tier_help, tier, tier_help, api_visibility="private", show_progress="hidden")
        # Inputs follow the endpoint's schema (an end frame only where the tier has one).
        schema_inputs = [tier, mode, duration, audio]
        for comp in schema_inputs:
            comp.change(h.on_schema, schema_inputs, [end_image, end_note, end_switch], api_visibility="private", show_progress="hidden")
        demo.load(h.on_schema, schema_inputs, [end_image, end_note, end_switch], api_visibility="private", show_progress="hidden")
        end_switch.click(h.end_image_tier, mode, tier, api_visibility="private", show_progress="hidden")
        mode.change(h.on_mode, mode, [mode_help, images, aspect, identity], api_visibility="private", show_progress="hidden")
        prompt_mode.change(h.on_prompt_mode, prompt_mode, [prompt, shots.group], api_visibility="private", show_progress="hidden")
        starter.input(h.on_starter, starter, [tier, mode, prompt_mode, prompt, aspect, starter], api_visibility="private")
        platform.input(h.on_platform, platform, [aspect, platform], api_visibility="private")
        key_box.change(lambda k: k, key_box, api_key, api_visibility="private", show_progress="hidden")

        views = [jobs, gallery, spend, gallery_version]
        demo.load(h.on_load, [owner, api_key, gallery_version], [owner, key_box, *views, cost, generate], js=None, api_name="load")
        demo.load(None, cost_inputs, cost, js=COST_JS)
        generate.click(
            h.generate, form_inputs, [jobs, notice], api_name="generate", concurrency_limit=16, trigger_mode="once"
        ).then(h.refresh, [owner, gallery_version], views, api_visibility="private", show_progress="hidden")
        # The 1-second refresh bypasses the queue: a busy server must never fill the queue with
        # refreshes and turn a visitor's own action away ("queue full").
        timer.tick(h.refresh, [owner, gallery_version], views, api_name="jobs", show_progress="hidden", queue=False)
        register_api(h.manager, h.signer)
        recipe_file.upload(h.open_recipe, recipe_file, [notice, *h.form_outputs], api_visibility="private")
        action_go.click(
            h.act, {action, owner, api_key}, [notice, *h.form_outputs], api_name="act", show_progress="hidden"
        ).then(h.refresh, [owner, gallery_version], views, api_visibility="private", show_progress="hidden")
    return demo
