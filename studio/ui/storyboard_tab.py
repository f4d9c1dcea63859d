"""The storyboard panel: a script longer than one clip, priced, run, and stitched.

One shot per line (``seconds | camera | what happens``). "Price it" shows how the script
splits into clips and what they cost; "Run storyboard" starts it in the background (rerunning
resumes it without paying again for finished clips); finished films play inline.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import gradio as gr

from studio.domain import bounds
from studio.domain.catalog import TIERS
from studio.domain.forms import parse_script
from studio.domain.pricing import format_usd
from studio.domain.storyboard import Storyboard, plan, quote
from studio.errors import Problem, StudioError, ValidationError
from studio.jobs.manager import JobManager
from studio.ui import translate
from studio.ui.choices import BLANK, TIER_KEYS
from studio.ui.events import AT_ONCE
from studio.ui.i18n import I18N, bilingual, t
from studio.ui.lang import current_lang
from studio.ui.media import MediaSigner
from studio.ui.messages import error_title, friendly, plain_markdown
from studio.ui.translate import problem, text

__all__ = ["EXAMPLE_SCRIPT", "EXAMPLE_SCRIPT_ZH", "build_storyboard_tab", "example_script"]

EXAMPLE_SCRIPT = """5 | wide shot, slow push-in | the harbour at dawn, mist on the water
5 | aerial drone shot | gulls circle over the fishing boats
4 | medium close-up, static | a fisherman coils a wet rope
5 | tracking shot, low angle | the boat leaves the quay
4 | extreme close-up | spray on the bow
5 | crane up, revealing the scene | the town shrinks behind the boat
4 | handheld follow | nets go over the side
4 | over-the-shoulder shot | the catch comes aboard
4 | wide shot, slow push-in | sunset, the boat returns to port"""

# The same film for a visitor whose browser asks for Chinese (shown as the panel's example).
EXAMPLE_SCRIPT_ZH = """5 | 广角镜头，缓慢推近 | 黎明时的港口，水面上薄雾弥漫
5 | 无人机航拍 | 海鸥在渔船上空盘旋
4 | 中近景，固定机位 | 一位渔夫盘起湿漉漉的缆绳
5 | 低角度跟拍 | 渔船驶离码头
4 | 大特写 | 船头溅起的浪花
5 | 升降镜头上升，展现全景 | 小镇在船后渐渐变小
4 | 手持跟拍 | 渔网被抛下船舷
4 | 过肩镜头 | 渔获被拉上甲板
4 | 广角镜头，缓慢推近 | 日落时分，渔船返回港口"""


def example_script(lang: str) -> str:
    """The panel's example script in ``lang``."""
    return EXAMPLE_SCRIPT_ZH if lang == "zh" else EXAMPLE_SCRIPT


def _board(script: str, tier: str, audio: bool, continuity: bool) -> Storyboard:
    """The panel's storyboard, every value bounded before the script is read."""
    text = bounds.optional_text(script, "script", bounds.MAX_SCRIPT_CHARS)
    if tier not in TIER_KEYS:
        raise ValidationError([Problem("tier", f"{bounds.shown(tier, 20)} is not {', '.join(TIER_KEYS[:-1])} or {TIER_KEYS[-1]}")])
    return Storyboard(shots=parse_script(text), tier=tier, audio=bool(audio), continuity=bool(continuity))


def _price(script: str, tier: str, audio: bool, continuity: bool, lang: str | None = None) -> str:
    """How the script splits into clips and what they cost (Markdown), or its problems, in ``lang``
    (default: the language of the event being handled)."""
    lang = lang or current_lang()
    try:
        board = _board(script, tier, audio, continuity)
        clips, price = plan(board), quote(board)
    except StudioError as exc:
        problems = getattr(exc, "problems", ())
        return "\n\n".join(f"⚠ {plain_markdown(problem(p, lang))}" for p in problems) or f"⚠ {plain_markdown(text(str(exc), lang))}"
    total = t("sb_total", lang).format(seconds=board.seconds, clips=len(clips), total=format_usd(price.total))
    lines = [f"**{total}**"]
    for clip in clips:
        how = t("sb_chained", lang) if clip.chained else ""
        mode = t("i2v" if clip.endpoint.mode.needs_start_image else "t2v", lang)
        lines.append("- " + t("sb_clip", lang).format(n=clip.index + 1, shots=len(clip.shots), seconds=clip.seconds, mode=mode) + how)
    return "\n".join(lines)


