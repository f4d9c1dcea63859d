"""The studio's screenshots for ``docs/screenshots/``, made in a real browser (never by the test suite).

    python -m tests.browser.screenshots [--out docs/screenshots]

Starts ``python app.py`` offline (the browser tests' :class:`StudioApp`: embedded simulator,
own ``STUDIO_HOME`` and port in /tmp), makes one finished video from the page so the gallery is
not empty, then opens the studio as that same browser (its localStorage, so its gallery) at
1440x900 and 390x844, in English (``en-US``) and Chinese (``zh-CN``), and saves for each:

- ``studio-<W>x<H>-<lang>.png``: what is above the fold;
- ``studio-<W>x<H>-<lang>-full.png``: the whole page.

The file name does not start with ``test_``, so pytest never collects it. It owns only the files
it writes into ``--out``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from .conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, StudioApp

SIZES = [(1440, 900), (390, 844)]
LOCALES = [("en-US", "en"), ("zh-CN", "zh")]
READY = "#generate-reason [data-session='true']"
PROMPT = "Wide shot, slow push-in over a harbour at dawn, gulls crossing the frame, soft golden light"
# Every gallery video has a frame to show (a blank box otherwise).
VIDEOS_SHOWN = "() => { const v = [...document.querySelectorAll('#gallery video')]; return v.length > 0 && v.every((x) => x.readyState >= 2); }"


def make_video(browser: Any, app: StudioApp, timeout_ms: float = 90_000) -> dict[str, Any]:
    """Submit one short text-to-video job from the page; returns the browser's storage state once it is in the gallery."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    try:
        page = ctx.new_page()
        page.goto(app.url + "/", wait_until="load")
        page.wait_for_selector(READY, state="attached", timeout=timeout_ms)
        page.fill("#prompt textarea", PROMPT)
        page.click("#generate")
        page.wait_for_function(VIDEOS_SHOWN, timeout=timeout_ms)
        state: dict[str, Any] = ctx.storage_state()
        return state
    finally:
        ctx.close()


def shoot(browser: Any, app: StudioApp, state: dict[str, Any], out: Path, timeout_ms: float = 60_000) -> list[Path]:
    """Both sizes × both languages, above the fold and full page; returns the files written."""
    written = []
    for width, height in SIZES:
        phone = width < 600
        for locale, short in LOCALES:
            ctx = browser.new_context(
                viewport={"width": width, "height": height},
                locale=locale,
                storage_state=state,
                is_mobile=phone,
                has_touch=phone,
                device_scale_factor=1,
            )
            try:
                page = ctx.new_page()
                page.goto(app.url + "/", wait_until="load")
                page.wait_for_selector(READY, state="attached", timeout=timeout_ms)
                page.wait_for_function(VIDEOS_SHOWN, timeout=timeout_ms)
                page.evaluate("() => document.fonts.ready")
                page.wait_for_timeout(500)  # the last refresh settles
                stem = f"studio-{width}x{height}-{short}"
                for name, full in ((f"{stem}.png", False), (f"{stem}-full.png", True)):
                    page.screenshot(path=str(out / name), full_page=full, animations="disabled", caret="hide")
                    written.append(out / name)
            finally:
                ctx.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Save the studio's screenshots (both sizes, both languages).")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNGs (default docs/screenshots)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="studio-screenshots-", dir="/tmp"))
    app = StudioApp(tmp / "studio-home")
    try:
        app.start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                state = make_video(browser, app)
                for path in shoot(browser, app, state, out):
                    print(path)
            finally:
                browser.close()
    finally:
        app.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
