"""Attack surface: what an outsider with nothing but HTTP can do to ``python app.py``.

The studio runs offline (embedded simulator, no ``RUNCOMFY_*`` variables) as a subprocess
with its own ``STUDIO_HOME``, ``GRADIO_TEMP_DIR`` and port (``tests/browser/conftest.py``'s
``StudioApp``), started once for the module. Its data folder holds canary files carrying a
random marker (a recipe, a real PNG, a text file) and its environment another random marker,
so ``/proc/self/environ`` carries it too. Every request is Gradio's raw protocol over httpx:
``GET /gradio_api/info`` and ``/config``, ``POST /gradio_api/call/<api_name>`` with
``{"data": [...]}`` then the SSE stream of ``GET /gradio_api/call/<api_name>/<event_id>``
(``event: complete`` / ``event: error``), and ``POST /gradio_api/upload``. Nothing in
``studio/`` was read to choose the attacks: the endpoints and their parameters come from
``/gradio_api/info`` (and ``/config`` for the handlers the page itself calls, such as
"Open a recipe").

What should hold, one group of tests each:

1. File parameters never read server files: every file-typed parameter of every endpoint,
   given ``{"path": P}`` (and ``url``, ``orig_name``, ``file://`` and loopback-URL variants)
   for the canaries, ``/proc/self/environ``, ``/etc/passwd``, relative ``../`` paths and the
   journal, answers without a marker, server path or Python internals; nothing is submitted;
   no copy lands in Gradio's temp folder; ``/gradio_api/file=`` serves none of them.
2. Hostile values (null, "", 1 MB strings, 1000-item and nested lists, 1e9, -1, "NaN", huge
   integers as strings, ``{"__proto__": 1}``) in every parameter of every endpoint are refused
   quickly in the studio's words, naming the field, without a big jump in memory; the
   variant limits (2-8) are enforced before anything is submitted; hundreds of API calls (each
   a new Gradio session) leave little memory behind, and no deep link is written to disk.
3. Markup in prompts, recipes, storyboards, owner keys and job ids only ever comes back
   escaped in HTML and messages.
4. Malformed owner keys get a clear refusal naming the owner key (or an empty listing).
5. Every error message seen anywhere is plain text: no Python internals.

A watchdog samples the studio's RSS during every call: a call that makes it grow by more than
``RSS_CAP_MB`` or gets no answer within ``DEADLINE_S`` is stopped by killing the studio (the
process this module started, by its id), counted as a problem, and the module goes on with a
fresh studio (new data folder and canaries, same markers). These tests describe what should be
true; ``bench/attack_surface.py`` runs the same attacks with wider limits and prints figures.
"""

from __future__ import annotations

import copy
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from . import gradio_http
from .browser.conftest import StudioApp
from .sim_support import free_port

ROOT = Path(__file__).resolve().parents[1]

# Watchdog limits for one call (the bench widens them), and the bound the tests assert.
DEADLINE_S = 5.0
RSS_CAP_MB = 300.0
RSS_GROWTH_LIMIT_MB = 200.0
MESSAGE_MAX_CHARS = 2000

# Short simulator phases: a job finishes (and reaches the gallery) within a couple of seconds.
SIM = {"STUDIO_SIM_QUEUE_SECONDS": "0.2", "STUDIO_SIM_RUN_SECONDS": "0.6"}
ENV_MARKER_NAME = "ATTACK_SURFACE_CANARY"

FD = {"_type": "gradio.FileData"}
MODEL = "kling/kling-3.0/standard/text-to-video"
PROMPT = "Wide shot, slow push-in on a lighthouse at dusk"
REQUEST = {"prompt": PROMPT, "duration": 3}
STORYBOARD = {
    "title": "Harbour",
    "tier": "standard",
    "audio": False,
    "continuity": False,
    "shots": [{"prompt": "the harbour at dawn", "duration": 3, "camera": "wide shot"}],
}

MARKUP_PIECES = ("<img src=x onerror=alert(1)>", '<a href="http://evil">x</a>', "<form>")
MARKUP = "Wide shot " + " ".join(MARKUP_PIECES) + " at dusk"
RAW_MARKUP = ("<img src=x", '<a href="http://evil"', "<form>")

FILE_COMPONENTS = {"image", "file", "video", "audio", "gallery", "model3d", "uploadbutton"}
HTML_COMPONENTS = {"html", "markdown", "chatbot"}
MESSAGE_KEYS = re.compile(r"(?i)message|error|problem|note|summary|html|markdown|warning|advice|stage")


def _nested(depth: int) -> Any:
    value: Any = ["x"]
    for _ in range(depth):
        value = [value]
    return value


HOSTILE: tuple[tuple[str, Any], ...] = (  # every parameter gets these
    ("null", None),
    ("empty string", ""),
    ("1 MB string", "A" * 1_000_000),
    ("1000-item list", ["x"] * 1000),
    ("nested lists", _nested(40)),
    ("1e9", 1e9),
    ("-1", -1),
    ('"NaN"', "NaN"),
    ("huge int as string", "9" * 40),
    ("5000-digit int as string", "1" + "0" * 5000),
    ('{"__proto__": 1}', {"__proto__": 1}),
)

# Shots 2-6 repeat shot 1's four fields: they get a shorter list (wrong types and sizes), which
# keeps the module fast; shot 1's fields get the whole list.
HOSTILE_REPEATED = tuple(h for h in HOSTILE if h[0] in ("null", "1 MB string", "1000-item list", "1e9", '{"__proto__": 1}'))

# Python and framework internals that must never reach a user.
INTERNALS: tuple[tuple[str, str], ...] = (
    ("a traceback", r"Traceback"),
    ("'NoneType'", r"NoneType"),
    ("an attribute error", r"object has no attribute"),
    ("Gradio's 'could not preprocess'", r"(?i)could not preprocess"),
    ("a component index", r"(?i)\bindex \d|index out of range"),
    ("a Python class", r"<class '"),
    ("a Python exception name", r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:Error|Exception)\b"),
    ("int()'s message", r"invalid literal for int\(\)|int\(\) argument|float\(\) argument|could not convert string"),
    ("the integer digit limit", r"Exceeds the limit \(\d+ digits\)"),
    ("the JSON decoder's message", r"Expecting (?:value|property name|',' delimiter)[^.]*: line \d+|\(char \d+\)"),
    ("Gradio's type note", r"Expected a `"),
    ("a type error", r"unhashable type|not subscriptable|not iterable|not supported between instances|positional argument"),
)

# The JSON endpoints call it the owner key; the page calls the same value the studio session.
OWNER_ALIASES = ("owner", "studio session")
API_KEY_ALIASES = ("api key", "api_key", "runcomfy key", "key", "token")
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "owner_key": OWNER_ALIASES,
    "api_key": API_KEY_ALIASES,
    "model_id": ("model", "endpoint"),
    "request_json": ("request", "input", "json"),
    "values_json": ("values", "variants", "tier", "prompt", "takes", "seed"),
    "by": ("by", "variants"),
    "takes": ("takes", "variants"),
    "storyboard_json": ("storyboard", "shot", "json"),
    "run_id": ("run", "storyboard"),
    "job_id": ("job",),
    # The agents' tools (studio.ui.agent_tools): objects, not JSON text.
    "request": ("request", "input", "json"),
    "storyboard": ("storyboard", "shot", "json"),
    "runcomfy_api_key": API_KEY_ALIASES,
    "confirm_total_usd": ("confirm",),
    "limit": ("limit",),
}
# The page's fields, by the i18n key Gradio reports as their label (or their plain label).
LABEL_ALIASES: dict[str, tuple[str, ...]] = {
    "tier": ("tier",),
    "mode": ("mode",),
    "start_image": ("start image",),
    "end_image": ("end image",),
    "fit": ("fit", "crop", "pad"),
    "prompt_mode": ("prompt mode", "shots", "single"),
    "prompt": ("prompt",),
    "seconds": ("seconds", "shot"),
    "camera": ("camera", "shot"),
    "audio_cue": ("audio cue", "sound", "shot"),
    "duration": ("duration", "length"),
    "aspect": ("aspect",),
    "audio_desc": ("audio", "sound"),
    "negative": ("negative",),
    "cfg": ("cfg", "guidance"),
    "variants": ("variants", "takes", "versions"),
    "compare": ("tier", "compare", "a/b"),
    "alt_prompt": ("prompt", "a/b"),
    "parameter_26": ("shot",),
    "Generate audio": ("audio", "sound"),
    "Keep the subject identical (adds an identity anchor)": ("identity", "subject"),
}


# --------------------------------------------------------------------------------------------
# Records


