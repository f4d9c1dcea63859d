"""Copy as code in a real browser: the three boxes follow the form, the copy button copies, and
in Chinese the panel's words are Chinese (the code itself is code, left out as test_chinese does)."""

from __future__ import annotations

import json
import shlex
from typing import Any

import pytest

from .conftest import SESSION_READY, StudioApp
from .test_chinese import COLLECT_JS, EXCLUDED, english_runs, gradio_chrome

BOXES = ("#code-runcomfy", "#code-studio", "#code-python")


def _code(page: Any, box: str) -> str:
    """The text of one code box (CodeMirror draws each line in its own element)."""
    return page.evaluate("(sel) => [...document.querySelectorAll(sel + ' .cm-line')].map((l) => l.textContent).join('\\n')", box)


def _open(page: Any, app: StudioApp) -> None:
    page.goto(app.url + "/", wait_until="load")
    page.wait_for_selector(SESSION_READY, state="attached")
    page.locator("#copy-code .label-wrap").first.click()
    page.wait_for_selector("#code-runcomfy .cm-line")


def test_the_boxes_follow_the_form_and_copy(studio: StudioApp, new_context: Any) -> None:
    ctx = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    _open(page, studio)
    page.fill("#prompt textarea", "Wide shot: the captain's log, $5 at dawn")
    page.wait_for_function("() => document.querySelector('#code-runcomfy .cm-content')?.textContent.includes('captain')")
    command = _code(page, "#code-runcomfy")
    argv = shlex.split(command.replace("\\\n", " "), comments=True)
    assert argv[:3] == ["runcomfy", "run", "kling/kling-3.0/standard/text-to-video"]
    assert json.loads(argv[4])["prompt"] == "Wide shot: the captain's log, $5 at dawn"
    page.locator("#code-runcomfy button").first.click()  # the copy button
    assert page.evaluate("() => navigator.clipboard.readText()").strip() == command.strip()

    studio_argv = shlex.split(_code(page, "#code-studio").replace("\\\n", " "), comments=True)
    assert studio_argv == ["python", "-m", "studio", *argv[1:], "--offline"]
    script = _code(page, "#code-python")
    assert f'Client("{studio.url}"' in script and "captain's log" in script
    compile(script, "snippet.py", "exec")


@pytest.mark.parametrize("size", [{"width": 1440, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_the_panel_speaks_chinese(studio: StudioApp, new_context: Any, size: dict[str, int]) -> None:
    ctx = new_context(locale="zh-CN", viewport=size, extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    page = ctx.new_page()
    _open(page, studio)
    panel = page.locator("#copy-code").inner_text()
    assert all(word in panel for word in ("复制为代码", "RunComfy 命令行", "工作室命令行", "API 脚本")), panel
    assert "# RunComfy 命令行" in _code(page, "#code-runcomfy") and "# 离线" in _code(page, "#code-studio")
    found = [
        (run, item["where"])
        for item in page.evaluate(COLLECT_JS, EXCLUDED)
        if "#copy-code" in item["where"] or "#code-" in item["where"]
        if not gradio_chrome(item["where"], item["text"])
        for run in english_runs(item["text"])
    ]
    assert found == []
