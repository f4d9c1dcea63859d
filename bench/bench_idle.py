"""What live updates cost (issue #14): idle visitors' server CPU, tabs per browser, done → visible.

    python bench/bench_idle.py            # the full run (about 10 minutes)
    python bench/bench_idle.py --quick    # a smoke run (fewer visitors, short windows)

In one run, side by side, ``python app.py`` offline (embedded simulator, queue 0.5 s + run
1.5 s, own ``STUDIO_HOME`` and port under /tmp) and bare Gradio (``bench/bare_gradio.py``, the
same Gradio, analytics off), each in its own process:

(1) **server CPU at idle** with 0, 10 and 100 visitors: a visitor is a page in Debian's
    Chromium (the suite's ``CHROMIUM``, its headless shell) that has loaded the page (as in (2)) and sits idle, ``--per-context`` pages to a browser context.
    After ``--settle`` seconds the server's utime + stime (``/proc``, its process and
    descendants, never the browser's) is read over ``--window`` seconds, as % of one core.
    Also shown: the requests the idle pages completed per second (their Resource Timing
    entries to the server), the TCP connections held open to the server's port, its RSS, and
    the bench's own Chromium CPU (apart). Each visitor is a new browser (fresh owner, empty
    gallery). A count whose live pages this machine cannot host is projected, not measured
    (see :func:`idle_cpu`).
(2) **tabs per browser that load**: ``--tabs`` tabs opened one after another in ONE context,
    each given ``--tab-timeout`` seconds to load (studio: ``#generate`` is there and
    its load event has run: Generate enabled, or the owner key stored; bare: its button); how many loaded, and each one's time.
(3) **job done → video visible**: in one page, ``--jobs`` short text-to-video jobs one after
    another; for each, the journal's ``finished_at`` (``STUDIO_HOME/journal.sqlite3`` read
    only: the row turning ``succeeded``, file on disk) against the wall clock, taken in the
    page, when a ``<video>`` for that job first appears in ``#gallery``, and when it is playable
    (``readyState >= 1``). Medians are printed.

Temporary files go under /tmp only. Figures for README: see "Live updates (issue #14)".
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from _idle_servers import (  # noqa: E402  (importable only after the sys.path inserts above)
    Served,
    bare_server,
    browser_cpu_seconds,
    cpu_seconds,
    rss_mb,
    studio_server,
)

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, StudioApp  # noqa: E402

ServerFactory = Callable[[Path], AbstractContextManager[Served]]
SERVERS: list[tuple[str, ServerFactory]] = [("studio", studio_server), ("bare", bare_server)]

BATCH = 5  # idle pages loading at the same time
KEEP_ALIVE_S = 6  # longer than uvicorn's keep-alive timeout (5 s)
IDLE_REQUESTS_PER_S = 0.05  # an idle page asking more often than this is "live" (see idle_cpu)

# Every page keeps all its Resource Timing entries (the default buffer holds 250).
KEEP_TIMINGS = "performance.setResourceTimingBufferSize(1000000);"
SERVER_REQUESTS = """
() => performance.getEntriesByType('resource')
  .filter((e) => e.name.startsWith(location.origin)).map((e) => new URL(e.name).pathname)
"""

# Wall clock (epoch ms) of the first sight of each <video> src in #gallery, and of it being
# playable. Watches the whole body: Gradio may replace the gallery's node, not only patch it.
VIDEO_PROBE = """
() => {
  const epoch = () => performance.timeOrigin + performance.now();
  const seen = window.__idleBench = {appeared: {}, playable: {}};
  const note = (kind, src) => { if (src && !(src in seen[kind])) seen[kind][src] = epoch(); };
  const scan = () => document.querySelectorAll('#gallery video').forEach((v) => {
    const source = v.querySelector('source');
    note('appeared', v.getAttribute('src') || (source && source.getAttribute('src')));
    if (v.readyState >= 1) note('playable', v.currentSrc);
  });
  document.addEventListener('loadedmetadata', (e) => {
    if (e.target instanceof HTMLMediaElement && e.target.closest('#gallery')) note('playable', e.target.currentSrc);
  }, true);
  new MutationObserver(scan).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
  scan();
}
"""
FIRST_SIGHT = """
([kind, id]) => {
  const hits = Object.entries(window.__idleBench[kind]).filter(([src]) => src.includes(id)).map(([, t]) => t);
  return hits.length ? Math.min(...hits) : null;
}
"""


def established(url: str) -> int:
    """TCP connections in ESTABLISHED state whose local port is the server's."""
    port = urlsplit(url).port
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                count += 1
    return count