@dataclass
class Param:
    index: int
    name: str
    label: str
    component: str
    python_type: str
    example: Any

    @property
    def is_file(self) -> bool:
        kind = self.python_type.lower()
        return self.component.lower() in FILE_COMPONENTS or "filepath" in kind or "filedata" in kind

    @property
    def is_owner(self) -> bool:
        return self.name == "owner_key" or (self.component.lower() == "browserstate" and self.index == 0)


@dataclass
class Endpoint:
    name: str  # "/generate"
    params: list[Param]
    outputs: list[str]  # component type of each output, lower case
    public: bool


@dataclass
class Outcome:
    endpoint: str
    attack: str
    kind: str  # "complete", "error", "http NNN", "killed", "crashed", "transport"
    data: Any  # the decoded answer (complete: list of outputs; error: the error object)
    message: str  # the error text (error / http), else ""
    seconds: float
    rss_before_mb: float
    growth_mb: float
    rows_added: int | None = None
    note: str = ""
    param: str = ""

    @property
    def refused(self) -> bool:
        return self.kind == "error" or self.kind.startswith("http")

    def where(self) -> str:
        return f"{self.endpoint} {self.attack}"


@dataclass
class Problem:
    kind: str  # leak, markup, internals, message, limit, submitted, memory, hang, crash, route, baseline
    where: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.where}: {self.detail}"


def report(problems: list[Problem], limit: int = 25) -> str:
    seen: dict[str, None] = {}
    for p in problems:
        seen.setdefault(str(p)[:600], None)
    lines = list(seen)
    more = f"\n... and {len(lines) - limit} more" if len(lines) > limit else ""
    return f"{len(lines)} problem(s):\n" + "\n".join(lines[:limit]) + more


def _short(value: Any, n: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("\n", "\\n")
    return text if len(text) <= n else text[:n] + f"... ({len(text)} chars)"


# --------------------------------------------------------------------------------------------
# The target: one studio subprocess at a time, plus the attacker's helpers


def _mem_mb(pid: int) -> dict[str, float]:
    values: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM", "VmSize"):
                values[name] = int(rest.split()[0]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return values


def _reset_peak(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        return True
    except OSError:
        return False


class _LoopbackBait(http.server.BaseHTTPRequestHandler):
    """The attacker's own loopback server: any request to it means the studio fetched a URL."""

    hits: ClassVar[list[str]] = []
    png: ClassVar[bytes] = b""

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.png)))
        self.end_headers()
        self.wfile.write(self.png)

    def log_message(self, *args: Any) -> None:
        pass


def _png(size: int = 480, text: dict[str, str] | None = None) -> bytes:
    import io

    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for k, v in (text or {}).items():
        info.add_text(k, v)
    buf = io.BytesIO()
    Image.new("RGB", (size, size), (180, 40, 40)).save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


