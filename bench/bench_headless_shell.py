"""Debian's Chromium headless shell against the full Chromium in headless mode, on the suite's work.

    python bench/bench_headless_shell.py              # 8 rounds
    python bench/bench_headless_shell.py --rounds 12

Both browsers run at once, with the suite's ``CHROMIUM_ARGS``, against one ``python app.py``
offline. Each round gives each browser the work of a typical browser test, in alternating
order: a new context, a studio page load, 15 clip-length changes (each waited for), measured
before the context closes. Chromium CPU is read from ``/proc`` for the processes of that
browser alone (``/usr/lib/chromium/chromium-headless-shell`` or ``/usr/lib/chromium/chromium``).
Alternating within one run keeps the machine's drift (this one's CPU time for the same work
swings by a fifth between runs) out of the ratio.

Needs ``apt-get install -y chromium chromium-headless-shell``. Temporary files go under /tmp only.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _idle_servers import studio_server  # noqa: E402

from tests.browser.conftest import CHROMIUM_ARGS, SESSION_READY  # noqa: E402

LIB = "/usr/lib/chromium/"
BROWSERS = {"headless shell": ("/usr/bin/chromium-headless-shell", "chromium-headless-shell"), "full Chromium": ("/usr/bin/chromium", "chromium")}
CHANGE_DURATION = """(v) => { const b = document.querySelector('#duration input[type=number]'); b.value = String(v);
  b.dispatchEvent(new Event('input', {bubbles: true})); b.dispatchEvent(new Event('change', {bubbles: true})); b.blur(); }"""


def cpu_seconds(binary: str) -> float:
    """CPU of the running processes whose program is ``/usr/lib/chromium/<binary>`` (a renderer's
    title has its arguments after a space, the browser's after a NUL)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                program = f.read().replace(b"\0", b" ").split(b" ", 1)[0].decode(errors="replace")
            if program != LIB + binary:
                continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def one_test(browser: Any, binary: str, url: str, seed: int, changes: int) -> float:
    """A context, a page load and ``changes`` clip-length changes: the Chromium CPU they took."""
    before = cpu_seconds(binary)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(url + "/", wait_until="load")
        page.wait_for_selector(SESSION_READY, state="attached")
        rng = random.Random(seed)
        for _ in range(changes):
            seconds = rng.randint(3, 15)
            page.evaluate(CHANGE_DURATION, seconds)
            page.wait_for_function(
                "(s) => document.querySelector('#duration input[type=number]').value == String(s) && document.querySelector('#cost .cost-box')",
                arg=seconds, polling=25,
            )
            page.wait_for_timeout(100)
        return cpu_seconds(binary) - before
    finally:
        context.close()
        time.sleep(0.3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=8, help="rounds (default 8)")
    parser.add_argument("--changes", type=int, default=15, help="clip-length changes per page (default 15)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, studio_server(Path(tempfile.mkdtemp(prefix="bench-shell-"))) as served:
        browsers = {name: p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS) for name, (path, _) in BROWSERS.items()}
        try:
            for name, browser in browsers.items():  # warm both up (and the studio's caches)
                one_test(browser, BROWSERS[name][1], served.url, 0, args.changes)
            used: dict[str, list[float]] = {name: [] for name in browsers}
            for n in range(args.rounds):
                for name in list(browsers)[:: 1 if n % 2 == 0 else -1]:
                    used[name].append(one_test(browsers[name], BROWSERS[name][1], served.url, n, args.changes))
        finally:
            for browser in browsers.values():
                browser.close()
    print(f"a page load and {args.changes} clip-length changes, {args.rounds} rounds, Chromium CPU per round:")
    mean = {name: sum(v) / len(v) for name, v in used.items()}
    for name, values in used.items():
        print(f"  {name:15s} {mean[name]:.2f} s   ({', '.join(f'{v:.2f}' for v in values)})")
    shell, full = mean["headless shell"], mean["full Chromium"]
    wins = sum(a < b for a, b in zip(used["headless shell"], used["full Chromium"], strict=True))
    print(f"headless shell / full: {shell / full:.2f} (less in {wins} of {args.rounds} rounds)")


if __name__ == "__main__":
    main()