class Visitors:
    """Idle Chromium pages on one server, ``per_context`` pages to a browser context."""

    def __init__(self, browser: Any, served: Served, per_context: int, timeout_s: float) -> None:
        self.browser, self.served, self.per_context, self.timeout_ms = browser, served, per_context, timeout_s * 1000
        self.contexts: list[Any] = []
        self.pages: list[Any] = []
        self.loaded = 0

    def grow_to(self, n: int) -> None:
        """Open pages until there are ``n``, ``BATCH`` at a time loading in parallel."""
        from playwright.sync_api import Error as PlaywrightError

        while len(self.pages) < n:
            batch = []
            for _ in range(min(BATCH, n - len(self.pages))):
                if not self.contexts or len(self.pages) % self.per_context == 0:
                    ctx = self.browser.new_context(viewport=VIEWPORT)
                    ctx.add_init_script(KEEP_TIMINGS)
                    self.contexts.append(ctx)
                page = self.contexts[-1].new_page()
                batch.append(page)
                self.pages.append(page)
            started = []
            for page in batch:
                try:
                    page.goto(self.served.url + "/", wait_until="commit", timeout=self.timeout_ms)
                    started.append(page)
                except PlaywrightError:
                    pass
            for page in started:
                try:
                    page.wait_for_function(self.served.ready, timeout=self.timeout_ms)
                    self.loaded += 1
                except PlaywrightError:
                    pass

    def pause(self, seconds: float) -> None:
        """Wait, letting Playwright deliver its events meanwhile."""
        if self.pages:
            self.pages[0].wait_for_timeout(seconds * 1000)
        else:
            time.sleep(seconds)

    def requests(self) -> list[list[str]]:
        """Per page, the paths of the server requests it has completed so far."""
        return [page.evaluate(SERVER_REQUESTS) for page in self.pages]

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()


def idle_cpu(browser: Any, served: Served, counts: list[int], args: argparse.Namespace) -> list[dict[str, Any]]:
    """One row per visitor count: server and browser CPU %, requests/s, open connections, RSS, one tab's requests.

    Before a level, the level below tells whether this machine can host that many live pages:
    if its idle pages kept asking the server for something (more than one request per 20 s each)
    and that many would need more than ``--browser-share`` of the cores in Chromium, the level is
    not measured (its pages would be starved of CPU and ask the server for less than a real
    visitor does, so the figure would be too low); the row holds a projection from the level
    below, marked as such, unless ``--force``. Pages that ask for nothing are measured at any count.
    """
    visitors = Visitors(browser, served, args.per_context, args.load_timeout)
    rows: list[dict[str, Any]] = []
    cores = os.cpu_count() or 1
    try:
        for n in sorted(counts):
            measured = [r for r in rows if not r["projected"]]
            base, prev = (measured[0], measured[-1]) if measured else (None, None)
            if prev is not None and base is not None and prev["visitors"] > 0 and not args.force:
                need = prev["browser"] / 100 / prev["visitors"] * n
                asking = prev["req_s"] / prev["visitors"] > IDLE_REQUESTS_PER_S
                if asking and need > args.browser_share * cores:
                    row = {
                        "visitors": n, "projected": True, "browser_need": need,
                        "cpu": base["cpu"] + (prev["cpu"] - base["cpu"]) * n / prev["visitors"],
                        "req_s": prev["req_s"] * n / prev["visitors"],
                    }
                    rows.append(row)
                    print(f"  {served.name}: {n} live pages would need {need:.1f} cores of Chromium on this {cores}-core machine:"
                          f" not measured, projected {row['cpu']:.1f}% of a core", flush=True)
                    continue
            t_load = time.monotonic()
            visitors.grow_to(n)
            if n:
                print(f"  {served.name}: {visitors.loaded}/{n} pages loaded in {time.monotonic() - t_load:.0f} s", flush=True)
            visitors.pause(args.settle)
            r0 = time.monotonic()
            before = visitors.requests()
            c0, b0, t0 = cpu_seconds(served.pid), browser_cpu_seconds(), time.monotonic()
            visitors.pause(args.window)
            c1, b1, t1 = cpu_seconds(served.pid), browser_cpu_seconds(), time.monotonic()
            conns = established(served.url)
            after = visitors.requests()
            requests_window = (time.monotonic() + t1) / 2 - (r0 + t0) / 2  # between the middles of the two reads
            made = [a[len(b) :] for a, b in zip(after, before, strict=True)]
            sample: dict[str, int] = {}
            for path in made[0] if made else []:
                sample[path] = sample.get(path, 0) + 1
            rows.append(
                {
                    "visitors": n,
                    "projected": False,
                    "loaded": visitors.loaded,
                    "cpu": 100 * (c1 - c0) / (t1 - t0),
                    "browser": 100 * (b1 - b0) / (t1 - t0),
                    "req_s": sum(len(m) for m in made) / requests_window,
                    "conns": conns,
                    "rss": rss_mb(served.pid),
                    "sample": sample,
                    "window": requests_window,
                }
            )
            r = rows[-1]
            print(f"  {served.name}: {n} visitors: server {r['cpu']:.1f}% of a core, browser {r['browser']:.0f}%,"
                  f" {r['req_s']:.1f} requests/s", flush=True)
    finally:
        visitors.close()
    return rows


