"""The studio in Chinese: with the browser asking for zh-CN, nothing a visitor reads is English.

At 1440×900 and 390×844, the page is opened in a Chromium context whose locale is zh-CN, every
panel is opened (Advanced, Storyboard, image to video, multi-shot prompts, the sample and
platform lists), validation errors are triggered (an empty prompt on Generate, a bad storyboard
script), and after each step all visible text, the values the studio put in the boxes, and the
``placeholder``, ``aria-label`` and ``title`` attributes of visible elements are collected. The
test fails listing every run of Latin words that is not on a short allow-list (brand and unit
names, dollar amounts, and what the test itself typed), with where it was found. Gradio's own
footer (``Use via API``, ``Built with Gradio``, settings) is Gradio's and is left out.

It scans the whole page, so new controls and panels are checked without changing this test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import SESSION_READY, VIEWPORT, StudioApp, settled, track_requests

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
TYPED = "广角镜头，缓慢推近：黎明时的港口"
BAD_SCRIPT = "五秒 | 广角 | 港口"

# Latin words a Chinese page may show: brand, model, format and unit names. Compared lowercased.
ALLOWED = {
    "kling", "runcomfy", "standard", "pro", "4k", "mp4", "json", "api", "cfg", "s", "usd", "a", "b",
    "1080p", "3840x2160", "reels", "tiktok", "youtube",
}
UNIT = re.compile(r"[\d.]+(?:s|p|k|px|kb|mb|x\d+)")  # 5s, 1080p, 4K, 3840x2160
# Gradio's own chrome, left to Gradio (its footer: "Use via API · Built with Gradio · Settings"),
# and code: the "Copy as code" boxes (CodeMirror editors) hold commands, whose words are code.
EXCLUDED = ["footer", ".footer", "#footer", ".cm-editor"]
# English that Gradio 6.31 hard-codes inside its components (no translation key, so an app
# cannot translate it): (where it is, what it says). The toast's title is its type ("Error"),
# whatever title the app gives; "common.complete" is a key Gradio's own locales lack.
GRADIO_CHROME = [
    (r"@aria-label$", r"(range slider|number input) for\b.*"),
    (r"@aria-label$", r"Reset to default value|Click to upload or drop files|Upload file|Paste from clipboard|Close"),
    (r"span\.toast-title", r"Error|Warning|Info"),
    (r"sr-only", r"common\.\w+"),
    (r"#code-[\w-]+ button[^@]*@(aria-label|title)$", r"Copy"),  # gr.Code's copy button
]

COLLECT_JS = """
(excluded) => {
  const out = [];
  const skip = (el) => excluded.some((sel) => el.closest(sel));
  const visible = (el) => el.checkVisibility ? el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
                                             : !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const where = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) {
      if (e.id) { parts.unshift('#' + e.id); }
      else if (!parts.length) { parts.unshift(e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : '')); }
    }
    return parts.join(' ');
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.nodeValue.trim();
    if (!text || !el || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
    if (skip(el) || !visible(el)) continue;
    out.push({text, where: where(el)});
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], textarea, input[type=text], input:not([type])')) {
    if (skip(el) || !visible(el)) continue;
    for (const attr of ['placeholder', 'aria-label', 'title']) {
      const value = el.getAttribute(attr);
      if (value && value.trim()) out.push({text: value.trim(), where: where(el) + ' @' + attr});
    }
    const typed = el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && ['text', 'search', ''].includes(el.getAttribute('type') || ''));
    if (typed && el.value && el.value.trim()) {
      out.push({text: el.value.trim(), where: where(el) + ' @value'});
    }
  }
  return out;
}
"""

LATIN_RUN = re.compile(r"[A-Za-z0-9_$.]*[A-Za-z][A-Za-z0-9_'’.\-]*(?:[ \t,:;/&()\-]+[A-Za-z0-9_$.]*[A-Za-z][A-Za-z0-9_'’.\-]*)*")
WORD = re.compile(r"[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*")


def english_runs(text: str) -> list[str]:
    """The runs of Latin words in ``text`` that hold a word outside the allow-list."""
    text = text.replace(TYPED, " ")
    runs = []
    for match in LATIN_RUN.finditer(text):
        words = [w.lower() for w in WORD.findall(match.group())]
        if any(w not in ALLOWED and not UNIT.fullmatch(w) for w in words):
            runs.append(match.group().strip())
    return runs


def gradio_chrome(where: str, text: str) -> bool:
    """Whether ``text`` at ``where`` is one of Gradio's own hard-coded English strings."""
    return any(re.search(place, where) and re.fullmatch(words, text) for place, words in GRADIO_CHROME)


