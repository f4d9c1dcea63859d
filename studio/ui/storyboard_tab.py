"""The storyboard panel: a script longer than one clip, priced, run, and stitched.

One shot per line (``seconds | camera | what happens``). "Price it" shows how the script
splits into clips and what they cost; "Run storyboard" starts it in the background (rerunning
resumes it without paying again for finished clips); finished films play inline.
"""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from .. import bounds
from ..errors import Problem, StudioError, ValidationError
from ..forms import parse_script
from ..manager import JobManager
from ..pricing import format_usd
from ..storyboard import Storyboard, plan, quote
from .messages import friendly, plain_markdown
from .media import MediaSigner

__all__ = ["build_storyboard_tab", "EXAMPLE_SCRIPT"]

EXAMPLE_SCRIPT = """5 | wide shot, slow push-in | the harbour at dawn, mist on the water
5 | aerial drone shot | gulls circle over the fishing boats
4 | medium close-up, static | a fisherman coils a wet rope
5 | tracking shot, low angle | the boat leaves the quay
4 | extreme close-up | spray on the bow
5 | crane up, revealing the scene | the town shrinks behind the boat
4 | handheld follow | nets go over the side
4 | over-the-shoulder shot | the catch comes aboard
4 | wide shot, slow push-in | sunset, the boat returns to port"""


def _board(script: str, tier: str, audio: bool, continuity: bool) -> Storyboard:
    """The panel's storyboard, every value bounded before the script is read."""
    text = bounds.optional_text(script, "script", bounds.MAX_SCRIPT_CHARS)
    if tier not in ("standard", "pro", "4k"):
        raise ValidationError([Problem("tier", f"{bounds.shown(tier, 20)} is not standard, pro or 4k")])
    return Storyboard(shots=parse_script(text), tier=tier, audio=bool(audio), continuity=bool(continuity))


def _price(script: str, tier: str, audio: bool, continuity: bool) -> str:
    try:
        board = _board(script, tier, audio, continuity)
        clips, price = plan(board), quote(board)
    except StudioError as exc:
        return "\n\n".join(f"⚠ {plain_markdown(p)}" for p in getattr(exc, "problems", ())) or f"⚠ {plain_markdown(exc)}"
    lines = [f"**{board.seconds} s in {len(clips)} clips: {format_usd(price.total)}**"]
    for clip in clips:
        how = " (starts from the last frame of the clip before)" if clip.chained else ""
        lines.append(f"- clip {clip.index + 1}: {len(clip.shots)} shots, {clip.seconds} s, {clip.endpoint.mode.key}{how}")
    return "\n".join(lines)


def _runs_html(manager: JobManager, signer: MediaSigner, owner_key: str) -> str:
    cards = []
    for run in manager.storyboard_runs(owner_key) if owner_key else []:
        run_id = html.escape(run["run_id"])
        if run.get("file"):
            url = f"/studio/story/{run['run_id']}?sig={signer.signature(run['run_id'], run['owner'])}"
            cards.append(
                f'<div class="video-card" data-story="{run_id}"><video controls preload="metadata" src="{html.escape(url)}#t=0.1"></video>'
                f'<div class="job-head"><b>Storyboard · {run.get("clips", "?")} clips</b> <span>{run.get("seconds", "?")} s</span></div>'
                f'<a class="job-action" href="{html.escape(url)}&amp;download=1" download>Download</a></div>'
            )
        else:
            state = html.escape(run.get("error") or run.get("stage") or "")
            cards.append(f'<div class="job-card" data-story="{run_id}"><b>Storyboard</b> <span class="job-stage">{state}</span></div>')
    return "".join(cards) or '<div class="empty">No storyboards yet.</div>'


def build_storyboard_tab(manager: JobManager, signer: MediaSigner, owner: Any, api_key: Any, timer: Any) -> None:
    """Lay out the panel inside the caller's Blocks and wire it."""
    with gr.Accordion("Storyboard: longer than 15 s (up to 2 minutes)", open=False, elem_id="storyboard"):
        script = gr.Textbox(EXAMPLE_SCRIPT, lines=10, label="Script: one shot per line — seconds | camera | what happens", elem_id="storyboard-script")
        with gr.Row():
            tier = gr.Radio([("Standard", "standard"), ("Pro", "pro"), ("4K", "4k")], value="standard", label="Tier", elem_id="storyboard-tier")
            audio = gr.Checkbox(value=False, label="Generate audio", elem_id="storyboard-audio")
            continuity = gr.Checkbox(value=True, label="Continuity (each clip starts from the last frame of the one before)", elem_id="storyboard-continuity")
        price = gr.Markdown(_price(EXAMPLE_SCRIPT, "standard", False, True), elem_id="storyboard-price")
        with gr.Row():
            price_btn = gr.Button("Price it", elem_id="storyboard-price-btn")
            run_btn = gr.Button("Run storyboard", variant="primary", elem_id="storyboard-run")
        notice = gr.Markdown()
        runs = gr.HTML(elem_id="storyboard-runs")

    def run(script_text: str, tier_key: str, audio_on: bool, chain: bool, owner_key: str, key: str) -> tuple[str, str]:
        if not owner_key:
            raise gr.Error("This browser has no studio session yet; reload the page.")
        try:
            owner_key = bounds.owner_key(owner_key, "studio session")
            visitor = bounds.optional_text(key, "API key", 4096).strip() or None
            board = _board(script_text, tier_key, audio_on, chain)
            manager.run_storyboard(board, owner_key, visitor_token=visitor)
        except StudioError as exc:
            raise friendly(exc) from None
        return f"Started: {len(plan(board))} clips, {format_usd(quote(board).total)}. Running it again resumes it; finished clips are not paid again.", _runs_html(manager, signer, owner_key)

    inputs = [script, tier, audio, continuity]
    # Pricing is pure and takes a millisecond: it runs outside the queue, so a busy queue never
    # leaves the panel without a price. The example script is priced when the page is built.
    price_btn.click(_price, inputs, price, api_visibility="private", queue=False)
    gr.on([c.change for c in inputs], _price, inputs, price, api_visibility="private", show_progress="hidden", trigger_mode="always_last", queue=False)
    run_btn.click(run, [*inputs, owner, api_key], [notice, runs], api_visibility="private", trigger_mode="once")
    def refresh(owner_key: str, shown: str) -> tuple[Any, str]:
        try:
            owner = bounds.owner_key(owner_key, "studio session") if owner_key else ""
        except StudioError as exc:
            raise friendly(exc) from None
        fresh = _runs_html(manager, signer, owner)
        # Re-render only on change, so a film being watched is not reloaded every second.
        return (gr.skip(), shown) if fresh == shown else (fresh, fresh)

    shown = gr.State("")
    timer.tick(refresh, [owner, shown], [runs, shown], api_visibility="private", show_progress="hidden", queue=False)
