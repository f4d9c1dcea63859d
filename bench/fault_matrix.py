"""The fault matrix: every fault the simulator can inject, on every call, run for real.

For each fault kind of :mod:`studio.simulator.faults` (GENERIC_KINDS on every operation,
SUBMIT_KINDS on submit, DOWNLOAD_KINDS on download) this script runs the headless twin
(``studio.cli.main``) against an in-process ``SimulatorServer``, as tests/test_fault_matrix.py
does, and records what the user saw (the last line on stderr), the exit code, how many paid
POSTs reached ``/v1/models`` (the simulator's request log), and whether any video or money was
lost: a job the simulator completed (and so charged) whose video is not on disk, even after
``python -m studio resume`` with the fault gone. The image rows drive the browser studio's
job manager (uploads exist only there) against failing image hosts.

Prints a Markdown table and a summary. Run from the repository root:
``python bench/fault_matrix.py`` (about four minutes).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from studio.cli import main  # noqa: E402
from studio.client.credentials import Token  # noqa: E402
from studio.config import Settings  # noqa: E402
from studio.domain.catalog import find_endpoint  # noqa: E402
from studio.domain.forms import Form  # noqa: E402
from studio.domain.payload import request_from_input  # noqa: E402
from studio.errors import StudioError  # noqa: E402
from studio.jobs.manager import JobManager  # noqa: E402
from studio.jobs.service import Mode, Studio  # noqa: E402
from studio.simulator import SimulatorConfig, SimulatorServer  # noqa: E402
from studio.simulator.faults import DOWNLOAD_KINDS, GENERIC_KINDS, OPS, SUBMIT_KINDS  # noqa: E402

TOKEN = "sim-token"
QUICK = SimulatorConfig(queue_seconds=0.3, run_seconds=0.3, render=False)
T2V = "kling/kling-3.0/standard/text-to-video"
I2V = "kling/kling-3.0/standard/image-to-video"
INPUT = json.dumps({"prompt": "wide shot of a lighthouse", "duration": 3})
# Options that make a fault observable inside the short timeouts used here.
OPTIONS: dict[str, dict[str, Any]] = {"429": {"retry_after": 0.05}, "slow": {"delay": 1.5}}
ENV = {
    "RUNCOMFY_TOKEN": TOKEN,
    "STUDIO_EXTRA_DOWNLOAD_HOSTS": "127.0.0.1",
    "STUDIO_POLL_SECS": "0.05",
    "STUDIO_BACKOFF_BASE": "0.01",
    "STUDIO_READ_TIMEOUT": "1",
    "STUDIO_SUBMIT_TIMEOUT": "1",
    "STUDIO_MAX_RETRIES": "2",
    "STUDIO_DOWNLOAD_CAP_BYTES": str(8 * 1024 * 1024),
}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Row:
    call: str
    fault: str
    seen: str
    code: str
    posts: int | None
    lost: str
    ok: bool = True  # meets the targets (nothing lost, no double submit, a specific message)


# -- plumbing -----------------------------------------------------------------------------------


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith(("RUNCOMFY_", "STUDIO_"))]:
        del os.environ[name]
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def cli(sim: SimulatorServer, home: Path, *argv: str, **extra: str) -> tuple[int, str, str]:
    """``python -m studio ARGV`` in this process, pointed at the simulator; (code, stdout, stderr)."""
    env = {
        **ENV,
        "RUNCOMFY_MODEL_API_BASE": sim.api_base,
        "RUNCOMFY_SERVERLESS_API_BASE": sim.account_base,
        "STUDIO_HOME": str(home),
        **extra,
    }
    out, err = io.StringIO(), io.StringIO()
    with environment(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception as exc:  # a traceback is a finding, not a crash of the matrix
            code = -1
            print(f"TRACEBACK {type(exc).__name__}: {exc}", file=sys.stderr)
    return code, out.getvalue(), err.getvalue()


def reset(sim: SimulatorServer, **changes: Any) -> None:
    sim.store.reset()
    sim.faults.clear()
    sim.log.clear()
    sim.set_config(QUICK, **changes)


def posts(sim: SimulatorServer) -> int:
    return sum(1 for e in sim.log.entries(op="submit") if e.method == "POST")


def settle(sim: SimulatorServer, timeout: float = 4.0) -> None:
    """Wait until the simulator has answered every request it got (a slow submit creates its job
    after the client gave up) and every job has reached a final state (a stuck one never does)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(e.status is None for e in sim.log.entries()):
        time.sleep(0.05)
    while time.monotonic() < deadline:
        if all(j.state in ("completed", "failed", "cancelled") for j in sim.store.jobs()):
            return
        time.sleep(0.05)