class Target:
    """``python app.py`` under attack, reached only over HTTP on 127.0.0.1."""

    def __init__(self, root: Path, *, deadline: float = DEADLINE_S, rss_cap_mb: float = RSS_CAP_MB) -> None:
        self.root = Path(root)
        self.deadline = deadline
        self.rss_cap_mb = rss_cap_mb
        self.file_marker = "canary-file-" + secrets.token_hex(12)
        self.env_marker = "canary-env-" + secrets.token_hex(12)
        self.generation = 0
        self.app: StudioApp | None = None
        self.client: httpx.Client | None = None
        self.records: list[Outcome] = []
        self.kills: list[str] = []
        self.temp_dirs: list[Path] = []
        self.homes: list[Path] = []
        self.prepared: dict[str, str] | None = None
        self.endpoints: dict[str, Endpoint] = {}
        self.info: dict[str, Any] = {}
        self.baseline_kind: dict[str, str] = {}
        self.baseline_problems: dict[str, set[str]] = {}
        self.fetched_back: list[str] = []
        _LoopbackBait.hits = []
        _LoopbackBait.png = _png()
        self.bait = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _LoopbackBait)
        threading.Thread(target=self.bait.serve_forever, daemon=True).start()
        self.bait_url = f"http://127.0.0.1:{self.bait.server_address[1]}"

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> Target:
        self.generation += 1
        home = self.root / f"run-{self.generation}" / "studio-home"
        home.mkdir(parents=True)
        self._write_canaries(home)
        app = StudioApp(home, sim={**SIM, ENV_MARKER_NAME: self.env_marker})
        self.app = app.start()
        self.homes.append(home)
        self.temp_dirs.append(home.parent / "gradio-tmp")
        self._backstop_memory()
        if self.client is not None:
            self.client.close()
        self.client = httpx.Client(base_url=app.url, timeout=httpx.Timeout(self.deadline + 20, connect=5))
        self.info = self.client.get("/gradio_api/info").json()
        self.config = self.client.get("/config").json()
        self.endpoints = self._endpoints()
        self.prepared = None
        self._quiet_simulator()
        return self

    def _quiet_simulator(self) -> None:
        """Test setup of the embedded simulator (``<STUDIO_HOME>/simulator/port``, its loopback
        control API): serve its one small ready-made MP4 instead of encoding an animatic per job,
        so the hundreds of jobs the attacks submit do not load the machine. Jobs, files, frames
        and stitching still happen."""
        try:
            port = int((self.home / "simulator" / "port").read_text().strip())
            httpx.post(f"http://127.0.0.1:{port}/_sim/config", json={"render": False}, timeout=5).raise_for_status()
        except (OSError, ValueError, httpx.HTTPError):
            pass  # slower, not wrong

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.app is not None:
            self.app.stop()
        self.bait.shutdown()
        self.bait.server_close()

    def _write_canaries(self, home: Path) -> None:
        recipe = {
            "kind": "kling-studio/job",
            "version": 1,
            "model_id": MODEL,
            "request": {"prompt": f"Wide shot {self.file_marker}", "duration": 3},
        }
        (home / "canary.json").write_text(json.dumps(recipe))
        (home / "canary.png").write_bytes(_png(text={"canary": self.file_marker}))
        (home / "canary.txt").write_text(self.file_marker + "\n")

    def _backstop_memory(self) -> None:
        """A hard address-space limit far above the watchdog's cap, so a blow-up the sampler
        misses (one giant allocation) fails inside the studio instead of taking the machine."""
        import resource

        assert self.app is not None and self.app.proc is not None
        size = _mem_mb(self.app.proc.pid).get("VmSize", 2048)
        limit = int((size + self.rss_cap_mb + 6144) * 1024 * 1024)
        try:
            resource.prlimit(self.app.proc.pid, resource.RLIMIT_AS, (limit, limit))
        except (OSError, ValueError, AttributeError):
            pass

    def _kill_and_restart(self, reason: str) -> None:
        assert self.app is not None
        self.kills.append(reason)
        if self.app.proc is not None and self.app.proc.poll() is None:
            os.kill(self.app.proc.pid, signal.SIGKILL)
        self.app.stop()
        self.start()

    @property
    def pid(self) -> int:
        assert self.app is not None and self.app.proc is not None
        return self.app.proc.pid

    @property
    def home(self) -> Path:
        assert self.app is not None
        return self.app.home

    # -- what the outsider learns from /gradio_api/info and /config ------------------------

    def _endpoints(self) -> dict[str, Endpoint]:
        components = {c["id"]: c for c in self.config.get("components", [])}
        outputs: dict[str, list[str]] = {}
        private_inputs: dict[str, list[dict[str, Any]]] = {}
        for dep in self.config.get("dependencies", []):
            name = dep.get("api_name")
            if not name:
                continue
            outputs["/" + name] = [str(components.get(i, {}).get("type", "")).lower() for i in dep.get("outputs", [])]
            private_inputs["/" + name] = [components.get(i, {}) for i in dep.get("inputs", [])]
        found: dict[str, Endpoint] = {}
        for name, spec in self.info.get("named_endpoints", {}).items():
            params = []
            for i, p in enumerate(spec.get("parameters", [])):
                label = p.get("label")
                label = label.get("key", "") if isinstance(label, dict) else str(label or "")
                params.append(
                    Param(i, p.get("parameter_name") or f"param_{i}", label, str(p.get("component", "")),
                          str(p.get("python_type", {}).get("type", "")), p.get("example_input"))
                )
            found[name] = Endpoint(name, params, outputs.get(name, []), True)
        # Handlers the page calls that /gradio_api/info does not list, but that take a file
        # (the "Open a recipe" upload): reachable over the same HTTP routes.
        for name, comps in private_inputs.items():
            if name in found or not any(str(c.get("type", "")).lower() in FILE_COMPONENTS for c in comps):
                continue
            params = []
            for i, c in enumerate(comps):
                props = c.get("props", {})
                label = str(props.get("elem_id") or props.get("label") or "")
                params.append(Param(i, f"param_{i}", label, str(c.get("type", "")), "", None))
            found[name] = Endpoint(name, params, outputs.get(name, []), False)
        return found

    def config_api_names(self) -> set[str]:
        """Every handler the page can call by name (``/config``), listed in the API or not."""
        return {"/" + d["api_name"] for d in self.config.get("dependencies", []) if d.get("api_name")}

    def endpoint(self, name: str) -> Endpoint:
        if name not in self.endpoints:
            pytest.skip(f"the studio does not expose {name}")
        return self.endpoints[name]

    # -- calls ---------------------------------------------------------------------------------

    def _raw_call(self, name: str, data: list[Any]) -> tuple[str, Any, str]:
        assert self.client is not None
        kind, decoded = gradio_http.call(self.client, name, data)
        if kind.startswith("http "):
            return kind, None, decoded
        if kind == "error":
            message = decoded.get("error") if isinstance(decoded, dict) else decoded
            return "error", decoded, "" if message is None else str(message)
        if kind == "complete":
            return kind, decoded, ""
        return "transport", None, "the event stream ended without complete or error"

    def journal_rows(self, app: StudioApp | None = None) -> int:
        app = app or self.app
        assert app is not None
        db = app.home / "journal.sqlite3"
        if not db.exists():
            return 0
        for _ in range(5):
            try:
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
                try:
                    return int(con.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])
                finally:
                    con.close()
            except sqlite3.Error:
                time.sleep(0.1)
        return 0

    def call(self, name: str, data: list[Any], attack: str = "baseline", *, param: str = "", record: bool = True) -> Outcome:
        """One call under the watchdog; the studio is killed (and replaced) if it balloons or hangs."""
        app, pid = self.app, self.pid
        assert app is not None
        rows_before = self.journal_rows(app)
        peak_was_reset = _reset_peak(pid)
        before = _mem_mb(pid).get("VmRSS", 0.0)
        state: dict[str, Any] = {"peak": before, "killed": ""}
        done = threading.Event()
        started = time.monotonic()

        def watch() -> None:
            while not done.wait(0.02):
                rss = _mem_mb(pid).get("VmRSS")
                if rss is None:
                    return
                state["peak"] = max(state["peak"], rss)
                if rss - before > self.rss_cap_mb:
                    state["killed"] = f"its RSS grew by {rss - before:.0f} MB (cap {self.rss_cap_mb:.0f} MB)"
                elif time.monotonic() - started > self.deadline:
                    state["killed"] = f"no answer within {self.deadline:.0f} s"
                else:
                    continue
                os.kill(pid, signal.SIGKILL)
                return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            kind, decoded, message = self._raw_call(name, data)
        except (httpx.HTTPError, ValueError) as exc:
            kind, decoded, message = "transport", None, f"{type(exc).__name__}: {exc}"
        finally:
            seconds = time.monotonic() - started
            done.set()
            watcher.join()
        # VmHWM catches a spike between two samples, when it could be reset to "now" before.
        peak = max(state["peak"], _mem_mb(pid).get("VmHWM", 0.0) if peak_was_reset else 0.0)
        outcome = Outcome(name, attack, kind, decoded, message, seconds, before, max(0.0, peak - before), param=param)
        if state["killed"]:
            outcome.kind, outcome.note = "killed", f"stopped by the watchdog: {state['killed']}"
        elif app.proc is not None and app.proc.poll() is not None:
            outcome.kind, outcome.note = "crashed", f"the studio exited with {app.proc.returncode}"
        if outcome.kind in ("killed", "crashed", "transport"):
            outcome.note = outcome.note or message
            outcome.message = ""  # the client's own exception, not an answer of the studio
        outcome.rows_added = self.journal_rows(app) - rows_before
        if record:
            self.records.append(outcome)
        if outcome.kind in ("killed", "crashed"):
            self._kill_and_restart(f"{outcome.where()}: {outcome.note}")
        return outcome

    def upload(self, filename: str, content: bytes) -> str:
        assert self.client is not None
        r = self.client.post("/gradio_api/upload", files={"files": (filename, content)})
        r.raise_for_status()
        return r.json()[0]

    def list_jobs(self, owner: str) -> Any:
        o = self.call("/list_jobs", [owner], "helper", record=False)
        return o.data[0] if o.kind == "complete" and isinstance(o.data, list) and o.data else o.message or o.kind

    # -- plausible valid inputs ------------------------------------------------------------------

    def prepare(self) -> dict[str, str]:
        """One owner with a finished job and a storyboard run (for endpoints that take ids)."""
        if self.prepared is not None:
            return self.prepared
        owner = "attack-owner-" + secrets.token_hex(16)
        job = self.call("/submit_request", [owner, MODEL, json.dumps(REQUEST), ""], "helper", record=False)
        job_id = job.data[0]["job_id"] if job.kind == "complete" else "missing-job"
        request_id = str(job.data[0].get("request_id")) if job.kind == "complete" else "missing-request"
        run = self.call("/run_storyboard", [owner, json.dumps(STORYBOARD), ""], "helper", record=False)
        run_id = run.data[0].get("run_id", "missing-run") if run.kind == "complete" else "missing-run"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            jobs = self.list_jobs(owner)
            if isinstance(jobs, list) and jobs and all(j.get("status") in ("succeeded", "failed") for j in jobs):
                break
            time.sleep(0.2)
        self.prepared = {"owner": owner, "job_id": job_id, "run_id": run_id, "request_id": request_id}
        return self.prepared

    def baseline(self, name: str, owner: str | None = None) -> list[Any]:
        """Plausible valid inputs for an endpoint (a fresh owner key unless one is given)."""
        ep = self.endpoint(name)
        fresh = owner or "attack-" + secrets.token_hex(16)
        prep = self.prepare() if name in ("/export_recipe", "/cancel_job", "/storyboard_status", "/act", "/jobs", "/job_status", "/storyboard_progress") else {}
        by_name: dict[str, Any] = {
            "owner_key": prep.get("owner", fresh) if owner is None else owner,
            "api_key": "",
            "model_id": MODEL,
            "request_json": json.dumps(REQUEST),
            "storyboard_json": json.dumps(STORYBOARD),
            "by": "tier",
            "values_json": json.dumps(["standard", "pro"]),
            "takes": 1,
            "job_id": prep.get("job_id", "missing-job"),
            "run_id": prep.get("run_id", "missing-run"),
            "request": copy.deepcopy(REQUEST),
            "storyboard": copy.deepcopy(STORYBOARD),
            "runcomfy_api_key": "",
            "confirm_total_usd": "",
            "limit": 20,
        }
        data: list[Any] = []
        for p in ep.params:
            if p.name in by_name:
                data.append(by_name[p.name])
            elif p.is_file:
                data.append(None)
            elif p.component.lower() == "browserstate":
                data.append(by_name["owner_key"] if p.index == 0 else "")
            else:
                data.append(copy.deepcopy(p.example))
        if name in ("/generate", "/generate_confirmed"):
            for p in ep.params:
                if p.label == "prompt":
                    data[p.index] = PROMPT
                elif p.label in ("audio_desc", "negative", "alt_prompt"):
                    data[p.index] = ""
                elif p.label == "compare":
                    data[p.index] = []
                elif p.label in ("Generate audio", "audio_on"):
                    data[p.index] = False
        elif name == "/act":
            data[2] = f"reuse|{prep.get('job_id', 'missing-job')}"
        return data

    def generate_index(self, label: str) -> int:
        for p in self.endpoint("/generate").params:
            if p.label == label:
                return p.index
        raise KeyError(label)

    # -- reading answers -------------------------------------------------------------------------

    def needles(self) -> list[tuple[str, str]]:
        found = [
            ("the canary file's marker", self.file_marker),
            ("the environment's marker", self.env_marker),
            ("/etc/passwd content", "root:x:0:0"),
            ("the journal's bytes", "SQLite format 3"),
            ("a path under /proc/", "/proc/"),
            ("a site-packages path", "site-packages"),
            ("a traceback", "Traceback"),
            ("the checkout's path", str(ROOT)),
        ]
        for home in self.homes:
            found.append(("the STUDIO_HOME path", str(home)))
        for temp in self.temp_dirs:
            found.append(("the GRADIO_TEMP_DIR path", str(temp)))
        return found

    def strip_gradio_files(self, value: Any, files: list[str]) -> Any:
        """Gradio's own file answers (``{"path": <its temp dir>, "url": ...}``) are its protocol:
        replaced by a placeholder for the text checks, and collected to be fetched and read."""
        if isinstance(value, dict):
            path = value.get("path")
            if isinstance(path, str) and any(path.startswith(str(t)) for t in self.temp_dirs):
                files.append(path)
                return "<gradio file>"
            return {k: self.strip_gradio_files(v, files) for k, v in value.items()}
        if isinstance(value, list):
            return [self.strip_gradio_files(v, files) for v in value]
        return value

    def file_route(self, path: str) -> httpx.Response:
        assert self.client is not None
        return self.client.get(f"/gradio_api/file={path}")


