"""What the browser tests cost Chromium: a new context, a page load, a form change.

    python bench/bench_browser_work.py            # 8 contexts each way, 20 changes of each kind
    python bench/bench_browser_work.py --contexts 16 --changes 40

In one run, against one ``python app.py`` offline:

1. side by side, a fresh context with one tiny page, ``--contexts`` times: in a Chromium started
   with ``CHROMIUM_ARGS`` but Playwright's own ``--disable-features`` (so the address bar's two
   hidden WebUI pages are preloaded in every context), and in one started with the suite's
   ``CHROMIUM_ARGS`` (they are not): Chromium CPU per context (``/proc``);
2. a studio page load: Chromium CPU per load;
3. ``--changes`` clip-length changes, then as many prompt edits, in one page: the renderer's
   main-thread task time per change (CDP ``Performance.getMetrics``, ``TaskDuration``) and
   Chromium CPU per change;
4. the same page waiting 4 s for a condition that never holds, checked on every animation frame
   (Playwright's default) and every ``WAIT_POLL_MS`` (the suite's): Chromium CPU per second.

Chromium CPU counts its processes still running and those it has reaped (``/proc``).

Temporary files go under /tmp only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _idle_servers as idle_servers  # noqa: E402
from _idle_servers import studio_server  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PLAYWRIGHT_DISABLED_FEATURES, SESSION_READY, WAIT_POLL_MS  # noqa: E402

# The suite's arguments, but Playwright's own feature list (the omnibox popup's WebUI stays on).
PLAYWRIGHT_FEATURES = [
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES) if a.startswith("--disable-features=") else a for a in CHROMIUM_ARGS
]
CHANGE_DURATION = """(v) => { const b = document.querySelector('#duration input[type=number]'); b.value = v;
  b.dispatchEvent(new Event('input', {bubbles: true})); b.dispatchEvent(new Event('change', {bubbles: true})); b.blur(); }"""
CHANGE_PROMPT = """(v) => { const b = document.querySelector('#prompt textarea'); b.value = 'wide shot, take ' + v;
  b.dispatchEvent(new Event('input', {bubbles: true})); b.dispatchEvent(new Event('change', {bubbles: true})); }"""


def browser_cpu_seconds() -> float:
    """Chromium's CPU so far, its ended processes included (contexts are closed between reads)."""
    return idle_servers.browser_cpu_seconds(reaped=True)


def per_context(p: Any, args: list[str], count: int) -> float:
    browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
    try:
        time.sleep(1)
        before = browser_cpu_seconds()
        for _ in range(count):
            context = browser.new_context()
            context.new_page().goto("data:text/html,<p>a page</p>", wait_until="load")
            time.sleep(0.5)  # what a test's first moments give the preload
            context.close()
        return (browser_cpu_seconds() - before) / count
    finally:
        browser.close()


def task_seconds(cdp: Any) -> float:
    return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "TaskDuration")


def studio_work(p: Any, url: str, loads: int, changes: int) -> None:
    from playwright.sync_api import Error as PlaywrightError

    browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        before = browser_cpu_seconds()
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            page = context.new_page()
            page.goto(url + "/", wait_until="load")
            page.wait_for_selector(SESSION_READY, state="attached")
            context.close()
        print(f"studio page load: {(browser_cpu_seconds() - before) / loads:.2f} s of Chromium CPU each ({loads} loads)")
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(url + "/", wait_until="load")
        page.wait_for_selector(SESSION_READY, state="attached")
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.wait_for_timeout(2000)
        for name, js in (("clip-length change", CHANGE_DURATION), ("prompt edit", CHANGE_PROMPT)):
            cpu, task = browser_cpu_seconds(), task_seconds(cdp)
            for i in range(changes):
                page.evaluate(js, str(3 + i % 12))
                page.wait_for_timeout(400)
            cpu, task = browser_cpu_seconds() - cpu, task_seconds(cdp) - task
            print(f"{name}: renderer main thread {1000 * task / changes:.0f} ms, Chromium CPU {1000 * cpu / changes:.0f} ms each ({changes})")
        waiting = {}
        for polling in ("raf", WAIT_POLL_MS):
            cpu = browser_cpu_seconds()
            try:
                page.wait_for_function("() => document.querySelector('#never-on-this-page')", polling=polling, timeout=4000)
            except PlaywrightError:
                pass
            waiting[polling] = (browser_cpu_seconds() - cpu) / 4
        print(f"a page waiting for a condition: {waiting['raf']:.3f} s of Chromium CPU per second checked every frame, "
              f"{waiting[WAIT_POLL_MS]:.3f} s every {WAIT_POLL_MS} ms (the suite's default)")
    finally:
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contexts", type=int, default=8, help="contexts each way (default 8)")
    parser.add_argument("--loads", type=int, default=4, help="studio page loads (default 4)")
    parser.add_argument("--changes", type=int, default=20, help="changes of each kind (default 20)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        preloaded = per_context(p, PLAYWRIGHT_FEATURES, args.contexts)
        suite = per_context(p, CHROMIUM_ARGS, args.contexts)
        print(f"new context + tiny page: {preloaded:.2f} s of Chromium CPU with the omnibox WebUI preloaded, "
              f"{suite:.2f} s with the suite's CHROMIUM_ARGS ({preloaded / suite:.1f}x; {args.contexts} each)")
        with studio_server(Path(tempfile.mkdtemp(prefix="bench-browser-work-"))) as served:
            studio_work(p, served.url, args.loads, args.changes)


if __name__ == "__main__":
    main()
