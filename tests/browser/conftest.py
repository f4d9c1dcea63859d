"""Real-browser fixtures: the studio as ``python app.py`` in a subprocess, and Debian's Chromium.

The app runs offline on its embedded simulator (no ``RUNCOMFY_*`` variables), with its own
``STUDIO_HOME`` and a free port. Chromium is Debian's headless shell,
``/usr/bin/chromium-headless-shell`` (``apt-get install -y chromium-headless-shell``; else
``/usr/bin/chromium``, or ``STUDIO_CHROMIUM``), driven by Playwright's sync API
(``playwright install`` is never used). When the browser or Playwright is missing the tests
skip, unless ``STUDIO_REQUIRE_BROWSER=1`` (as in CI), where they fail and say why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .. import forked_app
from ..conftest import PUBLISHED_CATALOG
from ..sim_support import free_port, stop_process

ROOT = Path(__file__).resolve().parents[2]
# Debian's headless shell: the same Chromium (same version, Blink and V8) without the whole
# browser around it, which is the kind of headless browser Playwright itself launches by
# default. A page load and its form changes cost Chromium about a tenth less CPU under it than
# under the full /usr/bin/chromium in headless mode (bench/bench_headless_shell.py: 0.88x).
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
CHROMIUM = os.environ.get("STUDIO_CHROMIUM") or (HEADLESS_SHELL if os.path.exists(HEADLESS_SHELL) else "/usr/bin/chromium")
# Playwright's own --disable-features list (its chromiumSwitches), repeated in CHROMIUM_ARGS, and
# the features of the preloaded address-bar WebUI, which the suite turns off too.
PLAYWRIGHT_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect", "TcpPortRandomizationWin",
    "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch",
]
PRELOADED_WEBUI = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    # Chromium's headless mode is the whole browser: each new context preloads two hidden WebUI
    # pages for the address bar's popup (chrome://omnibox-popup.top-chrome/ and its AI variant),
    # each in a renderer of its own, about 0.6 s of CPU per context that no test uses
    # (bench/README.md, "Test suite time"). The last --disable-features wins, so Playwright's
    # own list is repeated first.
    "--disable-features=" + ",".join([*PLAYWRIGHT_DISABLED_FEATURES, *PRELOADED_WEBUI]),
]
VIEWPORT = {"width": 1400, "height": 1000}
# The page has its studio session (Generate may still be off until the form can be sent).
SESSION_READY = "#generate-reason [data-session='true']"
# Counts the page's requestAnimationFrame calls (give it to a context's add_init_script, read window.__frames).
COUNT_FRAMES_JS = """
window.__frames = 0;
const frame = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (callback) => { window.__frames += 1; return frame(callback); };
"""
NEXT_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"  # the page has drawn
# Normal phase times of the embedded simulator: long enough to see a running card, short enough
# for a quick suite.
FAST_SIM = {"STUDIO_SIM_QUEUE_SECONDS": "0.5", "STUDIO_SIM_RUN_SECONDS": "2.5"}


def track_requests(page: Any) -> None:
    """Keep the page's requests in flight in ``page.in_flight`` (a queued event's stream stays
    open until its answer has come)."""
    in_flight: dict[Any, float] = {}  # request -> when it was sent
    page.in_flight = in_flight
    page.on("request", lambda request: in_flight.setdefault(request, time.monotonic()))
    page.on("requestfinished", lambda request: in_flight.pop(request, None))
    page.on("requestfailed", lambda request: in_flight.pop(request, None))


def settled(page: Any, quiet_ms: int = 150, timeout: float = 15.0) -> None:
    """Wait until no request of the page has been in flight for ``quiet_ms``, and the page has
    drawn what came back (two animation frames)."""
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        if page.in_flight:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_ms / 1000:
            break
        page.wait_for_timeout(25)  # Playwright delivers the page's request events meanwhile
    else:
        now = time.monotonic()
        waiting = ", ".join(f"{r.method} {urlsplit(r.url).path} ({now - sent:.0f} s)" for r, sent in list(page.in_flight.items()))
        raise AssertionError(f"the page kept request(s) in flight for {timeout:.0f} s: {waiting}")
    page.evaluate(NEXT_FRAMES_JS)


class StudioApp:
    """``python app.py`` in a process of its own; ``restart()`` keeps the port and the STUDIO_HOME.

    Forked from a process that has imported the app already (:mod:`tests.forked_app`: the same
    studio without the 4 s of importing Gradio each time); ``forked = False`` runs the command
    itself (``python`` with ``command``)."""

    forked = True
    command: tuple[str, ...] = ("app.py",)  # what python runs when not forked

    def __init__(self, home: Path, sim: dict[str, str] | None = None, port: int | None = None) -> None:
        self.home = Path(home)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.sim = dict(FAST_SIM if sim is None else sim)
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = self.home.parent / f"app-{self.port}.log"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNCOMFY_", "STUDIO_", "GRADIO_"))}
        env.update(
            STUDIO_HOME=str(self.home),
            GRADIO_SERVER_PORT=str(self.port),
            GRADIO_SERVER_NAME="127.0.0.1",
            GRADIO_ANALYTICS_ENABLED="False",
            GRADIO_TEMP_DIR=str(self.home.parent / "gradio-tmp"),
            # The tests own the files they read; nothing from the developer's config is used.
            XDG_CONFIG_HOME=str(self.home.parent / "config"),
            PYTHONUNBUFFERED="1",
            STUDIO_SIM_CATALOG=str(PUBLISHED_CATALOG),
            **self.sim,
        )
        return env

    def start(self, timeout: float = 60.0) -> StudioApp:
        self.home.mkdir(parents=True, exist_ok=True)
        if self.forked:
            self.proc = forked_app.start(self.env(), self.log_path)  # type: ignore[assignment]
        else:
            with open(self.log_path, "ab") as log:  # the child keeps its own copy of the descriptor
                self.proc = subprocess.Popen([sys.executable, *self.command], cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the studio exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the studio did not answer on {self.url} within {timeout} s:\n{self.log_tail()}")
            time.sleep(0.1)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            stop_process(proc, 10)

    def restart(self) -> StudioApp:
        self.stop()
        return self.start()

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def journal_rows(self) -> list[dict[str, Any]]:
        """The journal's job rows, read straight from SQLite (read-only)."""
        import sqlite3

        db = self.home / "journal.sqlite3"
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute("SELECT * FROM jobs")]
        finally:
            con.close()