# --------------------------------------------------------------------------------------------
# Checks shared by the tests and the bench


def aliases(endpoint: str, p: Param) -> tuple[str, ...]:
    """Words that name the parameter ``p`` in a message."""
    names = {p.name, p.name.replace("_", " ")}
    if p.is_owner:
        # Any string is a possible owner key: an unknown one rightly gets "no such job in
        # this browser" (the job or run it scopes).
        names.update(("session", "browser", "job", "run"))
    names.update(EXTRA_ALIASES.get(p.name, ()))
    names.update(LABEL_ALIASES.get(p.label, ()))
    if p.label.isdigit():
        names.add("shot")
    if p.component.lower() == "browserstate":
        names.update(OWNER_ALIASES if p.index == 0 else API_KEY_ALIASES)
    if endpoint == "/act" and p.index == 2:
        names.update(("action", "job"))
    return tuple(sorted(n for n in names if n and not n.startswith(("param_", "param ", "parameter_", "parameter "))))


def internals_in(text: str) -> list[str]:
    return [what for what, pattern in INTERNALS if re.search(pattern, text)]


def message_texts(t: Target, o: Outcome) -> list[str]:
    """The parts of an answer a person reads as HTML or as a message."""
    if o.kind != "complete":
        return [o.message] if o.message and o.refused else []
    ep = t.endpoints.get(o.endpoint)
    outputs = ep.outputs if ep else []
    texts: list[str] = []
    values = o.data if isinstance(o.data, list) else [o.data]
    for i, value in enumerate(values):
        kind = outputs[i] if i < len(outputs) else ""
        if isinstance(value, dict) and value.get("__type__") == "update":
            value = value.get("value")
        if kind in HTML_COMPONENTS and isinstance(value, str):
            texts.append(value)
        elif kind == "api":
            texts.extend(_message_strings(value))
    return texts


def _message_strings(value: Any, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _message_strings(v, str(k))]
    if isinstance(value, list):
        return [s for v in value for s in _message_strings(v, key)]
    return [value] if isinstance(value, str) and MESSAGE_KEYS.search(key) else []


def inspect(t: Target, o: Outcome, fields: tuple[str, ...] = (), *, name_field: bool = False) -> list[Problem]:
    """Leaks, Python internals, unnamed fields, memory and time trouble in one outcome."""
    problems: list[Problem] = []
    where = o.where()
    if o.kind == "killed":
        problems.append(Problem("memory" if "RSS" in o.note else "hang", where,
                                f"{o.note}; {o.rows_added} job(s) submitted meanwhile"))
    elif o.kind == "crashed":
        problems.append(Problem("crash", where, o.note))
    elif o.kind == "transport":
        problems.append(Problem("crash", where, f"no complete answer: {o.note}"))
    if o.growth_mb > RSS_GROWTH_LIMIT_MB and o.kind != "killed":
        problems.append(Problem("memory", where, f"the studio's RSS grew by {o.growth_mb:.0f} MB for one request"))
    files: list[str] = []
    stripped = t.strip_gradio_files(o.data, files)
    answer = o.message + " " + json.dumps(stripped, ensure_ascii=False, default=str)
    for what, needle in t.needles():
        if needle in answer:
            i = answer.index(needle)
            problems.append(Problem("leak", where, f"the answer holds {what}: ...{_short(answer[max(0, i - 60):i + 80], 200)}"))
    problems += fetch_back(t, where, files + temp_paths_in(t, answer))
    for text in message_texts(t, o):
        found = internals_in(text)
        if found:
            problems.append(Problem("internals", where, f"shows {', '.join(found)}: {_short(text)}"))
    if o.refused:
        if not o.message.strip():
            problems.append(Problem("message", where, f"{o.kind} without a message"))
        elif len(o.message) > MESSAGE_MAX_CHARS:
            problems.append(Problem("message", where, f"the message echoes {len(o.message)} characters"))
        if name_field and fields and o.message.strip():
            low = o.message.lower()
            if not any(a.lower() in low for a in fields):
                problems.append(Problem("message", where,
                                        f"does not name the field (any of {', '.join(fields)}): {_short(o.message)}"))
    return problems


def temp_paths_in(t: Target, text: str) -> list[str]:
    paths: list[str] = []
    for temp in t.temp_dirs:
        paths += re.findall(re.escape(str(temp)) + r"[^\s'\"\\,)]*", text)
    return paths


def fetch_back(t: Target, where: str, paths: list[str]) -> list[Problem]:
    """Whatever server file an answer points at must not be readable back with its content."""
    problems: list[Problem] = []
    for path in dict.fromkeys(paths):
        try:
            r = t.file_route(path)
        except httpx.HTTPError:
            continue
        t.fetched_back.append(path)
        if r.status_code != 200:
            continue
        for what, needle in leak_bytes(t):
            if needle in r.content:
                problems.append(Problem("leak", where, f"GET /gradio_api/file={path} serves {what} (the cached copy of a server file)"))
    return problems


def leak_bytes(t: Target) -> list[tuple[str, bytes]]:
    return [
        ("the canary file's marker", t.file_marker.encode()),
        ("the environment's marker", t.env_marker.encode()),
        ("/etc/passwd content", b"root:x:0:0"),
        ("the journal (SQLite)", b"SQLite format 3\x00"),
    ]


def raw_markup_in(t: Target, o: Outcome) -> list[Problem]:
    problems = []
    for text in message_texts(t, o):
        low = text.lower()
        for raw in RAW_MARKUP:
            if raw.lower() in low:
                i = low.index(raw.lower())
                problems.append(Problem("markup", o.where(), f"echoes {raw!r} unescaped: ...{_short(text[max(0, i - 60):i + 60])}"))
    return problems


# --------------------------------------------------------------------------------------------
# 1. File parameters


def server_paths(t: Target) -> list[tuple[str, str]]:
    home = t.home
    return [
        ("canary.json", str(home / "canary.json")),
        ("canary.png", str(home / "canary.png")),
        ("canary.txt", str(home / "canary.txt")),
        ("journal", str(home / "journal.sqlite3")),
        ("/proc/self/environ", "/proc/self/environ"),
        ("/etc/passwd", "/etc/passwd"),
        ("relative canary.json", os.path.relpath(home / "canary.json", ROOT)),
        ("relative environ", "../" * 12 + "proc/self/environ"),
    ]


def file_payloads(t: Target, path: str, suffix: str) -> list[tuple[str, dict[str, Any]]]:
    name = "recipe.json" if suffix == ".json" else "image.png"
    served = f"{t.app.url if t.app else ''}/gradio_api/file={path}"
    payloads = [
        ("path", {"path": path, "meta": dict(FD)}),
        ("path+orig_name", {"path": path, "orig_name": name, "meta": dict(FD)}),
        ("url", {"url": path, "orig_name": name, "meta": dict(FD)}),
        ("path+url=/gradio_api/file", {"path": path, "url": served, "orig_name": name, "meta": dict(FD)}),
    ]
    if path.startswith("/"):
        payloads.append(("file:// url", {"path": "file://" + path, "url": "file://" + path, "orig_name": name, "meta": dict(FD)}))
    return payloads


def file_params(t: Target, name: str) -> list[Param]:
    return [p for p in t.endpoint(name).params if p.is_file]


def attack_file_param(t: Target, name: str, p: Param) -> list[Problem]:
    t.prepare()  # the journal exists from here on
    problems: list[Problem] = []
    suffix = ".json" if "recipe" in p.label.lower() or name == "/open_recipe" else ".png"
    for label, path in server_paths(t):
        for variant, payload in file_payloads(t, path, suffix):
            data = t.baseline(name)
            if name == "/generate":
                data[t.generate_index("mode")] = "image-to-video"
            data[p.index] = payload
            o = t.call(name, data, f"{p.name}({p.label}) <- {label} as {variant}", param=p.name)
            problems += inspect(t, o)
            if o.rows_added:
                problems.append(Problem("leak", o.where(), f"{o.rows_added} job(s) submitted with the server file {path} as input"))
    for variant, payload in (
        ("loopback URL as path", {"path": f"{t.bait_url}/canary.png", "meta": dict(FD)}),
        ("loopback URL as url", {"path": f"{t.bait_url}/canary.png", "url": f"{t.bait_url}/canary.png",
                                 "orig_name": "image.png", "meta": dict(FD)}),
    ):
        hits = len(_LoopbackBait.hits)
        data = t.baseline(name)
        if name == "/generate":
            data[t.generate_index("mode")] = "image-to-video"
        data[p.index] = payload
        o = t.call(name, data, f"{p.name}({p.label}) <- {variant}", param=p.name)
        problems += inspect(t, o)
        if len(_LoopbackBait.hits) > hits:
            problems.append(Problem("leak", o.where(), f"the studio fetched the attacker's loopback URL {_LoopbackBait.hits[-1]}"))
    return problems