class Findings:
    """English found on the page, by step, de-duplicated."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str], str] = {}

    def scan(self, page: Any, step: str) -> None:
        for item in page.evaluate(COLLECT_JS, EXCLUDED):
            if gradio_chrome(item["where"], item["text"]):
                continue
            for run in english_runs(item["text"]):
                self.found.setdefault((run, item["where"]), step)

    def report(self) -> str:
        lines = [f"  {run!r} at {where} (after: {step})" for (run, where), step in sorted(self.found.items(), key=lambda kv: kv[0][1])]
        return f"{len(lines)} English string(s) in the zh-CN page:\n" + "\n".join(lines)


def test_the_allow_list_is_narrow() -> None:
    assert english_runs("Kling 3.0 Pro · 1080p · $0.112/秒 · 4K · 3840x2160 · MP4 · JSON · 5 s") == []
    assert english_runs("生成音频 Generate audio") == ["Generate audio"]
    assert english_runs("起始图像：Please check this") == ["Please check this"]
    assert english_runs(f"{TYPED}") == []
    assert english_runs("0.4s · 1080p · 4K · 3840x2160") == []
    assert english_runs("4 shots") == ["shots"]
    assert gradio_chrome("#duration input.x @aria-label", "number input for 片段时长（秒）")
    assert not gradio_chrome("#duration input.x @placeholder", "number input for 片段时长（秒）")
    assert not gradio_chrome("#prompt @aria-label", "Close the prompt")


def _click_label(page: Any, container: str, value: str) -> None:
    page.locator(f"{container} label").filter(has=page.locator(f'input[value="{value}"]')).first.click()


def _open_accordion(page: Any, selector: str) -> None:
    """Open the accordion holding ``selector`` (or being it), if it is closed."""
    accordion = page.locator(selector).first
    if accordion.count() == 0:
        return
    button = accordion.locator("button.label-wrap, .label-wrap").first
    if button.count() and "open" not in (button.get_attribute("class") or ""):
        button.click()
        page.wait_for_function("(label) => label.classList.contains('open')", arg=button.element_handle())
        settled(page)


def _open_all_accordions(page: Any) -> None:
    """Open every visible closed accordion (an open one's label has the class ``open``)."""
    for _ in range(20):
        closed = [b for b in page.locator(".label-wrap:not(.open)").all() if b.is_visible()]
        if not closed:
            return
        label = closed[0].element_handle()  # this one (the locator would move on to the next closed one)
        label.click()
        page.wait_for_function("(label) => label.classList.contains('open')", arg=label)
        settled(page)


def _toasts(page: Any) -> list[str]:
    return page.locator('[data-testid="toast-body"]').all_inner_texts()


def _close_toasts(page: Any) -> None:
    for close in page.locator('[data-testid="toast-close"]').all():
        if close.is_visible():
            close.click()


def _wait_ready(page: Any, app: StudioApp) -> None:
    page.goto(app.url + "/", wait_until="load")
    page.wait_for_selector("#tier")
    # The page's load event ran: the jobs list and the price are filled in.
    page.wait_for_function("() => document.querySelector('#jobs')?.textContent.trim() && document.querySelector('#cost')?.textContent.trim()")
    page.wait_for_selector(SESSION_READY, state="attached")
    settled(page)


def _click_generate(page: Any) -> None:
    """Click Generate if it can be clicked (when it cannot, the reason beside it is what a visitor reads)."""
    if page.locator("#generate").is_enabled():
        page.click("#generate")
        page.wait_for_function("() => document.querySelector('[data-testid=\"toast-body\"]') || document.querySelector('#jobs .job-card')")
        settled(page)


@pytest.mark.parametrize("size", list(SIZES))
def test_nothing_english_in_chinese(studio: StudioApp, browser: Any, size: str) -> None:
    assert VIEWPORT  # the package's default size is replaced by this test's two sizes
    ctx = browser.new_context(locale="zh-CN", viewport=SIZES[size], extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    ctx.set_default_timeout(60_000)  # a loaded 2-core machine runs 3 workers
    try:
        page = ctx.new_page()
        track_requests(page)
        found = Findings()
        _wait_ready(page, studio)
        found.scan(page, "page loaded")

        _open_all_accordions(page)  # Advanced, Storyboard, anything added later
        page.wait_for_selector("#storyboard-price")
        found.scan(page, "every accordion opened")

        for dropdown in ("#starter", "#platform"):
            if page.locator(f"{dropdown} input").count():
                page.locator(f"{dropdown} input").first.click()
                page.wait_for_selector("[role=listbox]", state="visible")  # Gradio puts the list outside the box
                found.scan(page, f"{dropdown} list opened")
                page.keyboard.press("Escape")
                page.wait_for_selector("[role=listbox]", state="detached")

        # An empty prompt on Generate: the refusal (or the reason Generate waits), the price box.
        page.fill("#prompt textarea", "")
        page.wait_for_selector("#generate[disabled]")
        settled(page)
        _click_generate(page)
        found.scan(page, "Generate with an empty prompt")
        _close_toasts(page)

        # A prompt typed in Chinese: the price, the Generate button's state and notes.
        page.fill("#prompt textarea", TYPED)
        page.wait_for_selector("#generate:not([disabled])")
        settled(page)
        found.scan(page, "a Chinese prompt typed")

        # Image to video: the image boxes, the fit, the end-frame note and its switch.
        _click_label(page, "#mode", "image-to-video")
        page.wait_for_selector("#start-image", state="visible")
        page.wait_for_selector("#generate[disabled]")  # no start image yet
        settled(page)
        _open_all_accordions(page)
        found.scan(page, "image to video")
        _click_generate(page)
        found.scan(page, "Generate in image to video without a start image")
        _close_toasts(page)
        _click_label(page, "#mode", "text-to-video")

        # Multi-shot prompts: the builder, its buttons, the shot bar, the reason Generate waits.
        _click_label(page, "#prompt-mode", "shots")
        page.wait_for_selector("#shots", state="visible")
        if page.locator("#add-shot").count():
            page.click("#add-shot")
            page.wait_for_selector("#shot-2", state="visible")
        settled(page)
        found.scan(page, "multi-shot prompts")
        _click_label(page, "#prompt-mode", "single")

        # A bad storyboard script: the panel's refusal, then Run.
        _open_accordion(page, "#storyboard")
        page.fill("#storyboard-script textarea", BAD_SCRIPT)
        page.click("#storyboard-price-btn")
        page.wait_for_function("() => document.querySelector('#storyboard-price')?.textContent.includes('⚠')", timeout=10_000)
        found.scan(page, "a bad storyboard script priced")
        page.click("#storyboard-run")
        page.wait_for_selector('[data-testid="toast-body"]')
        settled(page)
        found.scan(page, "a bad storyboard script run")
        toasts = _toasts(page)
        assert toasts, "running a bad storyboard script showed no refusal"
        assert all(re.search(r"[\u4e00-\u9fff]", text) for text in toasts), toasts

        assert not found.found, found.report()
    finally:
        ctx.close()


def test_the_storyboard_example_and_its_price_are_chinese(studio: StudioApp, browser: Any) -> None:
    ctx = browser.new_context(locale="zh-CN", viewport=SIZES["desktop"])
    try:
        page = ctx.new_page()
        track_requests(page)
        _wait_ready(page, studio)
        _open_accordion(page, "#storyboard")
        page.wait_for_selector("#storyboard-price")
        script = page.locator("#storyboard-script textarea").input_value()
        assert "广角镜头" in script and not english_runs(script)
        price = page.locator("#storyboard-price").inner_text()
        assert "共 40 秒，分 3 段" in price, price
        # The Chinese example prices as the English one does, and its price follows edits.
        page.fill("#storyboard-script textarea", "5 | 广角镜头 | 港口\n4 | 特写 | 浪花")
        page.click("#storyboard-price-btn")
        page.wait_for_function("() => document.querySelector('#storyboard-price').textContent.includes('共 9 秒，分 1 段')")
    finally:
        ctx.close()