def videos(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.mp4")) if folder.exists() else []


def shown(stderr: str, home: Path) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    text = lines[-1] if lines else "(nothing)"
    text = text.replace(str(home), "…")
    text = _UUID.sub("<id>", text)
    return text.replace("|", "\\|")


def verdict(sim: SimulatorServer, home: Path, out: Path, code: int) -> str:
    """Was any video or money lost? Runs ``resume`` once (faults cleared) when something is missing."""
    settle(sim)
    charged = [j for j in sim.store.jobs() if j.state == "completed"]
    if len(videos(out)) >= len(charged):
        if sim.store.jobs() and all(j.state == "cancelled" for j in sim.store.jobs()):
            return "no: cancelled while queued, never charged"
        stuck = [j for j in sim.store.jobs() if j.state not in ("completed", "failed", "cancelled")]
        if stuck:
            return "no: still running, kept in the journal for `resume`"
        if not charged:
            return "no: nothing was charged"
        return "no"
    sim.faults.clear()
    rcode, _, _ = cli(sim, home, "resume")
    got = len(videos(out))
    if got >= len(charged):
        return f"no: the journal kept it; `resume` fetched it (exit {rcode})"
    cost = sum(j.cost_usd for j in charged[got:])
    return (
        f"**yes (at risk)**: ${cost:.3f} charged; the studio never learned the request id (journal row "
        "`unknown`), so the video is only on the RunComfy dashboard the message points to"
    )


# -- the CLI rows -------------------------------------------------------------------------------


def run_row(sim: SimulatorServer, work: Path, op: str, kind: str, *, times: int = 1) -> Row:
    home, out = work / "home", work / "out"
    reset(sim)
    options = {**OPTIONS.get(kind, {}), "times": times}
    extra: list[str] = []
    if kind == "job_stuck":
        extra = ["--timeout", "3"]
    if op in ("submit", "status", "result", "catalog", "download"):
        sim.faults.add(op, kind, **options)
        code, _, err = cli(sim, home, "run", T2V, "--input", INPUT, "--output-dir", str(out), *extra)
        n = posts(sim)
        lost = verdict(sim, home, out, code)
    elif op == "cancel":
        sim.set_config(queue_seconds=3.0)
        code0, stdout, _ = cli(sim, home, "run", T2V, "--input", INPUT, "--output-dir", str(out), "--no-wait")
        request_id = json.loads(stdout)["request_id"] if code0 == 0 else ""
        sim.faults.add(op, kind, **options)
        code, stdout, err = cli(sim, home, "cancel", request_id)
        if code == 0:
            err = err + stdout
        n = posts(sim)
        sim.set_config(queue_seconds=0.3)
        lost = verdict(sim, home, out, code)
    elif op == "balance":
        sim.faults.add(op, kind, **options)
        code, stdout, err = cli(sim, home, "balance")
        if code == 0:
            err = err + stdout
        n, lost = posts(sim), "no: read only"
    else:  # pragma: no cover - OPS is fixed
        raise ValueError(op)
    seen = shown(err, work)
    if code == 0 and op != "balance" and "saved" in seen:
        seen = "saved …/" + seen.rsplit("/", 1)[-1]
    fault = kind + (" (every call)" if times == 0 else "")
    allowed_posts = 3 if (op, kind) == ("submit", "429") and times == 0 else 2 if (op, kind) == ("submit", "429") else 1
    ok = n <= allowed_posts and not lost.startswith("**yes") and code != -1
    ok = ok and (code == 0 or (seen.startswith("error: ") and len(seen) > 20))
    return Row(op, fault, seen, str(code), n, lost, ok)


# -- the image rows (browser studio only: the CLI takes image URLs) ------------------------------


class _ImageHost(BaseHTTPRequestHandler):
    """A stand-in public file host: PUT and GET fail as ``mode`` says."""

    mode = "ok"
    stored: ClassVar[dict[str, bytes]] = {}  # one store shared by every request handler

    def log_message(self, *args: Any) -> None:
        pass

    def do_PUT(self) -> None:
        data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.mode == "put_503":
            self._send(503, b'{"error": "unavailable"}', "application/json")
            return
        self.stored[self.path] = data
        self._send(201, json.dumps({"url": self.path}).encode(), "application/json")

    def do_GET(self) -> None:
        if self.mode == "get_404":
            self._send(404, b"not found", "text/plain")
        elif self.mode == "get_html":
            self._send(200, b"<html>a login page</html>", "text/html")
        else:
            self._send(200, self.stored.get(self.path, b""), "image/png")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def offline_studio(sim: SimulatorServer, work: Path, simulator: Any = None) -> Studio:
    """A studio in offline mode on the simulator, as the browser studio builds it."""
    settings = Settings(
        backend="offline", api_base=sim.api_base, account_base=sim.account_base, data_dir=work / "home",
        extra_download_hosts=("127.0.0.1",), http_image_hosts=("127.0.0.1",), poll_interval=0.05,
        backoff_base=0.01, max_retries=2,
    )
    return Studio(settings, Token(TOKEN, "bench"), mode=Mode(False, "offline"), simulator=simulator)


def image_row(sim: SimulatorServer, work: Path, label: str, mode: str) -> Row:
    """Generate image-to-video in the browser studio's job manager with a failing image host."""
    reset(sim)
    work.mkdir(parents=True, exist_ok=True)
    picture = work / "start.png"
    Image.new("RGB", (640, 360), (90, 140, 200)).save(picture)
    httpd = None
    if mode == "unreachable":
        base = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    else:
        _ImageHost.mode = mode
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _ImageHost)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
    # The manager uploads to its studio's simulator (SimulatorHost); here that is the stand-in host.
    studio = offline_studio(sim, work, simulator=SimpleNamespace(base_url=base, stop=lambda: None))
    manager = JobManager(studio).start()
    try:
        form = Form(tier="standard", mode="image-to-video", prompt="slow push-in on the harbour", duration=3)
        manager.submit(form, "bench-owner", start_image=picture)
        seen, code = "(submitted)", "0"
    except StudioError as exc:
        seen, code = str(exc), "—"
    except Exception as exc:  # a traceback in the UI would be a finding
        seen, code = f"TRACEBACK {type(exc).__name__}: {exc}", "—"
    finally:
        manager.stop()
        if httpd is not None:
            httpd.shutdown()
    n = posts(sim)
    specific = seen.startswith("start image: ")
    note = "" if specific else " ⚠ does not name the start image"
    lost = "no: refused before anything was paid" if n == 0 else "see row"
    return Row("image publish", label, seen.replace("|", "\\|") + note, code, n, lost, ok=n == 0 and specific)