def attack_file_params(t: Target, name: str) -> tuple[int, list[Problem]]:
    params = file_params(t, name)
    return len(params), [pr for p in params for pr in attack_file_param(t, name, p)]


def check_file_route(t: Target) -> list[Problem]:
    problems = []
    paths = [p for _, p in server_paths(t)] + ["/proc/self/cmdline", str(t.home / "simulator")]
    for path in paths:
        r = t.file_route(path)
        if r.status_code == 200:
            problems.append(Problem("route", f"GET /gradio_api/file={path}", f"served ({len(r.content)} bytes)"))
        problems += [Problem("leak", f"GET /gradio_api/file={path}", f"the answer holds {what}")
                     for what, needle in leak_bytes(t) if needle in r.content]
    assert t.client is not None
    for path in ("..%2F..%2Fjournal.sqlite3", "..%2Fcanary.json", "%2Fetc%2Fpasswd", "%2Fproc%2Fself%2Fenviron"):
        for route in (f"/studio/media/{path}", f"/studio/media/{path}?sig=0&download=1", f"/studio/recipe/{path}?sig=0"):
            r = t.client.get(route)
            if r.status_code == 200:
                problems.append(Problem("route", f"GET {route}", f"served ({len(r.content)} bytes)"))
            problems += [Problem("leak", f"GET {route}", f"the answer holds {what}")
                         for what, needle in leak_bytes(t) if needle in r.content]
    return problems


def check_temp_dirs(t: Target) -> tuple[int, list[Problem]]:
    problems: list[Problem] = []
    count = 0
    needles = leak_bytes(t)
    for temp in t.temp_dirs:
        if not temp.exists():
            continue
        for path in sorted(temp.rglob("*")):
            if not path.is_file():
                continue
            count += 1
            try:
                with open(path, "rb") as fh:
                    content = fh.read(64 * 1024 * 1024)
            except OSError:
                continue
            for what, needle in needles:
                if needle in content:
                    problems.append(Problem("leak", str(path.relative_to(temp.parent)),
                                            f"Gradio's temp folder holds a copy of a server file ({what})"))
    return count, problems


# --------------------------------------------------------------------------------------------
# 2. Hostile values and limits


def attack_hostile(t: Target, name: str) -> tuple[int, list[Problem]]:
    ep = t.endpoint(name)
    if name not in t.baseline_kind:
        check_baseline(t, name)
    name_field = t.baseline_kind.get(name) == "complete"
    known = t.baseline_problems.get(name, set())  # reported once, by the baseline test
    problems: list[Problem] = []
    for p in ep.params:
        for label, value in hostile_values(ep, p):
            data = t.baseline(name)
            data[p.index] = copy.deepcopy(value)
            o = t.call(name, data, f"{p.name}({p.label}) = {label}", param=p.name)
            problems += [pr for pr in inspect(t, o, aliases(name, p), name_field=name_field) if _gist(pr) not in known]
    return len(ep.params), problems


def hostile_values(ep: Endpoint, p: Param) -> tuple[tuple[str, Any], ...]:
    """The whole list, or the shorter one for a field that repeats an earlier one (shots 2-6)."""
    earlier = [q for q in ep.params[: p.index] if q.component == p.component and (q.label == p.label or
               (q.label.isdigit() and p.label.isdigit()))]
    return HOSTILE_REPEATED if earlier and p.component.lower() != "browserstate" else HOSTILE


def _gist(p: Problem) -> str:
    return p.kind + re.sub(r"[0-9a-f]{12,}", "#", p.detail)


def check_baseline(t: Target, name: str) -> list[Problem]:
    o = t.call(name, t.baseline(name), "baseline")
    t.baseline_kind[name] = o.kind
    problems = inspect(t, o)
    t.baseline_problems[name] = {_gist(p) for p in problems}
    if o.kind != "complete" and name not in ("/cancel_job",):  # a finished job cannot be cancelled
        problems.append(Problem("baseline", o.where(), f"plausible valid inputs were not accepted: {o.kind} {_short(o.message)}"))
    return problems


@dataclass
class LimitCase:
    id: str
    endpoint: str
    build: Callable[[Target, str], list[Any]]
    fields: tuple[str, ...]
    limit: str | None = r"\b8\b"  # what the refusal must name; None: the field is enough

    @property
    def param(self) -> str:
        return {"/run_variants": "values_json", "/quote": "takes", "/generate_video": "takes"}.get(self.endpoint, "A/B and takes fields")


def _variants(by: str, values: str) -> Callable[[Target, str], list[Any]]:
    return lambda t, owner: [owner, MODEL, json.dumps(REQUEST), by, values, ""]


def _generate(label: str, value: Any) -> Callable[[Target, str], list[Any]]:
    def build(t: Target, owner: str) -> list[Any]:
        data = t.baseline("/generate", owner)
        data[t.generate_index(label)] = value
        return data

    return build


def _generate_many(**values: Any) -> Callable[[Target, str], list[Any]]:
    def build(t: Target, owner: str) -> list[Any]:
        data = t.baseline("/generate", owner)
        for label, value in values.items():
            data[t.generate_index(label)] = value
        return data

    return build


def _quote(takes: Any) -> Callable[[Target, str], list[Any]]:
    return lambda t, owner: [MODEL, json.dumps(REQUEST), takes]


def _generate_video(takes: Any) -> Callable[[Target, str], list[Any]]:
    return lambda t, owner: [owner, MODEL, dict(REQUEST), takes, "", ""]


VALUES_FIELDS = ("values", "variants")
LIMIT_CASES = (
    # Three tiers exist, so "3 at most" names the limit as well as "2-8" does.
    LimitCase("variants-tier-x1000", "/run_variants", _variants("tier", json.dumps(["pro"] * 1000)), VALUES_FIELDS + ("tier",),
              r"\b[38]\b"),
    LimitCase("variants-takes-1e9-int", "/run_variants", _variants("takes", "1000000000"), VALUES_FIELDS + ("takes",)),
    LimitCase("variants-takes-1e9-float", "/run_variants", _variants("takes", "1e9"), VALUES_FIELDS + ("takes",)),
    LimitCase("variants-takes-1e9-string", "/run_variants", _variants("takes", '"1e9"'), VALUES_FIELDS + ("takes",)),
    LimitCase("variants-takes-5000-digits", "/run_variants", _variants("takes", "1" + "0" * 5000), VALUES_FIELDS + ("takes",),
              None),
    LimitCase("variants-takes-9", "/run_variants", _variants("takes", "9"), VALUES_FIELDS + ("takes",)),
    LimitCase("variants-prompt-abc-is-not-3-prompts", "/run_variants", _variants("prompt", '"abc"'), VALUES_FIELDS + ("prompt",),
              None),
    LimitCase("variants-prompt-x9", "/run_variants", _variants("prompt", json.dumps([f"{PROMPT}, take {i}" for i in range(9)])),
              VALUES_FIELDS + ("prompt",)),
    LimitCase("generate-ab-tiers-x1000", "/generate", _generate("compare", ["pro"] * 1000), ("tier", "compare", "a/b"),
              r"\b[38]\b"),
    LimitCase("generate-takes-1e9", "/generate", _generate("variants", 1e9), ("takes", "variants", "versions")),
    # "2-8 versions of one setup": 8 takes x 3 A/B tiers x 2 A/B prompts is 48 paid jobs in one click.
    LimitCase("generate-8-takes-x-3-tiers-x-2-prompts", "/generate",
              _generate_many(variants=8, compare=["pro", "4k"], alt_prompt="Close-up of the lighthouse keeper at dusk"),
              ("takes", "variants", "versions", "tier", "prompt")),
    LimitCase("quote-takes-1e9", "/quote", _quote(1e9), ("takes",)),
    LimitCase("quote-takes-1e9-string", "/quote", _quote("1e9"), ("takes",)),
    LimitCase("quote-takes-9", "/quote", _quote(9), ("takes",)),
    LimitCase("generate-video-takes-9", "/generate_video", _generate_video(9), ("takes",)),
    LimitCase("generate-video-takes-1e9", "/generate_video", _generate_video(1e9), ("takes",)),
)