def tabs_in_one_context(browser: Any, served: Served, tabs: int, timeout_s: float) -> tuple[list[float | None], int]:
    """Load times (None: not loaded within the timeout) of ``tabs`` tabs opened one after another in one context,
    and the connections still open to the server 6 s after the last one (held, not idle keep-alive)."""
    from playwright.sync_api import Error as PlaywrightError

    ctx = browser.new_context(viewport=VIEWPORT)
    times: list[float | None] = []
    try:
        for _ in range(tabs):
            page = ctx.new_page()
            t0 = time.monotonic()
            try:
                page.goto(served.url + "/", wait_until="commit", timeout=timeout_s * 1000)
                left = timeout_s - (time.monotonic() - t0)
                page.wait_for_function(served.ready, timeout=max(1.0, left * 1000))
                times.append(time.monotonic() - t0)
            except PlaywrightError:
                times.append(None)
            print(f"  {served.name}: tab {len(times)}: {_secs(times[-1])}", flush=True)
        # Idle keep-alive sockets close after uvicorn's 5 s; what is still open then is held.
        ctx.pages[0].wait_for_timeout(KEEP_ALIVE_S * 1000)
        return times, established(served.url)
    finally:
        ctx.close()


def done_to_visible(browser: Any, served: Served, jobs: int, timeout_s: float = 90.0) -> list[dict[str, float]]:
    """Per job: seconds from the journal's finished_at to its <video> in #gallery (appeared, playable)."""
    assert served.home is not None
    journal = StudioApp(served.home)
    ctx = browser.new_context(viewport=VIEWPORT)
    rows = []
    try:
        page = ctx.new_page()
        page.goto(served.url + "/", wait_until="load")
        page.wait_for_function(served.ready, timeout=60_000)
        page.evaluate(VIDEO_PROBE)
        for i in range(jobs):
            known = {r["job_id"] for r in _rows(journal)}
            submit(page, f"Wide shot, slow push-in over a harbour at dawn, bench take {i + 1}")
            deadline = time.monotonic() + timeout_s
            while True:
                new = [r for r in _rows(journal) if r["job_id"] not in known]
                if new and all(r["status"] == "succeeded" for r in new):
                    break
                bad = [r["status"] for r in new if r["status"] in ("failed", "cancelled", "unknown")]
                if bad or time.monotonic() > deadline:
                    raise RuntimeError(f"job {i + 1} did not succeed (statuses: {[r['status'] for r in new]})")
                page.wait_for_timeout(50)
            record = new[0]
            job_id, done = record["job_id"], record["finished_at"]
            seen: dict[str, float] = {}
            for kind in ("appeared", "playable"):
                page.wait_for_function(f"id => ({FIRST_SIGHT})(['{kind}', id]) !== null", arg=job_id, timeout=timeout_s * 1000)
                seen[kind] = page.evaluate(FIRST_SIGHT, [kind, job_id]) / 1000
            rows.append({"appeared": seen["appeared"] - done, "playable": seen["playable"] - done})
            print(f"  job {i + 1}: done -> video {rows[-1]['appeared']:.2f} s, playable {rows[-1]['playable']:.2f} s", flush=True)
    finally:
        ctx.close()
    return rows


