"""The baseline for ``bench_idle.py``: a minimal Gradio app of the studio's Gradio version.

    GRADIO_SERVER_PORT=7999 GRADIO_ANALYTICS_ENABLED=False python bench/bare_gradio.py

A ``gr.Blocks`` with a few components and one button (``#bare-go``), no timer, no queue
settings of its own, served by ``launch()`` on 127.0.0.1 (never ``share``). It owns nothing
but that page; the bench starts it in its own process so its CPU figure is its own.
"""

from __future__ import annotations

import os

import gradio as gr


def build() -> gr.Blocks:
    """A prompt, a slider, a checkbox, a button and an output box."""
    with gr.Blocks(title="Bare Gradio") as demo:
        gr.Markdown("### Bare Gradio")
        prompt = gr.Textbox(label="Prompt", lines=3, elem_id="bare-prompt")
        seconds = gr.Slider(3, 15, value=5, step=1, label="Seconds", elem_id="bare-seconds")
        audio = gr.Checkbox(label="Audio", elem_id="bare-audio")
        go = gr.Button("Go", variant="primary", elem_id="bare-go")
        out = gr.Textbox(label="Result", elem_id="bare-out")
        go.click(lambda p, s, a: f"{p!r}, {s} s, audio {'on' if a else 'off'}", [prompt, seconds, audio], out)
    return demo


if __name__ == "__main__":
    build().launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        share=False,
    )