def attack_limit(t: Target, case: LimitCase) -> list[Problem]:
    owner = "attack-" + secrets.token_hex(16)
    o = t.call(case.endpoint, case.build(t, owner), case.id, param=case.param)
    problems = inspect(t, o, case.fields, name_field=True)
    where = o.where()
    if o.kind == "complete":
        problems.append(Problem("limit", where, f"accepted (the limit is 2-8): {_short(o.data, 240)}"))
    elif o.refused and case.limit and not re.search(case.limit, o.message):
        problems.append(Problem("limit", where, f"the refusal does not name the limit: {_short(o.message)}"))
    if o.rows_added:
        problems.append(Problem("submitted", where, f"{o.rows_added} job(s) were written to the journal"))
    if o.kind not in ("killed", "crashed") and case.endpoint != "/quote":
        jobs = t.list_jobs(owner)
        if jobs != []:
            problems.append(Problem("submitted", where, f"/list_jobs for this owner is not empty: {_short(jobs, 200)}"))
    return problems


# --------------------------------------------------------------------------------------------
# 3. Markup round trips


def _recipe(**overrides: Any) -> bytes:
    recipe: dict[str, Any] = {"kind": "kling-studio/job", "version": 1, "model_id": MODEL, "request": dict(REQUEST)}
    recipe.update(overrides)
    return json.dumps(recipe).encode()


def _markup_calls(t: Target, case: str) -> Iterator[Outcome]:
    def fresh() -> str:
        return "attack-" + secrets.token_hex(16)

    prep = t.prepare()
    if case == "generate-prompt":
        owner = fresh()
        data = t.baseline("/generate", owner)
        data[t.generate_index("prompt")] = MARKUP
        yield t.call("/generate", data, "prompt = markup")
        deadline = time.monotonic() + 8
        while True:  # until the video reaches the gallery
            o = t.call("/jobs", [owner], "gallery with a markup prompt")
            if time.monotonic() > deadline or (o.kind == "complete" and "video-card" in json.dumps(o.data)):
                break
            time.sleep(0.3)
        yield o
        yield t.call("/load", [owner, ""], "page load with a markup prompt in the gallery")
    elif case == "generate-shots-and-extras":
        owner = fresh()
        data = t.baseline("/generate", owner)
        ep = t.endpoint("/generate")
        data[t.generate_index("prompt_mode")] = "shots"
        data[t.generate_index("duration")] = 4
        for p in ep.params:
            if p.label == "parameter_26":
                data[p.index] = 2
            elif p.label in ("1", "2", "camera", "audio_cue", "negative", "audio_desc", "alt_prompt"):
                data[p.index] = MARKUP
            elif p.label == "seconds":
                data[p.index] = 2
        yield t.call("/generate", data, "shots, camera, cues, negative, audio, A/B prompt = markup")
        yield t.call("/jobs", [owner], "job list after markup shots")
        data = t.baseline("/generate", fresh())
        data[t.generate_index("negative")] = MARKUP * 300  # too long: refused, echoing what?
        yield t.call("/generate", data, "negative = long markup")
    elif case == "submit-request":
        owner = fresh()
        yield t.call("/submit_request", [owner, MODEL, json.dumps({**REQUEST, "prompt": MARKUP}), ""], "prompt = markup")
        yield t.call("/jobs", [owner], "job list after a markup prompt")
        bad = {"prompt": MARKUP, "duration": MARKUP, "aspect_ratio": MARKUP, MARKUP: 1}
        yield t.call("/submit_request", [fresh(), MODEL, json.dumps(bad), ""], "request fields = markup")
        yield t.call("/quote", [MODEL, json.dumps(bad), 1], "request fields = markup")
        yield t.call("/quote", [MODEL, MARKUP, 1], "request_json = markup")
    elif case == "model-id":
        yield t.call("/quote", [MARKUP, json.dumps(REQUEST), 1], "model_id = markup")
        yield t.call("/submit_request", [fresh(), MARKUP, json.dumps(REQUEST), ""], "model_id = markup")
        yield t.call("/run_variants", [fresh(), MARKUP, json.dumps(REQUEST), "tier", '["standard","pro"]', ""], "model_id = markup")
    elif case == "variants":
        yield t.call("/run_variants", [fresh(), MODEL, json.dumps(REQUEST), MARKUP, '["standard","pro"]', ""], "by = markup")
        yield t.call("/run_variants", [fresh(), MODEL, json.dumps(REQUEST), "tier", json.dumps(list(MARKUP_PIECES)), ""],
                     "tiers = markup")
        owner = fresh()
        yield t.call("/run_variants", [owner, MODEL, json.dumps(REQUEST), "prompt", json.dumps([MARKUP, MARKUP + " again"]), ""],
                     "prompts = markup")
        yield t.call("/jobs", [owner], "job list after markup prompt variants")
    elif case == "storyboard-json":
        good = {**STORYBOARD, "title": MARKUP,
                "shots": [{"prompt": MARKUP, "duration": 3, "camera": MARKUP}]}
        bad = {**STORYBOARD, "tier": MARKUP, "shots": [{"prompt": MARKUP, "duration": MARKUP, "camera": MARKUP}]}
        yield t.call("/storyboard_quote", [json.dumps(good)], "title, prompt, camera = markup")
        yield t.call("/storyboard_quote", [json.dumps(bad)], "tier, duration = markup")
        yield t.call("/storyboard_quote", [MARKUP], "storyboard_json = markup")
        owner = fresh()
        yield t.call("/run_storyboard", [owner, json.dumps(good), ""], "title, prompt, camera = markup")
        yield t.call("/run_storyboard", [fresh(), json.dumps(bad), ""], "tier, duration = markup")
        yield t.call("/jobs", [owner], "job list after a markup storyboard")
        if "/_price" in t.config_api_names():
            script = f"3 | {MARKUP} | {MARKUP}\n{MARKUP}"
            yield t.call("/_price", [script, "standard", False, False], "storyboard script = markup")
    elif case == "ids":
        yield t.call("/export_recipe", [prep["owner"], MARKUP], "job_id = markup")
        yield t.call("/cancel_job", [prep["owner"], MARKUP, ""], "job_id = markup")
        yield t.call("/storyboard_status", [prep["owner"], MARKUP], "run_id = markup")
        yield t.call("/act", [prep["owner"], "", f"reuse|{MARKUP}"], "action = reuse|markup")
        yield t.call("/act", [prep["owner"], "", f"{MARKUP}|{prep['job_id']}"], "action = markup|job")
        yield t.call("/act", [prep["owner"], "", MARKUP], "action = markup")
    elif case == "owner-keys":
        for name in ("/list_jobs", "/jobs", "/load", "/export_recipe", "/cancel_job", "/storyboard_status",
                     "/submit_request", "/run_variants", "/act", "/generate"):
            if name in t.endpoints:
                data = t.baseline(name, owner=MARKUP)
                yield t.call(name, data, "owner key = markup")
    elif case == "recipe-files":
        if "/open_recipe" not in t.endpoints:
            return
        files = [
            ("good.json", _recipe(request={**REQUEST, "prompt": MARKUP}), "prompt = markup"),
            ("kind.json", _recipe(kind=MARKUP), "kind = markup"),
            ("version.json", _recipe(version=MARKUP), "version = markup"),
            ("model.json", _recipe(model_id=MARKUP), "model_id = markup"),
            ("request.json", _recipe(request={"prompt": MARKUP, "duration": MARKUP, MARKUP: 1}), "request fields = markup"),
            ("storyboard.json", json.dumps({"kind": "kling-studio/storyboard", "version": 1,
                                            "storyboard": {**STORYBOARD, "title": MARKUP, "tier": MARKUP}}).encode(),
             "storyboard recipe = markup"),
            ("text.json", MARKUP.encode(), "not JSON, markup text"),
            (f"x{MARKUP_PIECES[0]}.json", _recipe(), "file name = markup"),
        ]
        for filename, content, what in files:
            path = t.upload(filename, content)
            yield t.call("/open_recipe", [{"path": path, "orig_name": filename, "meta": dict(FD)}], f"recipe file: {what}")


MARKUP_CASES = ("generate-prompt", "generate-shots-and-extras", "submit-request", "model-id", "variants",
                "storyboard-json", "ids", "owner-keys", "recipe-files")


def attack_markup(t: Target, case: str) -> list[Problem]:
    problems: list[Problem] = []
    for o in _markup_calls(t, case):
        problems += raw_markup_in(t, o) + inspect(t, o)
    return problems