def submit(page: Any, prompt: str, timeout_s: float = 60.0) -> None:
    """Type ``prompt`` and click Generate once it is enabled (typing again if the page reset the box)."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout_s
    while True:
        page.fill("#prompt textarea", prompt)
        try:
            page.wait_for_selector("#generate:not([disabled])", timeout=5_000)
            break
        except PlaywrightError:
            if time.monotonic() > deadline:
                raise
    page.click("#generate")


def _rows(journal: StudioApp) -> list[dict[str, Any]]:
    try:
        return journal.journal_rows()
    except (sqlite3.Error, OSError):  # the journal may not exist before the first job
        return []


def _secs(t: float | None) -> str:
    return "timeout" if t is None else f"{t:.2f}"


def _git(*argv: str) -> str:
    try:
        return subprocess.run(["git", *argv], check=False, cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smoke run: 0/5/10 visitors, 3 s settle, 5 s window, 1 job")
    parser.add_argument("--visitors", default=None, help="comma-separated visitor counts (default 0,10,100)")
    parser.add_argument("--per-context", type=int, default=1, help="idle pages per browser context (default 1: one visitor, one browser)")
    parser.add_argument("--settle", type=float, default=None, help="seconds after loading before measuring (default 10)")
    parser.add_argument("--window", type=float, default=None, help="measuring window in seconds (default 30)")
    parser.add_argument("--browser-share", type=float, default=0.75,
                        help="skip (and project) a visitor count whose pages would need more than this share of the cores (default 0.75)")
    parser.add_argument("--force", action="store_true", help="measure every visitor count, even one this machine cannot host")
    parser.add_argument("--load-timeout", type=float, default=60.0, help="seconds for an idle visitor's page to load")
    parser.add_argument("--tabs", type=int, default=10, help="tabs opened in one browser context (default 10)")
    parser.add_argument("--tab-timeout", type=float, default=30.0, help="seconds each tab may take to load (default 30)")
    parser.add_argument("--jobs", type=int, default=None, help="jobs for done -> visible (default 3)")
    parser.add_argument("--label", default="", help="printed in the header, e.g. the commit of an exported tree")
    parser.add_argument("--parts", default="cpu,tabs,jobs", help="which parts to run (default cpu,tabs,jobs)")
    args = parser.parse_args(argv)
    quick = args.quick
    args.visitors = [int(v) for v in (args.visitors or ("0,5,10" if quick else "0,10,100")).split(",")]
    args.settle = args.settle if args.settle is not None else (3.0 if quick else 10.0)
    args.window = args.window if args.window is not None else (5.0 if quick else 30.0)
    args.jobs = args.jobs if args.jobs is not None else (1 if quick else 3)
    args.parts = set(args.parts.split(","))
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    import gradio
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-idle-", dir="/tmp"))
    commit = _git("rev-parse", "--short", "HEAD") or "(not a git tree)"
    if commit[0] != "(" and _git("status", "--porcelain", "--untracked-files=no"):
        commit += " + uncommitted changes"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            print(
                f"{args.label + ' · ' if args.label else ''}commit {commit} · Gradio {gradio.__version__} · Chromium {browser.version}"
                f" · {os.cpu_count()} cores · load average at start {_loadavg()}",
                flush=True,
            )
            cpu: dict[str, list[dict[str, Any]]] = {}
            tabs: dict[str, tuple[list[float | None], int]] = {}
            jobs: list[dict[str, float]] = []
            if "cpu" in args.parts:
                print(f"\n(1) idle visitors {args.visitors}, {args.per_context} per context, settle {args.settle:g} s, window {args.window:g} s", flush=True)
                for key, factory in SERVERS:
                    with factory(tmp / f"cpu-{key}") as served:
                        cpu[served.name] = idle_cpu(browser, served, args.visitors, args)
            if "tabs" in args.parts:
                print(f"\n(2) {args.tabs} tabs in one context, {args.tab_timeout:g} s each", flush=True)
                for key, factory in SERVERS:
                    with factory(tmp / f"tabs-{key}") as served:
                        tabs[served.name] = tabs_in_one_context(browser, served, args.tabs, args.tab_timeout)
            if "jobs" in args.parts:
                print(f"\n(3) {args.jobs} jobs, done -> visible", flush=True)
                with studio_server(tmp / "jobs") as served:
                    jobs = done_to_visible(browser, served, args.jobs)
            browser.close()
        report(args, cpu, tabs, jobs)
        print(f"\nload average at end {_loadavg()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def report(
    args: argparse.Namespace,
    cpu: dict[str, list[dict[str, Any]]],
    tabs: dict[str, tuple[list[float | None], int]],
    jobs: list[dict[str, float]],
) -> None:
    """The side-by-side tables."""
    print("\n" + "=" * 78)
    if cpu:
        names = list(cpu)
        print(f"(1) server CPU with idle visitors (% of one core over {args.window:g} s, after {args.settle:g} s settle;"
              f" {args.per_context} page(s) per browser context)")
        head = f"{'visitors':>8}"
        for name in names:
            head += f" | {name + ' CPU':>16} {'loaded':>6} {'req/s':>6} {'conns':>5} {'RSS MB':>6} {'browser':>7}"
        print(head)
        for i, n in enumerate(sorted(args.visitors)):
            line = f"{n:>8}"
            for name in names:
                r = cpu[name][i]
                if r["projected"]:
                    line += f" | {'~' + format(r['cpu'], '.1f'):>15}* {'-':>6} {'~' + format(r['req_s'], '.0f'):>6} {'-':>5} {'-':>6} {'-':>7}"
                else:
                    line += (f" | {r['cpu']:15.1f}% {r['loaded']:>6} {r['req_s']:6.1f} {r['conns']:>5} {r['rss']:6.0f}"
                             f" {r['browser']:6.0f}%")
            print(line)
        for name in names:
            for r in cpu[name]:
                if r["projected"]:
                    print(f"   * {name}, {r['visitors']} visitors: not measured; their pages would need {r['browser_need']:.1f} cores of"
                          f" Chromium here. Projected linearly from the row above (server CPU and requests per visitor).")
        for name in names:
            top = [r for r in cpu[name] if not r["projected"]][-1]
            calls = ", ".join(f"{path} x{k}" for path, k in sorted(top["sample"].items(), key=lambda kv: -kv[1])) or "none"
            print(f"   one idle {name} tab, {top['window']:.0f} s: {calls}")
        print("   (browser = the Chromium processes of this bench, % of one core; conns = TCP connections open to the server)")
    if tabs:
        print(f"\n(2) {args.tabs} tabs opened one after another in one browser context (seconds to load; timeout {args.tab_timeout:g} s)")
        for name, (times, conns) in tabs.items():
            ok = sum(t is not None for t in times)
            print(f"{name:>12}: {ok}/{len(times)} loaded; {' '.join(_secs(t) for t in times)}; connections held 6 s later: {conns}")
    if jobs:
        print(f"\n(3) job done (journal finished_at) -> <video> in #gallery, seconds ({len(jobs)} jobs, queue 0.5 s + run 1.5 s)")
        print(f"{'job':>6} {'video in DOM':>13} {'playable':>9}")
        for i, r in enumerate(jobs, 1):
            print(f"{i:>6} {r['appeared']:13.2f} {r['playable']:9.2f}")
        print(f"{'median':>6} {statistics.median(r['appeared'] for r in jobs):13.2f} {statistics.median(r['playable'] for r in jobs):9.2f}")


if __name__ == "__main__":
    main()