def pasted_url_row(sim: SimulatorServer, work: Path) -> Row:
    """The headless twin with an image URL that does not answer (RunComfy must fetch it)."""
    reset(sim, render=True, image_fetch="required")
    url = f"https://127.0.0.1:{free_port()}/start.png"  # nothing listens there
    data = json.dumps({"prompt": "slow push-in", "duration": 3, "image_url": url})
    home, out = work / "home", work / "out"
    code, _, err = cli(sim, home, "run", I2V, "--input", data, "--output-dir", str(out))
    n = posts(sim)
    lost = verdict(sim, home, out, code)
    seen = shown(err, work)
    note = " (submitted without a fetch check: RunComfy found out)" if n else ""
    return Row("image URL (CLI)", "pasted https URL unreachable", seen + note, str(code), n, lost, ok=n == 0 and code != -1)


def pasted_url_ui_row(sim: SimulatorServer, work: Path) -> Row:
    """The browser studio's JSON twin (/submit_request) with an image URL that does not answer."""
    reset(sim, render=True, image_fetch="required")
    url = f"https://127.0.0.1:{free_port()}/start.png"
    studio = offline_studio(sim, work)
    manager = JobManager(studio).start()
    endpoint = find_endpoint(I2V)
    assert endpoint is not None
    request = request_from_input({"prompt": "slow push-in", "duration": 3, "image_url": url}, endpoint)
    try:
        record = manager.submit_request(endpoint, request, "bench-owner")
        manager.wait_idle(30)
        final = studio.journal.get(record.job_id)
        seen = f"job card: {final.status}: {final.error}" if final else "(no record)"
    except StudioError as exc:
        seen = str(exc)
    finally:
        manager.stop()
    n = posts(sim)
    settle(sim)
    charged = [j for j in sim.store.jobs() if j.state == "completed"]
    lost = "no: the simulated RunComfy fails the job unbilled" if not charged else "see row"
    note = " (submitted without the fetch check)" if n else ""
    return Row("image URL (UI /submit_request)", "pasted https URL unreachable", _UUID.sub("<id>", seen) + note, "—", n, lost, ok=n == 0)


