"""The baseline for ``bench_idle.py``: a minimal Gradio app of the studio's Gradio version.

    GRADIO_SERVER_PORT=7999 GRADIO_ANALYTICS_ENABLED=False python bench/bare_gradio.py

A ``gr.Blocks`` with a few components and one button (``#bare-go``), no timer, no queue
settings of its own, served by ``launch()`` on 127.0.0.1 (never ``share``). It owns nothing
but that page; the bench starts it in its own process so its CPU figure is its own.

With ``BARE_HEAD_FIRST=1`` the same app is mounted behind the studio's
:class:`~studio.ui.head_first.HeadFirst` (its idle-frames fix) and served by uvicorn, for
``bench_idle_tab.py`` to compare the fix on an app that has nothing else of the studio.
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


def serve_with_fix(host: str, port: int) -> None:
    """The same app behind HeadFirst (the studio's fix for Gradio's idle frame loop)."""
    import sys
    from pathlib import Path

    import uvicorn
    from fastapi import FastAPI

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from studio.ui.head_first import IDLE_FRAMES_FIX, HeadFirst

    app = gr.mount_gradio_app(FastAPI(), build(), path="/")
    uvicorn.run(HeadFirst(app, IDLE_FRAMES_FIX), host=host, port=port, log_level="warning")


if __name__ == "__main__":
    host, port = os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"), int(os.environ.get("GRADIO_SERVER_PORT", "7860"))
    if os.environ.get("BARE_HEAD_FIRST") == "1":
        serve_with_fix(host, port)
    else:
        build().launch(server_name=host, server_port=port, share=False)
