"""The two servers ``bench_idle.py`` compares, and what it reads of them from ``/proc``.

``studio_server()`` is ``python app.py`` offline (the browser tests' ``StudioApp``: own
``STUDIO_HOME`` and free port under a /tmp folder); ``bare_server()`` is ``bench/bare_gradio.py``
on its own free port. Both yield a :class:`Served`: its URL, its process id, and the CSS
selector that says a page of it has loaded. ``cpu_seconds`` and ``rss_mb`` read the server's
process and its descendants from ``/proc`` (never the browser's); ``browser_cpu_seconds`` reads
the Chromium processes the bench itself started, reported apart.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import StudioApp  # noqa: E402  (importable only after the sys.path insert above)
from tests.sim_support import free_port, stop_process  # noqa: E402

# A page has loaded when its button is there and, for the studio, its load event has run: Generate
# is enabled (the page of 4413111), or the page says this browser's session is ready
# (``#generate-reason [data-session='true']``, tests/browser/conftest.py's SESSION_READY) or has
# stored its owner key (pages that keep Generate disabled until the form is valid).
STUDIO_READY = """() => { const g = document.querySelector('#generate');
  return !!g && (!g.disabled || document.querySelector("#generate-reason [data-session='true']") !== null
                 || localStorage.getItem('kling-studio-owner') !== null); }"""
BARE_READY = "() => document.querySelector('#bare-go') !== null"
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Served:
    name: str
    url: str
    pid: int
    ready: str  # a JavaScript predicate: true once a page of it has loaded
    home: Path | None = None  # the studio's STUDIO_HOME (its journal); None for bare Gradio


def _stat(pid: int, reaped: bool = False) -> tuple[int, float] | None:
    """(parent pid, utime + stime in seconds) of one process, or None if it is gone; with
    ``reaped``, also the CPU of its children that ended and were reaped (cutime + cstime)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = raw[raw.rfind(")") + 2 :].split()  # fields from "state" on; the name may hold spaces
    return int(rest[1]), sum(int(x) for x in rest[11 : 15 if reaped else 13]) / _TICKS


def _tree(pid: int) -> list[int]:
    """``pid`` and every process descended from it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st is not None:
                children.setdefault(st[0], []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by ``pid`` and its descendants."""
    total = 0.0
    for p in _tree(pid):
        st = _stat(p)
        if st is not None:
            total += st[1]
    return total


def browser_cpu_seconds(reaped: bool = False) -> float:
    """CPU time used so far by the Chromium processes this process started (through Playwright's
    driver); with ``reaped``, also by those of them already ended (a closed context's renderers)."""
    total = 0.0
    for p in _tree(os.getpid()):
        try:
            name = Path(f"/proc/{p}/comm").read_text().strip()
        except OSError:
            continue
        st = _stat(p, reaped) if name.startswith("chrom") else None
        if st is not None:
            total += st[1]
    return total


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants, in MB."""
    total = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


@contextmanager
def studio_server(
    tmp: Path, queue_seconds: float = 0.5, run_seconds: float = 1.5, env: dict[str, str] | None = None
) -> Iterator[Served]:
    """``python app.py`` offline, simulator phases as given, with ``env`` added to its environment."""
    sim = {"STUDIO_SIM_QUEUE_SECONDS": str(queue_seconds), "STUDIO_SIM_RUN_SECONDS": str(run_seconds), **(env or {})}
    app = StudioApp(tmp / "studio-home", sim).start()
    try:
        assert app.proc is not None
        yield Served("studio", app.url, app.proc.pid, STUDIO_READY, app.home)
    finally:
        app.stop()


@contextmanager
def bare_server(tmp: Path, timeout: float = 60.0, extra_env: dict[str, str] | None = None) -> Iterator[Served]:
    """``bench/bare_gradio.py`` on a free loopback port, analytics off, cwd and temp dir in
    ``tmp``, with ``extra_env`` added to its environment."""
    tmp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNCOMFY_", "STUDIO_", "GRADIO_"))}
    env.update(
        GRADIO_SERVER_PORT=str(port),
        GRADIO_SERVER_NAME="127.0.0.1",
        GRADIO_ANALYTICS_ENABLED="False",
        GRADIO_TEMP_DIR=str(tmp / "gradio-tmp"),
        PYTHONUNBUFFERED="1",
        **(extra_env or {}),
    )
    log_path = tmp / f"bare-{port}.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "bare_gradio.py")], cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"bare Gradio exited with {proc.returncode}:\n{log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"bare Gradio did not answer on {url} within {timeout} s")
            time.sleep(0.1)
        yield Served("bare Gradio", url, proc.pid, BARE_READY)
    finally:
        stop_process(proc, 10)