# -- main ---------------------------------------------------------------------------------------


def matrix() -> list[tuple[str, str, int]]:
    rows = [(op, kind, 1) for op in OPS for kind in GENERIC_KINDS]
    rows += [("submit", kind, 1) for kind in SUBMIT_KINDS]
    rows += [("download", kind, 1) for kind in DOWNLOAD_KINDS]
    # A fault that never clears: what the user is left with, and what `resume` recovers.
    rows += [("submit", "429", 0), ("status", "503", 0), ("status", "429", 0), ("status", "slow", 0),
             ("result", "502", 0), ("download", "503", 0), ("download", "empty", 0), ("catalog", "503", 0),
             ("cancel", "502", 0), ("balance", "500", 0)]
    return rows


def main_matrix() -> int:
    started = time.monotonic()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="fault-matrix-") as tmp, SimulatorServer(QUICK) as sim:
        for i, (op, kind, times) in enumerate(matrix()):
            work = Path(tmp) / f"row{i}"
            rows.append(run_row(sim, work, op, kind, times=times))
            print(f"  {op:>8} {kind:<22} exit {rows[-1].code}", file=sys.stderr)
        for i, (label, mode) in enumerate(
            [("upload host answers 503", "put_503"), ("upload host unreachable", "unreachable"),
             ("published URL answers 404", "get_404"), ("published URL is not an image", "get_html")]
        ):
            rows.append(image_row(sim, Path(tmp) / f"img{i}", label, mode))
            print(f"  image    {label:<22} {rows[-1].code}", file=sys.stderr)
        rows.append(pasted_url_row(sim, Path(tmp) / "pasted"))
        rows.append(pasted_url_ui_row(sim, Path(tmp) / "pasted-ui"))
    print("| call | fault | what the user sees (last line on stderr, or the UI message) | exit | paid POSTs | video or money lost? |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        mark = "" if r.ok else " ✗"
        print(f"| {r.call} | `{r.fault}` | {r.seen} | {r.code}{mark} | {r.posts} | {r.lost} |")
    bad = [r for r in rows if not r.ok]
    doubles = [r for r in rows if r.posts is not None and r.posts > 1 and not (r.call == "submit" and r.fault.startswith("429"))]
    lost = [r for r in rows if r.lost.startswith("**yes")]
    print()
    print(f"{len(rows)} rows in {time.monotonic() - started:.0f} s; double submits: {len(doubles)}; "
          f"rows with video or money lost: {len(lost)}; rows missing a target (✗): {len(bad)}")
    for r in bad:
        print(f"  ✗ {r.call} {r.fault}: exit {r.code}, POSTs {r.posts}, lost: {r.lost.split(':')[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main_matrix())