# How often the suite's page.wait_for_function checks its condition, in milliseconds. Playwright
# checks on every animation frame by default, which makes the waiting page draw 60 frames a
# second (0.07 s of Chromium CPU per second of waiting against 0.02 s at 25 ms;
# bench/bench_browser_work.py); a test's own polling= still wins.
WAIT_POLL_MS = 25


def _poll_waits_on_a_timer() -> None:
    from playwright.sync_api import Page

    every_frame = Page.wait_for_function
    if getattr(every_frame, "polls_on_a_timer", False):
        return

    def wait_for_function(self: Page, expression: str, *, arg: Any = None, timeout: float | None = None, polling: Any = None) -> Any:
        return every_frame(self, expression, arg=arg, timeout=timeout, polling=WAIT_POLL_MS if polling is None else polling)

    wait_for_function.polls_on_a_timer = True  # type: ignore[attr-defined]
    Page.wait_for_function = wait_for_function  # type: ignore[method-assign]


def _missing_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"Playwright for Python is not installed ({exc}); pip install -r requirements-dev.lock"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM}; install Debian's (apt-get install -y chromium-headless-shell), never `playwright install`"
    return None


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Debian's Chromium (its headless shell), shared by every test in this package.

    Package scope, not session: Playwright's sync API keeps an asyncio loop marked as running
    in this thread while it is started, which breaks every pytest-asyncio test that runs after
    it ("Runner.run() cannot be called from a running event loop"). So it stops when the
    browser tests are done, before the rest of the suite runs.
    """
    reason = _missing_browser()
    if reason:
        if os.environ.get("STUDIO_REQUIRE_BROWSER") == "1":
            pytest.fail(f"STUDIO_REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}", pytrace=False)
        print(f"\nskipping the browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    _poll_waits_on_a_timer()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


CONSOLE = pytest.StashKey[list[str]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """A failed browser test's report carries what the two sides said: the tail of each studio
    log it used and the browser's console errors and warnings (the page's own view of it)."""
    report: pytest.TestReport = yield
    if report.when == "call" and report.failed:
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, StudioApp):
                report.sections.append((f"the studio's log ({value.url}), its end", value.log_tail()))
        lines = item.stash.get(CONSOLE, [])
        if lines:
            report.sections.append(("the browser's console (errors and warnings)", "\n".join(lines[-60:])))
    return report


@pytest.fixture
def new_context(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Makes fresh browser contexts (own localStorage = own studio owner); closes them after.
    Their console errors and warnings go into a failed test's report."""
    made: list[Any] = []
    lines = request.node.stash.setdefault(CONSOLE, [])

    def make(**options: Any) -> Any:
        ctx = browser.new_context(**{"viewport": VIEWPORT, **options})
        ctx.set_default_timeout(60_000)  # a loaded 2-core machine runs 3 workers
        ctx.on("console", lambda m: lines.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        ctx.on("weberror", lambda e: lines.append(f"uncaught: {e.error}"))
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        try:
            ctx.close()
        except Exception:
            pass


@pytest.fixture(scope="package")
def studio(browser: Any) -> Iterator[StudioApp]:
    """One studio (fast simulator) shared by the browser tests of this worker; each test uses its
    own browser context, so its own studio owner (nothing another test did is in its gallery)."""
    home = Path(tempfile.mkdtemp(prefix="studio-browser-"))
    app = StudioApp(home / "studio-home").start()
    try:
        yield app
    finally:
        app.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def studio_factory(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """Start a studio of this test's own, with simulator phase times of its choosing."""
    apps: list[StudioApp] = []

    def make(**sim: float) -> StudioApp:
        env = dict(FAST_SIM)
        env.update({f"STUDIO_SIM_{k.upper()}_SECONDS": str(v) for k, v in sim.items()})
        app = StudioApp(tmp_path / f"home-{len(apps)}", env)
        apps.append(app)
        return app.start()

    yield make
    for app in apps:
        app.stop()