# --------------------------------------------------------------------------------------------
# 4. Owner keys

BAD_OWNER_KEYS: tuple[tuple[str, Any], ...] = (
    ("null", None),
    ("empty", ""),
    ("a space", " "),
    ("1 MB", "k" * 1_000_000),
    ("newlines", "owner\nkey\r\nInjected: yes"),
    ("NUL", "owner\x00key"),
)
OWNER_ENDPOINTS = ("/load", "/generate", "/jobs", "/run_storyboard", "/storyboard_status", "/run_variants",
                   "/export_recipe", "/submit_request", "/list_jobs", "/cancel_job", "/act",
                   "/generate_video", "/job_status", "/list_my_videos", "/start_storyboard", "/storyboard_progress")


def attack_owner_keys(t: Target, name: str) -> list[Problem]:
    ep = t.endpoint(name)
    owner_params = [p for p in ep.params if p.is_owner]
    if not owner_params:
        return []
    p = owner_params[0]
    problems: list[Problem] = []
    for label, key in BAD_OWNER_KEYS:
        data = t.baseline(name, owner="attack-placeholder")
        data[p.index] = key
        o = t.call(name, data, f"owner key = {label}", param=p.name)
        where = o.where()
        problems += inspect(t, o, OWNER_ALIASES, name_field=True)
        texts = " ".join(message_texts(t, o)) if o.kind == "complete" else o.message
        found = internals_in(texts)
        if found and o.kind == "complete":
            problems.append(Problem("internals", where, f"shows {', '.join(found)}"))
        if o.rows_added:
            problems.append(Problem("submitted", where, f"{o.rows_added} job(s) submitted under a malformed owner key"))
        if o.kind != "complete":
            continue
        if name == "/list_jobs":
            if o.data != [[]]:
                problems.append(Problem("owner", where, f"lists jobs for a malformed owner key: {_short(o.data)}"))
        elif name == "/jobs":  # a timer tick: an empty job list and gallery is a fine answer
            if re.search(r"job-card|video-card", json.dumps(o.data)):
                problems.append(Problem("owner", where, "shows jobs for a malformed owner key"))
        elif name == "/load":
            state = o.data[0] if isinstance(o.data, list) and o.data else None
            if state == key or not (isinstance(state, str) and re.fullmatch(r"[A-Za-z0-9_\-]{16,128}", state)):
                problems.append(Problem("owner", where, f"the page keeps a malformed owner key: {_short(state)}"))
        elif not any(a in texts.lower() for a in OWNER_ALIASES):
            problems.append(Problem("owner", where, f"accepted without a refusal naming the owner key: {_short(texts or o.data)}"))
    return problems


def attack_other_owner(t: Target) -> list[Problem]:
    """A well-formed key of another browser reaches none of the prepared owner's jobs or runs."""
    prep = t.prepare()
    other = "attack-" + secrets.token_hex(16)
    calls = [
        ("/export_recipe", [other, prep["job_id"]]),
        ("/cancel_job", [other, prep["job_id"], ""]),
        ("/storyboard_status", [other, prep["run_id"]]),
        ("/act", [other, "", f"reuse|{prep['job_id']}"]),
        ("/act", [other, "", f"continue|{prep['job_id']}"]),
        ("/act", [other, "", f"promote:pro|{prep['job_id']}"]),
        ("/job_status", [other, prep["job_id"], ""]),
        ("/storyboard_progress", [other, prep["run_id"]]),
        ("/list_my_videos", [other, 100]),
    ]
    problems: list[Problem] = []
    for name, data in calls:
        if name not in t.endpoints:
            continue
        o = t.call(name, data, f"another owner asks for {data[-1] if name == '/act' else data[1]}")
        problems += inspect(t, o)
        files: list[str] = []
        answer = json.dumps(t.strip_gradio_files(o.data, files), default=str)
        if prep["request_id"] in answer or PROMPT in answer or files:
            problems.append(Problem("isolation", o.where(), f"answers with the other owner's job: {_short(answer, 200)}"))
    return problems