def _runs_html(manager: JobManager, signer: MediaSigner, owner_key: str) -> str:
    """This browser's storyboards in progress or stopped with an error. Finished films are in
    the gallery, one film card each (:mod:`studio.ui.gallery_view`); ``signer`` is not needed here."""
    from studio.ui.i18n import t
    from studio.ui.lang import current_lang

    lang = current_lang()
    cards = []
    for run in manager.storyboard_runs(owner_key) if owner_key else []:
        if run.get("file"):
            continue
        run_id = html.escape(run["run_id"])
        stopped = bool(run.get("error"))
        state = html.escape(f"{t('story_stopped', lang)}: {translate.text(run['error'], lang)}" if stopped else run.get("stage") or "")
        cards.append(
            f'<div class="job-card" data-story="{run_id}" data-status="{"failed" if stopped else "running"}">'
            f'<b>{html.escape(t("storyboard", lang))}</b> <span class="job-stage">{state}</span></div>'
        )
    return "".join(cards) or f'<div class="empty">{html.escape(t("story_none_running", lang))}</div>'


def build_storyboard_tab(manager: JobManager, signer: MediaSigner, owner: Any, api_key: Any, timer: Any) -> tuple[Callable[..., Any], list[Any], list[Any]]:
    """Lay out the panel inside the caller's Blocks and wire it. Returns its live update (the
    function, its inputs, its outputs) for the caller to run after each of the page's own
    refreshes: run after the refresh that decides whether the timer goes on, it never reads a
    run as still going once the page has stopped asking."""
    # Labels, the example and its price in the browser's language (Gradio's frontend picks them).
    with gr.Accordion(I18N("sb_title"), open=False, elem_id="storyboard"):
        script = gr.Textbox(bilingual(example_script), lines=10, label=I18N("sb_script"), elem_id="storyboard-script")
        with gr.Row():
            tier = gr.Radio([(t.label, t.key) for t in TIERS], value=BLANK.tier, label=I18N("tier"), elem_id="storyboard-tier")
            audio = gr.Checkbox(value=False, label=I18N("audio_on"), elem_id="storyboard-audio")
            continuity = gr.Checkbox(value=True, label=I18N("sb_continuity"), elem_id="storyboard-continuity")
        price = gr.Markdown(bilingual(lambda lang: _price(example_script(lang), BLANK.tier, False, True, lang)), elem_id="storyboard-price")
        with gr.Row():
            price_btn = gr.Button(I18N("sb_price_btn"), elem_id="storyboard-price-btn")
            run_btn = gr.Button(I18N("sb_run"), variant="primary", elem_id="storyboard-run")
        notice = gr.Markdown()
        runs = gr.HTML(elem_id="storyboard-runs")

    def run(script_text: str, tier_key: str, audio_on: bool, chain: bool, owner_key: str, key: str) -> tuple[str, str]:
        if not owner_key:
            raise gr.Error(t("no_session"), title=error_title())
        try:
            owner_key = bounds.owner_key(owner_key, "studio session")
            visitor = bounds.optional_text(key, "API key", 4096).strip() or None
            board = _board(script_text, tier_key, audio_on, chain)
            manager.run_storyboard(board, owner_key, visitor_token=visitor)
        except StudioError as exc:
            raise friendly(exc) from None
        started = t("sb_started").format(clips=len(plan(board)), total=format_usd(quote(board).total))
        return started, _runs_html(manager, signer, owner_key)

    inputs: list[Any] = [script, tier, audio, continuity]
    # Pricing is pure and takes a millisecond: it runs outside the queue, so a busy queue never
    # leaves the panel without a price. The example script is priced when the page is built.
    price_btn.click(_price, inputs, price, api_visibility="private", queue=False)
    gr.on([c.change for c in inputs], _price, inputs, price, trigger_mode="always_last", **AT_ONCE)
    # A run starts the page's live updates (they stop by themselves once nothing is in flight).
    run_btn.click(run, [*inputs, owner, api_key], [notice, runs], api_visibility="private", trigger_mode="once").then(
        lambda: gr.Timer(active=True), None, timer, **AT_ONCE
    )
    def refresh(owner_key: str, shown: str) -> tuple[Any, str]:
        try:
            owner = bounds.owner_key(owner_key, "studio session") if owner_key else ""
        except StudioError as exc:
            raise friendly(exc) from None
        fresh = _runs_html(manager, signer, owner)
        # Re-render only on change, so a film being watched is not reloaded every second.
        return (gr.skip(), shown) if fresh == shown else (fresh, fresh)

    # A hidden box, not gr.State (which holds an event stream open for the page's life).
    shown = gr.Textbox("", visible="hidden", elem_id="storyboard-shown")
    return refresh, [owner, shown], [runs, shown]
