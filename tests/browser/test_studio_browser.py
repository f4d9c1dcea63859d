"""The studio in a real browser (Debian's Chromium through Playwright), offline on the simulator.

Each test drives the page as a person would: fill the prompt, click Generate, watch the job
card, play the video in the gallery. Screenshots of the main screen, a running job and the
gallery are saved on the way to ``STUDIO_SCREENSHOT_DIR`` (default: a folder in the system temp
dir, never the tracked tree); ``STUDIO_SCREENSHOT_DIR=docs/screenshots`` refreshes the README's.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from PIL import Image

from studio.domain.catalog import endpoint
from studio.domain.pricing import format_usd, quote_clip

from .conftest import SESSION_READY, StudioApp

SHOTS = Path(os.environ.get("STUDIO_SCREENSHOT_DIR") or Path(tempfile.gettempdir()) / "kling-studio-screenshots").resolve()
JOB_TIMEOUT = 45_000  # ms: submit → video in the gallery, with the fast simulator

# Waits for the video's metadata, plays it (muted, so autoplay rules allow it) and reports
# whether playback moves the clock forward.
PLAY_JS = """
async (sel) => {
  const v = document.querySelector(sel);
  if (!v) return {error: "no video at " + sel};
  if (v.readyState < 1) {
    await new Promise((ok, bad) => {
      v.addEventListener("loadedmetadata", ok, {once: true});
      v.addEventListener("error", () => bad(new Error("video error " + (v.error && v.error.code))), {once: true});
    });
  }
  const duration = v.duration;
  v.muted = true;
  await v.play();
  const t0 = v.currentTime;
  const until = performance.now() + 5000;
  while (v.currentTime <= t0 + 0.2 && performance.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const t1 = v.currentTime;
  v.pause();
  return {duration, t0, t1, width: v.videoWidth, height: v.videoHeight, error: v.error && v.error.code};
}
"""

# The mean colour of the first and the last frame, drawn into a small canvas.
FRAMES_JS = """
async (sel) => {
  const v = document.querySelector(sel);
  if (v.readyState < 2) await new Promise((r) => v.addEventListener("loadeddata", r, {once: true}));
  const c = document.createElement("canvas"); c.width = 64; c.height = 36;
  const g = c.getContext("2d");
  const at = async (t) => {
    v.currentTime = t;
    await new Promise((r) => v.addEventListener("seeked", r, {once: true}));
    // The frame at the new time may reach the compositor a moment after "seeked" on a busy
    // machine; drawn before it, the canvas gets the frame shown before the seek.
    await Promise.race([new Promise((r) => v.requestVideoFrameCallback(r)), new Promise((r) => setTimeout(r, 1000))]);
    g.drawImage(v, 0, 0, 64, 36);
    const d = g.getImageData(0, 0, 64, 36).data;
    const s = [0, 0, 0];
    for (let i = 0; i < d.length; i += 4) { s[0] += d[i]; s[1] += d[i + 1]; s[2] += d[i + 2]; }
    return s.map((x) => Math.round(x / (d.length / 4)));
  };
  return {first: await at(0.05), last: await at(v.duration - 0.05)};
}
"""


# -- helpers --------------------------------------------------------------------------------
def open_studio(ctx: Any, app: StudioApp) -> Any:
    page = ctx.new_page()
    page.goto(app.url + "/", wait_until="load")
    page.wait_for_selector("#cost-figure")
    page.wait_for_selector(SESSION_READY, state="attached")  # the browser has its studio session
    return page


def set_duration(page: Any, seconds: int) -> None:
    box = page.locator("#duration input[type=number]")
    box.fill(str(seconds))
    box.press("Enter")


def generate(page: Any, prompt: str, seconds: int | None = None) -> str:
    """Fill the prompt, click Generate; returns the new job's id (from its card)."""
    before = set(page.locator("#jobs .job-card").evaluate_all("cs => cs.map(c => c.dataset.job)"))
    page.fill("#prompt textarea", prompt)
    if seconds is not None:
        set_duration(page, seconds)
    page.click("#generate")
    cards = page.locator("#jobs .job-card")
    # Either a new card, or an error toast (which then fails the test with its words).
    page.wait_for_function(
        """n => document.querySelectorAll('#jobs .job-card').length > n
               || document.querySelector('[data-testid="toast-body"]')""",
        arg=len(before),
        timeout=20_000,
    )
    toasts = page.locator('[data-testid="toast-body"]')
    if cards.count() <= len(before) and toasts.count():
        pytest.fail(f"Generate was refused: {toasts.first.inner_text()!r}")
    new = [j for j in cards.evaluate_all("cs => cs.map(c => c.dataset.job)") if j not in before]
    assert len(new) == 1, f"expected one new job card, got {new}"
    return new[0]


def video_selector(job_id: str) -> str:
    return f'#gallery .video-card[data-job="{job_id}"] video'


def wait_for_video(page: Any, job_id: str) -> str:
    sel = video_selector(job_id)
    page.wait_for_selector(sel, state="attached", timeout=JOB_TIMEOUT)
    return sel


def assert_plays(page: Any, sel: str, seconds: float) -> dict[str, Any]:
    facts = page.evaluate(PLAY_JS, sel)
    assert not facts.get("error"), facts
    assert facts["duration"] == pytest.approx(seconds, abs=0.05), facts
    assert facts["t1"] > facts["t0"] + 0.1, f"the video did not advance while playing: {facts}"
    assert facts["width"] > 0 and facts["height"] > 0, facts
    return facts


def screenshot(page: Any, name: str) -> None:
    """A full-page screenshot, palette-reduced so the committed PNG stays small."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    raw = page.screenshot(full_page=True)
    image = Image.open(io.BytesIO(raw)).convert("RGB")
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(SHOTS / name, optimize=True)


def expected_cost(tier: str, seconds: int, audio: bool) -> str:
    return format_usd(quote_clip(endpoint(tier, "text-to-video"), seconds, audio).total)


def job_row(app: StudioApp, job_id: str) -> dict[str, Any]:
    rows = [r for r in app.journal_rows() if r["job_id"] == job_id]
    assert rows, f"job {job_id} is not in the journal"
    return rows[0]


# -- tests ----------------------------------------------------------------------------------
def test_cost_figure_matches_the_server_quote_for_every_tier_and_audio(studio, new_context):
    page = open_studio(new_context(), studio)
    figure = page.locator("#cost-figure")
    assert figure.inner_text() == expected_cost("standard", 5, False)
    audio = page.locator("#audio input[type=checkbox]")
    checked = []
    for tier in ("standard", "pro", "4k"):
        page.locator("#tier label").filter(has=page.locator(f'input[value="{tier}"]')).click()
        for with_audio in (False, True):
            audio.set_checked(with_audio)
            for seconds in (3, 11, 15):
                set_duration(page, seconds)
                want = expected_cost(tier, seconds, with_audio)
                try:
                    page.wait_for_function(
                        "w => document.querySelector('#cost-figure')?.textContent.trim() === w", arg=want, timeout=5_000
                    )
                except Exception:
                    pytest.fail(f"{tier}, audio={with_audio}, {seconds} s: figure {figure.inner_text()!r}, server quote {want!r}")
                checked.append((tier, with_audio, seconds, want))
    assert len(checked) == 18
    # 4K is a flat rate: audio does not change the price.
    assert expected_cost("4k", 11, True) == expected_cost("4k", 11, False)


def test_an_impossible_clip_length_shows_the_problem_never_a_price(studio, new_context):
    page = open_studio(new_context(), studio)
    page.fill("#prompt textarea", "Wide shot, a red lighthouse")
    page.wait_for_selector("#generate:not([disabled])")
    box = page.locator("#duration input[type=number]")
    for typed, held in (("16", 15), ("2", 3)):
        box.fill(typed)  # still in the box: the problem, beside it and beside Generate, no figure
        page.wait_for_function("t => (document.querySelector('#duration-problem')?.textContent || '').includes(t)", arg=f"Clip length: {typed} s is not possible")
        assert f"Clip length: {typed} s is not possible" in page.locator("#typed-problem").inner_text()
        assert not page.locator("#cost-figure").is_visible()
        assert page.evaluate("() => getComputedStyle(document.querySelector('#generate')).pointerEvents") == "none"
        assert page.locator("#generate").is_disabled()  # a keyboard cannot press it either
        toasts = page.locator('[data-testid="toast-body"]')
        assert toasts.count() == 0, toasts.all_inner_texts()  # typing is not an error
        box.press("Tab")  # leaving the box holds it to the slider's range: that is what is priced and sent
        page.wait_for_function("w => document.querySelector('#cost-figure')?.textContent.trim() === w", arg=expected_cost("standard", held, False))
        assert box.input_value() == str(held)
        assert page.locator("#cost-figure").is_visible() and page.locator("#duration-problem").inner_text().strip() == ""
        page.wait_for_selector("#generate:not([disabled])", timeout=5_000)


def test_text_to_video_from_an_empty_page_to_a_playing_video(studio, new_context):
    page = open_studio(new_context(), studio)
    assert page.locator("#gallery .video-card").count() == 0
    page.fill("#prompt textarea", "Wide shot, slow push-in on a lighthouse at dusk, waves below")
    set_duration(page, 4)
    page.wait_for_function("() => document.querySelector('#cost-figure').textContent.trim() === '$0.336'")
    screenshot(page, "main.png")

    job_id = generate(page, "Wide shot, slow push-in on a lighthouse at dusk, waves below")
    card = page.locator(f'#jobs .job-card[data-job="{job_id}"]')
    assert card.get_attribute("data-status") in ("submitting", "queued", "running", "downloading", "succeeded")
    try:
        page.wait_for_selector(f'#jobs .job-card[data-job="{job_id}"][data-status="running"]', timeout=15_000)
        screenshot(page, "running.png")
    except Exception:
        pass  # the running phase can slip between two polls on a busy machine; the video is what counts

    sel = wait_for_video(page, job_id)
    assert_plays(page, sel, 4)
    page.evaluate("s => document.querySelector(s).currentTime = 1.5", sel)
    page.wait_for_function("s => document.querySelector(s).readyState >= 2", arg=sel)
    screenshot(page, "gallery.png")
    assert (SHOTS / "running.png").exists(), "no screenshot of a running job was ever taken"
    for name in ("main.png", "running.png", "gallery.png"):
        assert (SHOTS / name).stat().st_size < 400_000, f"{name} is too large to commit"

    row = job_row(studio, job_id)
    assert row["status"] == "succeeded"
    assert json.loads(row["payload"])["duration"] == 4


def red_to_blue(page: Any, folder: Path) -> None:
    """Image to video on Pro (switched to from the end-frame note) with a red start image and a
    blue end image, uploaded through the page."""
    start, end = folder / "red.png", folder / "blue.png"
    Image.new("RGB", (1280, 720), (200, 40, 40)).save(start)
    Image.new("RGB", (1280, 720), (40, 40, 200)).save(end)
    page.locator("#mode label").filter(has=page.locator('input[value="image-to-video"]')).click()
    # Standard image-to-video has no end frame (RunComfy's catalog): the page says so, with the
    # switch and its price, and offers no end image until the tier has one.
    note = page.locator("#end-image-note")
    note.wait_for(state="visible")
    assert "An end frame needs Pro or 4K: +$0.14 for 5 s on Pro." in note.inner_text()
    assert not page.locator("#end-image").is_visible()
    page.click("#end-image-switch")
    page.wait_for_selector("#end-image", state="visible")
    assert page.locator('#tier input[value="pro"]').is_checked() and not note.is_visible()
    page.locator("#start-image input[type=file]").set_input_files(start)
    page.locator("#end-image input[type=file]").set_input_files(end)
    page.wait_for_selector("#start-image img")
    page.wait_for_selector("#end-image img")


def test_image_to_video_with_start_and_end_images_plays(studio, new_context, tmp_path):
    page = open_studio(new_context(), studio)
    red_to_blue(page, tmp_path)

    job_id = generate(page, "Slow dolly-in; the red wall fades to blue")
    try:
        sel = wait_for_video(page, job_id)
    except Exception:
        row = job_row(studio, job_id)
        pytest.fail(f"no video: job {row['status']}: {row['error']}; notice: {page.locator('#notice').inner_text()!r}")
    assert_plays(page, sel, 5)
    body = json.loads(job_row(studio, job_id)["payload"])
    urls = (body.get("start_image_url", ""), body.get("end_image_url", ""))
    assert all(u.startswith("http://127.0.0.1:") for u in urls) and urls[0] != urls[1], urls
    # The simulator fetched both published images: the clip starts red and ends blue.
    frames = page.evaluate(FRAMES_JS, sel)
    r, _, b = frames["first"]
    assert r > 150 and b < 100, frames
    r, _, b = frames["last"]
    assert b > 150 and r < 100, frames


def test_two_browsers_cannot_see_or_fetch_each_others_videos(studio, new_context):
    a = open_studio(new_context(), studio)
    b = open_studio(new_context(), studio)
    job_id = generate(a, "Close-up, a teacup steaming on a windowsill")
    sel = wait_for_video(a, job_id)
    src = a.locator(sel).get_attribute("src")
    url = studio.url + src.split("#")[0]
    ok = a.request.get(url)
    assert ok.status == 200 and ok.headers["content-type"] == "video/mp4"

    # B's own views never mention A's job (give B's poll time to run after A's job finished).
    b.wait_for_timeout(2_500)
    assert job_id not in b.locator("#gallery").inner_html()
    assert job_id not in b.locator("#jobs").inner_html()
    assert b.locator("#gallery .video-card").count() == 0

    base, sig = url.split("?sig=")
    altered = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    for guess in (base, base + "?sig=", base + "?sig=" + altered, base + "?sig=" + sig[::-1]):
        assert b.request.get(guess).status == 404, guess
    # A guessed Gradio file URL for the video (or the simulator's copy) is not served either.
    videos = [Path(p) for p in json.loads(job_row(studio, job_id)["files"])]
    videos += sorted(studio.home.rglob("*.mp4"))
    assert videos and all(str(v).startswith(str(studio.home)) for v in videos)
    for path in videos:
        for guess in (f"/gradio_api/file={path}", f"/gradio_api/file={quote(str(path))}", f"/file={path}"):
            status = b.request.get(studio.url + guess).status
            assert status in (403, 404), f"{guess} answered {status}"


def test_chinese_ui_renders(studio, new_context):
    page = open_studio(new_context(locale="zh-CN"), studio)
    page.wait_for_function("() => document.querySelector('#generate').textContent.trim() === '生成'")
    assert page.locator("#generate").inner_text().strip() == "生成"
    assert "层级" in page.locator("#tier").inner_text()
    assert "单条提示词" in page.locator("#prompt-mode").inner_text() and "文本转视频" in page.locator("#mode").inner_text()
    # Server-rendered HTML follows the browser's Accept-Language too.
    assert "还没有任务" in page.locator("#jobs").inner_text()


def test_queued_job_is_cancelled_and_not_charged(studio_factory, new_context):
    app = studio_factory(queue=60, run=1)
    page = open_studio(new_context(), app)
    job_id = generate(page, "Wide shot, a queue that never moves")
    card = f'#jobs .job-card[data-job="{job_id}"]'
    page.wait_for_selector(f'{card}[data-status="queued"] button[data-action="cancel"]')
    page.click(f'{card} button[data-action="cancel"]')
    page.wait_for_selector(f'{card}[data-status="cancelled"]', timeout=20_000)
    page.wait_for_function("() => /not charged/.test(document.querySelector('#notice').textContent)")
    assert "not charged" in page.locator("#notice").inner_text()
    row = job_row(app, job_id)
    assert row["status"] == "cancelled"
    assert page.locator("#gallery .video-card").count() == 0


def test_gallery_survives_a_reload_and_a_server_restart(studio_factory, new_context):
    app = studio_factory()
    page = open_studio(new_context(), app)
    job_id = generate(page, "Aerial shot over a pine forest at dawn", seconds=3)
    wait_for_video(page, job_id)

    page.reload(wait_until="load")
    page.wait_for_selector(SESSION_READY, state="attached")
    wait_for_video(page, job_id)

    # Leave the page first: an open tab holds Gradio's event stream, and uvicorn's graceful
    # shutdown waits for it (10 s, until the kill) -- see the note in the report on serve().
    page.goto("about:blank")
    app.restart()
    page.goto(app.url + "/", wait_until="load")
    page.wait_for_selector(SESSION_READY, state="attached")
    sel = wait_for_video(page, job_id)
    assert page.locator("#gallery .video-card").count() == 1
    assert_plays(page, sel, 3)


def test_a_storyboard_runs_from_the_page_to_one_stitched_film(studio, new_context):
    page = open_studio(new_context(), studio)
    page.locator("#storyboard").get_by_text("Storyboard: longer than 15 s").click()
    script = "\n".join(
        ["6 | wide shot, slow push-in | the harbour at dawn", "6 | aerial drone shot | gulls over the boats",
         "4 | extreme close-up | spray on the bow", "6 | handheld follow | nets go over the side"]
    )
    # The panel renders on opening (priced for its example script); a box filled before that
    # finishes is reset to the example, as it would be under a person's fast fingers too.
    page.wait_for_function("() => document.querySelector('#storyboard-price')?.textContent.includes('40 s in 3 clips')")
    box = page.locator("#storyboard-script textarea")
    box.fill(script)
    if box.input_value() != script:
        box.fill(script)
    try:
        page.wait_for_function("() => document.querySelector('#storyboard-price').textContent.includes('22 s in 2 clips')")
    except Exception:
        shown = page.locator("#storyboard-price").inner_text()
        typed = page.locator("#storyboard-script textarea").input_value()
        pytest.fail(f"no price for the script; shown {shown!r}; the box holds {typed[:80]!r}…; app log:\n{studio.log_tail(2000)}")
    assert "$1.848" in page.locator("#storyboard-price").inner_text()  # 22 s × $0.084
    page.click("#storyboard-run")
    # The film is one card in the gallery, its clips listed inside it.
    film = "#gallery .video-card[data-story] video"
    page.wait_for_selector(film, timeout=90_000)
    assert_plays(page, film, 22)


def test_ab_tiers_side_by_side_with_the_total_first(studio, new_context):
    page = open_studio(new_context(), studio)
    page.fill("#prompt textarea", "Wide shot, slow push-in on a red lighthouse")
    set_duration(page, 5)
    page.get_by_text("Advanced", exact=True).click()
    page.locator("#compare-tiers").get_by_label("Pro").check()
    page.wait_for_function("() => document.querySelector('#cost-figure').textContent.trim() === '$0.98'")  # $0.42 + $0.56
    page.click("#generate")
    page.wait_for_function("() => document.querySelectorAll('#gallery .video-card .variant').length >= 2", timeout=JOB_TIMEOUT)
    labels = sorted(page.locator("#gallery .video-card .variant").all_inner_texts())
    assert labels == ["tier pro", "tier standard"]


def test_ab_prompts_make_one_video_per_prompt(studio, new_context):
    page = open_studio(new_context(), studio)
    page.fill("#prompt textarea", "Wide shot, slow push-in on a red lighthouse at dawn")
    set_duration(page, 5)
    page.get_by_text("Advanced", exact=True).click()
    page.fill("#alt-prompt textarea", "Close-up, handheld: the same lighthouse in a storm")
    page.wait_for_function("() => document.querySelector('#cost-figure').textContent.trim() === '$0.84'")  # 2 × $0.42
    page.click("#generate")
    page.wait_for_function("() => document.querySelectorAll('#gallery .video-card .variant').length >= 2", timeout=JOB_TIMEOUT)
    assert sorted(page.locator("#gallery .video-card .variant").all_inner_texts()) == ["prompt A", "prompt B"]
    prompts = [json.loads(r["request"]).get("prompt", "") for r in studio.journal_rows()]
    prompts = sorted(p for p in prompts if p.endswith(("lighthouse at dawn", "lighthouse in a storm")))
    assert prompts == ["Close-up, handheld: the same lighthouse in a storm", "Wide shot, slow push-in on a red lighthouse at dawn"]


def test_continue_from_the_last_frame_starts_the_next_clip_where_this_one_ends(studio, new_context, tmp_path):
    page = open_studio(new_context(), studio)
    red_to_blue(page, tmp_path)
    first = generate(page, "Slow dolly-in; the red wall turns blue", 3)
    wait_for_video(page, first)

    page.click(f'#gallery .video-card[data-job="{first}"] button[data-action="continue"]')
    page.wait_for_function("() => /last frame is the start image/.test(document.querySelector('#notice').textContent)")
    page.wait_for_selector("#start-image img")
    assert page.locator('#mode input[value="image-to-video"]').is_checked()
    assert page.locator("#end-image img").count() == 0  # the next clip ends where its own prompt goes

    second = generate(page, "The camera keeps moving; the blue wall glows", 3)
    sel = wait_for_video(page, second)
    r, g, b = page.evaluate(FRAMES_JS, sel)["first"]
    assert b > 150 and r < 100, (r, g, b)  # it starts on the first clip's last frame: blue
    body = json.loads(job_row(studio, second)["payload"])
    assert body["start_image_url"] and "end_image_url" not in body
