"""The gallery's filter bar, paging and Delete's question, in a real browser (Debian's Chromium).

A small Blocks page holds exactly what the studio uses: the filter bar
(:func:`~studio.ui.gallery_panel.build_gallery_filters`), ``#gallery`` rendered by
:func:`~studio.ui.gallery_view.gallery` from 18 seeded journal records (no simulator needed),
the hidden ``#job-action`` box and button, the page script of :mod:`studio.ui.actions` and the
studio's stylesheet.
The action button's handler only echoes what the page sent, so the test sees exactly which
clicks reach the server.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from studio.jobs.journal import JobRecord
from studio.ui.actions import ACTION_HEAD
from studio.ui.gallery_panel import build_gallery_filters
from studio.ui.gallery_view import gallery
from studio.ui.i18n import I18N
from studio.ui.server import CSS_PATH

from ..sim_support import free_port
from .conftest import VIEWPORT

TIERS = ("standard", "pro", "4k")
MODES = ("text-to-video", "image-to-video")
PROMPTS = ("a lighthouse at dusk", "a pine forest at dawn", "a teacup on a windowsill")


def seeded(n: int) -> JobRecord:
    """Video n: tiers, modes and prompts in turn; every fourth one a favourite."""
    tier, mode = TIERS[n % 3], MODES[n % 2]
    return JobRecord(
        job_id=f"{n:032x}", model_id=f"kling/kling-3.0/{tier}/{mode}", status="succeeded",
        request={"prompt": f"Wide shot of {PROMPTS[n % 3]}, take {n}", "duration": 5}, payload={"duration": 5},
        quote_usd="0.42", cost_usd="0.42", created_at=1000.0 + n, updated_at=1000.0 + n, request_id=f"req-{n}",
        owner="o", files=(f"/nowhere/{n}.mp4",), meta={"favourite": n % 4 == 0},
    )


def jid(n: int) -> str:
    return f"{n:032x}"


def render(count: int) -> str:
    # No real videos: a tiny inline placeholder keeps the page from asking the server for 18 files.
    return gallery([seeded(n) for n in range(1, count + 1)], lambda r: f"data:video/mp4;base64,?job={r.job_id}", live=False)


@pytest.fixture(scope="module")
def page_url(browser: Any) -> Iterator[str]:
    import gradio as gr

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    with gr.Blocks() as demo:
        build_gallery_filters()
        shown = gr.HTML(render(18), elem_id="gallery")
        action = gr.Textbox(visible="hidden", elem_id="job-action")
        go = gr.Button("go", visible="hidden", elem_id="job-action-go")
        sent = gr.Textbox(label="sent", elem_id="sent")
        grow = gr.Button("one more video", elem_id="grow")
        go.click(lambda a, before: f"{before} {a}".strip(), [action, sent], sent)
        grow.click(lambda: render(19), None, shown)
    port = free_port()
    css = CSS_PATH.read_text(encoding="utf-8")  # the studio's own: it orders the cards newest first
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, head=ACTION_HEAD, css=css, i18n=I18N)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        demo.close()


def open_page(browser: Any, url: str, **options: Any) -> Any:
    ctx = browser.new_context(viewport=VIEWPORT, **options)
    ctx.set_default_timeout(60_000)  # a loaded 2-core machine runs 3 workers
    page = ctx.new_page()
    page.goto(url + "/", wait_until="load")
    page.wait_for_selector("#gallery .video-card", state="attached")
    page.wait_for_function("() => window.klingGallery && document.querySelector('#gallery-more')")
    return page


def visible_ids(page: Any) -> list[int]:
    """Numbers of the videos on screen, in screen order (newest first)."""
    ids = page.evaluate(
        """() => Array.from(document.querySelectorAll('#gallery .video-card'))
                 .filter((c) => c.offsetParent !== null)
                 .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top
                                 || a.getBoundingClientRect().left - b.getBoundingClientRect().left)
                 .map((c) => c.dataset.job)"""
    )
    return [int(j, 16) for j in ids]


def wait_visible(page: Any, wanted: list[int]) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            """w => JSON.stringify(Array.from(document.querySelectorAll('#gallery .video-card'))
                     .filter((c) => c.offsetParent !== null).map((c) => parseInt(c.dataset.job, 16)).sort((a, b) => a - b))
                   === JSON.stringify(w)""",
            arg=sorted(wanted),
            timeout=10_000,
        )
    except PlaywrightTimeout:
        pytest.fail(f"expected videos {sorted(wanted)} on screen, got {sorted(visible_ids(page))}")


def choose(page: Any, dropdown: str, option: str) -> None:
    page.locator(f"#{dropdown} input").click()
    page.locator(f"#{dropdown}").get_by_role("option", name=option, exact=True).click()


def test_twelve_newest_first_then_show_more(browser, page_url):
    page = open_page(browser, page_url)
    assert visible_ids(page) == list(range(18, 6, -1))  # the 12 newest, newest first
    more = page.locator("#gallery-more")
    assert more.inner_text() == "Show more (6 left)"
    more.click()
    wait_visible(page, list(range(1, 19)))
    assert page.locator("#gallery-more").count() == 0
    page.context.close()


def test_filters_by_tier_kind_words_and_favourites_without_the_server(browser, page_url):
    page = open_page(browser, page_url)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/gradio_api/" in r.url else None)

    choose(page, "gallery-tier", "Pro")
    pro = [n for n in range(1, 19) if TIERS[n % 3] == "pro"]
    wait_visible(page, pro)
    choose(page, "gallery-mode", "Image to video")
    wait_visible(page, [n for n in pro if MODES[n % 2] == "image-to-video"])
    choose(page, "gallery-tier", "All")
    choose(page, "gallery-mode", "All")
    wait_visible(page, list(range(7, 19)))

    page.locator("#gallery-search textarea, #gallery-search input").first.fill("LIGHTHOUSE")
    lighthouse = [n for n in range(1, 19) if n % 3 == 0]
    wait_visible(page, lighthouse)
    page.locator("#gallery-fav input[type=checkbox]").check()
    wait_visible(page, [n for n in lighthouse if n % 4 == 0])  # 12
    page.locator("#gallery-search textarea, #gallery-search input").first.fill("no such words")
    page.wait_for_selector("#gallery-none")
    assert page.locator("#gallery-none").inner_text() == "No video matches these filters."
    page.locator("#gallery-search textarea, #gallery-search input").first.fill("")
    page.locator("#gallery-fav input[type=checkbox]").uncheck()
    wait_visible(page, list(range(7, 19)))
    # Filtering and paging asked the server for nothing.
    assert [u for u in requests if re.search(r"/gradio_api/(queue|run|call)", u)] == []
    page.context.close()


def test_filters_hold_when_the_gallery_is_rendered_again(browser, page_url):
    page = open_page(browser, page_url)
    choose(page, "gallery-tier", "4K")
    fours = [n for n in range(1, 19) if TIERS[n % 3] == "4k"]
    wait_visible(page, fours)
    page.click("#grow")  # the server sends a new gallery with video 19 (a Pro one)
    page.wait_for_selector(f'#gallery .video-card[data-job="{jid(19)}"]', state="attached")
    wait_visible(page, fours)
    choose(page, "gallery-tier", "All")
    wait_visible(page, list(range(8, 20)))
    assert page.locator("#gallery-more").inner_text() == "Show more (7 left)"
    page.context.close()


def test_delete_asks_first_and_sends_nothing_unless_confirmed(browser, page_url):
    page = open_page(browser, page_url)
    asked: list[str] = []
    answer = {"accept": False}

    def on_dialog(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept() if answer["accept"] else dialog.dismiss()

    page.on("dialog", on_dialog)
    card = page.locator(f'#gallery .video-card[data-job="{jid(18)}"]')
    card.locator('button[data-action="delete"]').click()
    page.wait_for_timeout(800)
    assert asked == ["Delete this video? Its cost stays in your spend."]
    assert page.locator("#sent textarea").input_value() == ""  # "No": nothing was sent

    answer["accept"] = True
    card.locator('button[data-action="delete"]').click()
    page.wait_for_function("() => document.querySelector('#sent textarea').value.includes('delete|')")
    assert page.locator("#sent textarea").input_value() == f"delete|{jid(18)}"
    # A favourite needs no question.
    card.locator('button[data-action="favourite"]').click()
    page.wait_for_function("() => document.querySelector('#sent textarea').value.includes('favourite|')")
    assert len(asked) == 2
    assert page.locator("#sent textarea").input_value().split() == [f"delete|{jid(18)}", f"favourite|{jid(18)}"]
    page.context.close()


def test_chinese_paging_and_question(browser, page_url):
    page = open_page(browser, page_url, locale="zh-CN")
    assert page.locator("#gallery-more").inner_text() == "显示更多（还有 6 个）"
    assert page.locator("#gallery-fav").inner_text().strip() == "只看收藏"
    page.context.close()