def _storyboard_done(t: Target, owner: str, run_id: str, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        o = t.call("/storyboard_status", [owner, run_id], "helper", record=False)
        status = o.data[0] if o.kind == "complete" and isinstance(o.data, list) and isinstance(o.data[0], dict) else {}
        if status.get("done") or o.kind != "complete":
            break
        time.sleep(0.3)
    return status


def _digest(path: Any) -> str | None:
    import hashlib

    try:
        return hashlib.sha256(Path(str(path)).read_bytes()).hexdigest()
    except (OSError, ValueError):
        return None


def attack_shared_storyboard_title(t: Target) -> list[Problem]:
    """Two owners whose storyboards share a title must each keep their own stitched video.

    Outsider's view: the status answer names the finished file (today as a server path; the
    fixture owns that file system, so it can read it). When no file is named, there is nothing
    to compare and the check passes."""
    title = "Shared title " + secrets.token_hex(4)
    owner_a, owner_b = "attack-" + secrets.token_hex(16), "attack-" + secrets.token_hex(16)
    board_a = {**STORYBOARD, "title": title, "shots": [{"prompt": "a lighthouse at dusk", "duration": 3}]}
    board_b = {**STORYBOARD, "title": title,  # two clips, so its stitched file differs from A's
               "shots": [{"prompt": "a fox in fresh snow", "duration": 8}, {"prompt": "the fox runs off", "duration": 8}]}
    problems: list[Problem] = []
    a = t.call("/run_storyboard", [owner_a, json.dumps(board_a), ""], "owner A's storyboard")
    if a.kind != "complete":
        return [Problem("baseline", a.where(), f"not accepted: {_short(a.message)}")]
    status_a = _storyboard_done(t, owner_a, a.data[0]["run_id"])
    file_a = status_a.get("file") or status_a.get("url")
    digest_a = _digest(file_a)
    b = t.call("/run_storyboard", [owner_b, json.dumps(board_b), ""], "owner B's storyboard, same title")
    if b.kind != "complete":
        return [Problem("baseline", b.where(), f"not accepted: {_short(b.message)}")]
    status_b = _storyboard_done(t, owner_b, b.data[0]["run_id"])
    file_b = status_b.get("file") or status_b.get("url")
    where = "/run_storyboard two owners, one title"
    if file_a and file_a == file_b:
        problems.append(Problem("isolation", where, "both owners' stitched videos are the same file"))
    if digest_a and _digest(file_a) != digest_a:
        problems.append(Problem("isolation", where, "owner B's run overwrote owner A's stitched video"))
    return problems


# --------------------------------------------------------------------------------------------
# 5. Error text everywhere


def check_error_texts(t: Target) -> list[Problem]:
    """Every error message of the module (and every message-like answer): no Python internals."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for o in t.records:
        for text in message_texts(t, o):
            key = re.sub(r"[0-9a-f]{8,}", "#", text)[:300]
            if key in seen:
                continue
            seen.add(key)
            found = internals_in(text)
            if found:
                problems.append(Problem("internals", o.where(), f"{', '.join(found)}: {_short(text)}"))
    return problems


# --------------------------------------------------------------------------------------------
# Everything, in the order of the tests below (for bench/attack_surface.py)


def run_all(t: Target, log: Callable[[str], None] = lambda line: None) -> dict[str, list[Problem]]:
    groups: dict[str, list[Problem]] = {}

    def run(group: str, problems: list[Problem]) -> None:
        groups.setdefault(group, []).extend(problems)
        log(f"{group:<34} {len(problems):5d} problem(s)")

    for name in PUBLIC_ENDPOINTS:
        if name in t.endpoints:
            run(f"baseline {name}", check_baseline(t, name))
    for name in FILE_ENDPOINTS:
        if name in t.endpoints:
            run(f"file parameters {name}", attack_file_params(t, name)[1])
    for name in PUBLIC_ENDPOINTS:
        if name in t.endpoints:
            run(f"hostile values {name}", attack_hostile(t, name)[1])
    for case in LIMIT_CASES:
        if case.endpoint in t.endpoints:
            run(f"limit {case.id}", attack_limit(t, case))
    for case in MARKUP_CASES:
        run(f"markup {case}", attack_markup(t, case))
    for name in OWNER_ENDPOINTS:
        if name in t.endpoints:
            run(f"owner keys {name}", attack_owner_keys(t, name))
    run("another owner", attack_other_owner(t))
    run("one storyboard title, two owners", attack_shared_storyboard_title(t))
    run("error texts", check_error_texts(t))
    run("file route", check_file_route(t))
    run("temp dir", check_temp_dirs(t)[1])
    return groups


# --------------------------------------------------------------------------------------------
# The tests

PUBLIC_ENDPOINTS = ("/load", "/generate", "/generate_confirmed", "/jobs", "/storyboard_quote", "/run_storyboard", "/storyboard_status",
                    "/run_variants", "/export_recipe", "/quote", "/submit_request", "/list_jobs", "/cancel_job", "/act",
                    # The MCP server's tools (studio.ui.agent_tools), public endpoints too.
                    "/list_endpoints", "/quote_request", "/validate_request", "/generate_video", "/job_status", "/list_my_videos",
                    "/plan_storyboard", "/start_storyboard", "/storyboard_progress")
# The two image flags are page-only events (no server function) that still take the image; the
# two checks read an image when it is uploaded (studio.ui.image_check).
FILE_ENDPOINTS = ("/generate", "/generate_confirmed", "/open_recipe", "/has_start_image", "/has_end_image", "/check_start_image", "/check_end_image")


def _id(name: str) -> str:
    return name.strip("/")


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    root = Path(tempfile.mkdtemp(prefix="attack-surface-"))
    t = Target(root).start()
    try:
        yield t
    finally:
        t.close()
        shutil.rmtree(root, ignore_errors=True)


def test_every_endpoint_is_under_attack(target: Target) -> None:
    """The suite knows every named endpoint and every handler that takes a file."""
    public = set(target.info.get("named_endpoints", {}))
    assert public <= set(PUBLIC_ENDPOINTS), f"new endpoints to attack: {sorted(public - set(PUBLIC_ENDPOINTS))}"
    with_files = {n for n, ep in target.endpoints.items() if any(p.is_file for p in ep.params)}
    assert with_files <= set(FILE_ENDPOINTS), f"new file inputs to attack: {sorted(with_files - set(FILE_ENDPOINTS))}"
    assert target.info.get("unnamed_endpoints") in ({}, [], None)


@pytest.mark.parametrize("name", PUBLIC_ENDPOINTS, ids=_id)
def test_plausible_inputs_are_accepted_without_leaks(target: Target, name: str) -> None:
    """The baselines the attacks start from are valid (so a refusal is about the attacked field),
    and their answers hold no server path or marker."""
    problems = check_baseline(target, name)
    assert not problems, report(problems)


def test_an_uploaded_image_is_accepted_as_start_image(target: Target) -> None:
    """The file channel works for a real upload (so the file attacks test the right path)."""
    data = target.baseline("/generate")
    data[target.generate_index("mode")] = "image-to-video"
    path = target.upload("start.png", _png())
    data[target.generate_index("start_image")] = {"path": path, "orig_name": "start.png", "meta": dict(FD)}
    o = target.call("/generate", data, "start image = an uploaded PNG")
    assert o.kind == "complete" and o.rows_added == 1, f"{o.kind}: {_short(o.message or o.data)}"


@pytest.mark.parametrize("name", FILE_ENDPOINTS, ids=_id)
def test_file_parameters_never_read_server_files(target: Target, name: str) -> None:
    count, problems = attack_file_params(target, name)
    assert count, f"{name} has no file parameter"
    assert not problems, report(problems)


@pytest.mark.parametrize("name", PUBLIC_ENDPOINTS, ids=_id)
def test_hostile_values_are_refused_cleanly(target: Target, name: str) -> None:
    _, problems = attack_hostile(target, name)
    assert not problems, report(problems)


@pytest.mark.parametrize("case", LIMIT_CASES, ids=lambda c: c.id)
def test_variant_limits_are_enforced_before_submitting(target: Target, case: LimitCase) -> None:
    problems = attack_limit(target, case)
    assert not problems, report(problems)


@pytest.mark.parametrize("case", MARKUP_CASES)
def test_markup_only_comes_back_escaped(target: Target, case: str) -> None:
    problems = attack_markup(target, case)
    assert not problems, report(problems)


@pytest.mark.parametrize("name", OWNER_ENDPOINTS, ids=_id)
def test_malformed_owner_keys_are_refused(target: Target, name: str) -> None:
    problems = attack_owner_keys(target, name)
    assert not problems, report(problems)


def test_another_owner_reaches_no_job_or_run(target: Target) -> None:
    problems = attack_other_owner(target)
    assert not problems, report(problems)


def test_storyboards_of_two_owners_with_one_title_stay_apart(target: Target) -> None:
    problems = attack_shared_storyboard_title(target)
    assert not problems, report(problems)


def test_the_pages_own_events_answered_at_once_refuse_hostile_values_cleanly(target: Target) -> None:
    """The page's private events that skip Gradio's queue (studio.ui.events.AT_ONCE: the form,
    the shots' buttons, the modes, the storyboard's price...) are reachable by anyone with
    ``/gradio_api/run/predict`` and an ``fn_index`` from ``/config``. Each takes the hostile
    values in its first input and answers, or refuses in words, without a leak, Python's
    internals or an unexplained failure."""
    assert target.client is not None
    components = {c["id"]: c for c in target.config.get("components", [])}
    events = [d for d in target.config.get("dependencies", [])
              if d.get("queue") is False and d.get("backend_fn") and d.get("api_visibility") == "private" and d.get("inputs")]
    assert len(events) > 30, "the page's unqueued events were not found in /config"
    problems: list[Problem] = []
    for dep in events:
        for label, value in HOSTILE_REPEATED:
            data = [components.get(i, {}).get("props", {}).get("value") for i in dep["inputs"]]
            data[0] = copy.deepcopy(value)
            body = {"data": data, "fn_index": dep["id"], "session_hash": "attacker-at-once", "event_data": None, "trigger_id": None}
            answer = target.client.post("/gradio_api/run/predict", json=body)
            where = f"{dep.get('api_name')} (fn {dep['id']}) first input = {label}"
            message = answer.json().get("error") if answer.status_code >= 400 else None
            if answer.status_code >= 400 and not (isinstance(message, str) and message.strip()):
                problems.append(Problem("crash", where, f"HTTP {answer.status_code} without a message: {_short(answer.text)}"))
            problems += [Problem("leak", where, f"the answer holds {what}") for what, needle in target.needles() if needle in answer.text]
            if isinstance(message, str) and internals_in(message):
                problems.append(Problem("internals", where, f"shows {', '.join(internals_in(message))}: {_short(message)}"))
    assert not problems, report(problems)


def test_every_error_message_is_plain_studio_text(target: Target) -> None:
    problems = check_error_texts(target)
    assert not problems, report(problems, limit=40)


SESSION_CALLS = 300
SESSION_GROWTH_LIMIT_MB = 40.0  # Gradio's own sessions held about 0.4 MB each (120 MB here)


def test_api_calls_leave_no_memory_or_files_behind(target: Target) -> None:
    """Each API call is a new Gradio session: 300 of them leave the studio's RSS less than 40 MB
    bigger (bench/bench_sessions.py), and ``/gradio_api/deep_link`` for sessions the caller
    named, holding values of the caller's choosing, writes nothing into Gradio's temp folder."""
    assert target.client is not None
    data = target.baseline("/quote")
    for _ in range(5):
        assert target._raw_call("/quote", data)[0] == "complete"
    before = _mem_mb(target.pid)["VmRSS"]
    for _ in range(SESSION_CALLS):
        target._raw_call("/quote", data)
    grown = _mem_mb(target.pid)["VmRSS"] - before
    assert grown < SESSION_GROWTH_LIMIT_MB, f"{SESSION_CALLS} API calls left the studio {grown:.0f} MB bigger"
    quote = gradio_http.fn_index(target.config, "quote")
    for n in range(3):
        session = f"attacker-session-{n}"
        own = [MODEL, json.dumps({"prompt": f"Wide shot number {n}", "duration": 3}), 1]
        joined = gradio_http.join(target.client, quote, session, own)
        assert joined.status_code == 200, joined.text
        answer = target.client.get("/gradio_api/deep_link", params={"session_hash": session})
        assert answer.status_code == 404, f"deep link for a session of the caller's: {answer.status_code} {answer.text[:80]}"
    written = [p for temp in target.temp_dirs for p in temp.rglob("*") if "deep_link" in str(p)]
    assert not written, f"deep links written into Gradio's temp folder: {written[:3]}"


def test_file_route_refuses_server_paths(target: Target) -> None:
    problems = check_file_route(target)
    assert not problems, report(problems)


def test_gradio_temp_dir_holds_no_server_file(target: Target) -> None:
    """Run last: after every attack above, no file under GRADIO_TEMP_DIR carries a marker."""
    _, problems = check_temp_dirs(target)
    assert not problems, report(problems)


def test_the_studio_was_never_killed_or_crashed(target: Target) -> None:
    assert not target.kills, "the watchdog had to stop the studio:\n" + "\n".join(target.kills)
