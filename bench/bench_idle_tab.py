"""What an idle tab costs the browser: Gradio 6.31's status-tracker frame loop, and the fix.

    python bench/bench_idle_tab.py              # three servers, 10 s window each
    python bench/bench_idle_tab.py --window 20

In one run, side by side, each in its own process: bare Gradio (``bench/bare_gradio.py``), the
same bare app behind the studio's :class:`~studio.ui.head_first.HeadFirst` (``BARE_HEAD_FIRST=1``),
and ``python app.py`` offline. For each, a fresh headless Chromium (Debian's) loads one page,
lets it settle ``--settle`` seconds, then over ``--window`` seconds reads the CPU of that
Chromium's processes (``/proc``) and how many animation frames the page asked for (a counter
installed before the page's own scripts). Temporary files go under /tmp only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _idle_servers import Served, bare_server, browser_cpu_seconds, studio_server  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, COUNT_FRAMES_JS  # noqa: E402


def idle_tab(served: Served, settle: float, window: float) -> tuple[float, int]:
    """(Chromium CPU seconds, frames asked for) of one idle page of ``served`` over ``window`` s."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            context.add_init_script(COUNT_FRAMES_JS)
            page = context.new_page()
            page.goto(served.url + "/", wait_until="load")
            page.wait_for_function(served.ready, timeout=60_000)
            page.wait_for_timeout(settle * 1000)
            page.evaluate("() => { window.__frames = 0; }")
            cpu = browser_cpu_seconds()
            time.sleep(window)
            return browser_cpu_seconds() - cpu, int(page.evaluate("() => window.__frames"))
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--settle", type=float, default=6.0, help="seconds after the page is ready (default 6)")
    parser.add_argument("--window", type=float, default=10.0, help="seconds measured (default 10)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-idle-tab-"))
    servers: list[tuple[str, Callable[[], AbstractContextManager[Served]]]] = [
        ("bare Gradio 6.31", lambda: bare_server(tmp / "bare")),
        ("bare Gradio + HeadFirst", lambda: bare_server(tmp / "bare-fixed", extra_env={"BARE_HEAD_FIRST": "1"})),
        ("studio (python app.py)", lambda: studio_server(tmp / "studio")),
    ]
    print(f"one idle page per server, {args.settle:.0f} s after it is ready, measured over {args.window:.0f} s")
    print(f"{'server':26} {'Chromium CPU':>14} {'% of a core':>12} {'frames asked':>13} {'per second':>11}")
    for name, start in servers:
        with start() as served:
            cpu, frames = idle_tab(served, args.settle, args.window)
        print(f"{name:26} {cpu:12.2f} s {100 * cpu / args.window:11.1f} % {frames:13d} {frames / args.window:11.1f}")


if __name__ == "__main__":
    main()
