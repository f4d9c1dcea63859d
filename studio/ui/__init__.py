"""The browser studio: ``build_app() -> gr.Blocks``, built without launching and without I/O.

This first cut is the planning screen: pick a tier and a mode, write the prompt, and see the
live quote, the prompting advice and the exact JSON body before anything is paid. Handlers
call the pure domain functions only; nothing here speaks HTTP.
"""

from __future__ import annotations

import json
from typing import Any

import gradio as gr

from ..catalog import MODES, TIERS, endpoint
from ..errors import ValidationError
from ..models import GenerationRequest
from ..payload import build_payload
from ..pricing import format_usd, quote_request
from ..prompts import advise

__all__ = ["build_app", "plan"]


def plan(tier: str, mode: str, prompt: str, duration: float, audio: bool, image_url: str) -> tuple[str, str, str]:
    """Quote text, advice text and payload JSON for the form's current values."""
    ep = endpoint(tier, mode)
    request = GenerationRequest(
        prompt=prompt or "",
        duration=int(duration),
        audio=bool(audio),
        start_image_url=(image_url or None) if ep.mode.needs_start_image else None,
    )
    quote = quote_request(request, ep)
    quote_md = f"### {format_usd(quote.total)}\n" + "\n".join(f"- {line}" for line in quote.lines()[:-1])
    try:
        body: Any = build_payload(request, ep)
        payload = json.dumps(body, indent=2, ensure_ascii=False)
    except ValidationError as exc:
        payload = "\n".join(f"⚠ {p}" for p in exc.problems)
    advice = "\n".join(f"- {note}" for note in advise(request, ep, quote.total)) or "No advice: looks good."
    return quote_md, advice, payload


def build_app() -> gr.Blocks:
    """The Blocks app; the caller launches it."""
    with gr.Blocks(title="Kling Studio") as demo:
        gr.Markdown("# Kling Studio\nPlan a Kling 3.0 clip: live cost, advice and the exact request.")
        with gr.Row():
            with gr.Column():
                tier = gr.Radio(
                    [(f"{t.label} · {t.resolution}", t.key) for t in TIERS], value="standard", label="Tier", elem_id="tier"
                )
                mode = gr.Radio([(m.label, m.key) for m in MODES], value="text-to-video", label="Mode", elem_id="mode")
                prompt = gr.Textbox(label="Prompt", lines=4, elem_id="prompt")
                image_url = gr.Textbox(label="Start image URL (image-to-video)", placeholder="https://…")
                duration = gr.Slider(3, 15, value=5, step=1, label="Duration (s)", elem_id="duration")
                audio = gr.Checkbox(label="Audio", value=False, elem_id="audio")
            with gr.Column():
                cost = gr.Markdown(elem_id="cost")
                advice = gr.Markdown()
                payload = gr.Code(language="json", label="Request body")
        inputs = [tier, mode, prompt, duration, audio, image_url]
        gr.on(
            [c.change for c in inputs] + [demo.load],
            plan,
            inputs,
            [cost, advice, payload],
            api_name="plan",
            concurrency_limit=None,
            show_progress="hidden",
        )
    return demo
