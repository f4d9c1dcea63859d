"""SIGKILL at 20 random points across the life of jobs, then restart: nothing paid is lost.

Each point starts the studio as its own process — the headless twin (`run` or `storyboard`) or
the web studio (`python app.py`, forked by tests.forked_app, submitting through its JSON API) —
pointed at a simulator that answers a submit in 0.3 s and sends result files at 150 kB/s, like a
real network. The point
waits until the journal shows the chosen phase (the paid submit in flight, polling, the
download, stitching), sleeps a random part of that phase and kills the process with SIGKILL.
Then it restarts the studio the way a user would (`resume`, the same `storyboard` command, or
the web studio again, which reattaches on start) and checks, against the simulator's own list
of the jobs it accepted (the ones a user pays for):

- every paid job has exactly one journal row and was submitted exactly once;
- every paid job whose request id was recorded ends ``succeeded`` with a playable MP4 of the
  requested length on disk; a storyboard ends with its stitched film;
- the one unavoidable exception: a kill after RunComfy accepted a submit but before its
  answer arrived leaves a paid job whose request id the studio never learned (the API has no
  way to look it up). Its row is then ``unknown`` with a message to check the RunComfy
  dashboard, and it is never resubmitted (SECURITY.md, "An ambiguous submit").

The points are drawn from a seed printed with the results; ``STUDIO_CRASH_SEED=N`` replays a run.
They run as four tests of five (``part1of4`` …), so the suite's workers can share them; each
part prints its seed (each worker draws its own) and replays with it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import av
import pytest

from studio.jobs.journal import JobRecord, open_journal
from studio.jobs.runner import INTERRUPTED_SUBMIT
from studio.simulator import SimulatorConfig, SimulatorServer

from . import forked_app
from .sim_support import free_port, wait_until
from .studio_support import child_env

ROOT = Path(__file__).resolve().parents[1]
T2V = "kling/kling-3.0/standard/text-to-video"
SUBMIT_SECONDS = 0.3  # how long the simulator takes to answer a submit (after accepting it)
CONFIG = SimulatorConfig(queue_seconds=0.4, run_seconds=0.6, download_bytes_per_second=150_000)
PHASES = ("submit", "polling", "download", "stitching")
# How far into each phase a kill may land (seconds after the journal first shows it).
WINDOW = {"submit": SUBMIT_SECONDS + 0.15, "polling": 1.0, "download": 0.9, "stitching": 0.3}
SEED = int(os.environ.get("STUDIO_CRASH_SEED") or random.SystemRandom().randrange(2**31))
POINTS = max(20, int(os.environ.get("STUDIO_CRASH_POINTS") or 20))  # bench/crash_points.py asks for more
LANES = 3  # points of one part run side by side
PARTS = 4  # the points are split into this many tests (a seed's points, in order)


@dataclass
class Point:
    number: int
    phase: str
    surface: str  # run | storyboard | web
    clip: int  # which clip of a storyboard the phase is watched on
    delay: float
    seen: list[str] = field(default_factory=list)  # journal statuses at the kill
    orphans: int = 0

    @property
    def marker(self) -> str:
        return f"crash-point-{self.number:02d}"

    def __str__(self) -> str:
        return f"point {self.number} ({self.surface}, {self.phase} +{self.delay:.2f} s)"


def crash_points(seed: int, count: int = 20) -> list[Point]:
    """``count`` points, as many per phase, each on a random surface at a random moment of its phase."""
    rng = random.Random(seed)
    points = []
    for n in range(count):
        phase = PHASES[n % len(PHASES)]
        surface = "storyboard" if phase == "stitching" else rng.choice(("run", "storyboard", "web"))
        points.append(Point(n + 1, phase, surface, rng.choice((0, 1)), rng.uniform(0, WINDOW[phase])))
    return points


@pytest.fixture(scope="module")
def slow_simulator():
    with SimulatorServer(CONFIG) as server:
        server.faults.add("submit", "slow", times=0, delay=SUBMIT_SECONDS)
        yield server


@pytest.mark.parametrize("part", range(PARTS), ids=[f"part{n + 1}of{PARTS}" for n in range(PARTS)])
def test_twenty_random_sigkills_lose_no_paid_video(slow_simulator, tmp_path, part):
    """The points in four parts, so the suite's workers share them; each part covers every phase."""
    size = -(-POINTS // PARTS)
    points = crash_points(SEED, POINTS)[part * size:(part + 1) * size]
    print(f"\nSTUDIO_CRASH_SEED={SEED} STUDIO_CRASH_POINTS={POINTS} (part {part + 1} of {PARTS})")
    with ThreadPoolExecutor(LANES) as pool:
        outcomes = list(pool.map(lambda p: _run_point(slow_simulator, tmp_path / p.marker, p), points))
    for point, outcome in zip(points, outcomes, strict=True):
        print(f"{point}: journal at the kill {point.seen or ['(no row yet)']}; {outcome}")
    failed = [f"{p}: {o}" for p, o in zip(points, outcomes, strict=True) if o.startswith("FAILED")]
    assert not failed, f"seed {SEED}:\n" + "\n".join(failed)
    assert {p.phase for p in points} == set(PHASES) and len(points) == size
    markers = {p.marker for p in points}
    paid = [j for j in slow_simulator.store.jobs() if any(m in json.dumps(j.body).lower() for m in markers)]
    delivered = sum(1 for o in outcomes if "video" in o)
    orphans = sum(p.orphans for p in points)
    print(f"{len(points)} kills; {len(paid)} paid jobs; {len(paid) - orphans} delivered on disk; {orphans} accepted while "
          f"the submit's answer was in flight (row 'unknown', never resubmitted); seed {SEED}")
    assert delivered + sum(1 for o in outcomes if o.startswith("unknown")) == len(points)


def _run_point(server: SimulatorServer, home: Path, point: Point) -> str:
    try:
        return _crash_and_restart(server, home, point)
    except AssertionError as exc:
        return f"FAILED: {exc}"


def _crash_and_restart(server: SimulatorServer, home: Path, point: Point) -> str:
    out = home / "out"
    board = _storyboard(home, point) if point.surface == "storyboard" else None
    first = _start(server, home, out, point, board)
    watched = (lambda r: r.meta.get("clip") == point.clip) if board else (lambda r: True)
    phase_seen: Callable[[list[_Glance]], bool] = {
        "submit": lambda rows: any(r.status == "submitting" for r in rows if watched(r)),
        "polling": lambda rows: any(r.status in ("queued", "running") for r in rows if watched(r)),
        "download": lambda rows: any(r.status == "downloading" for r in rows if watched(r)),
        "stitching": lambda rows: sum(r.status == "succeeded" for r in rows) == 2,
    }[point.phase]
    glance = _Glancer(home)
    try:
        wait_until(lambda: phase_seen(glance()), timeout=60, interval=0.005)
    finally:
        glance.close()
    time.sleep(point.delay)
    first.kill()
    point.seen = sorted(r.status for r in _rows(home))
    first.wait(15)
    time.sleep(SUBMIT_SECONDS + 0.2)  # let an in-flight submit land, as it would at RunComfy

    restart = _restart(server, home, out, point, board)
    rows = _rows(home)
    paid = {j.request_id: j for j in server.store.jobs() if point.marker in json.dumps(j.body).lower()}
    posts = [e for e in server.log.entries(op="submit") if e.method == "POST" and point.marker in e.body.lower()]

    # Exactly one journal row per paid job, and no job sent twice.
    recorded = {r.request_id: r for r in rows if r.request_id}
    unknown = [r for r in rows if not r.request_id]
    assert set(recorded) <= set(paid), "a journal row names a job the API never accepted"
    assert len(posts) == len(paid) <= (2 if board else 1), f"{len(posts)} submits for {len(paid)} paid jobs"
    assert len(unknown) <= 1, [r.status for r in unknown]
    for row in unknown:
        assert point.phase == "submit", f"a row without a request id after a kill during {point.phase}"
        assert row.status == "unknown" and row.error == INTERRUPTED_SUBMIT, (row.status, row.error)
    point.orphans = len(set(paid) - set(recorded))
    assert point.orphans <= len(unknown), "a paid job has no journal row at all"

    # Every job whose request id was recorded ends with its video on disk.
    for request_id, row in recorded.items():
        assert row.status == "succeeded", f"{request_id} ended {row.status}: {row.error}"
        [file] = row.files
        assert abs(_seconds(Path(file)) - row.request["duration"]) < 0.2
    # ... once: a download started again after the kill leaves no second copy beside it, and
    # no half-written partial from the killed attempt.
    folders = Counter(Path(r.files[0]).parent for r in recorded.values())
    for folder, count in folders.items():
        assert len(list(folder.glob("*.mp4"))) == count, sorted(f.name for f in folder.iterdir())
        assert not list(folder.glob(".*.part")), sorted(f.name for f in folder.iterdir())
    if unknown:
        assert restart.returncode != 0 and "dashboard" in restart.stderr, restart.stderr
        return f"unknown: submit interrupted ({len(paid)} paid, {point.orphans} without a request id)"
    assert restart.returncode == 0, restart.stderr
    if board is not None:
        film = Path(json.loads(restart.stdout)["file"])
        assert abs(_seconds(film) - 9) < 0.2
        assert not list(film.parent.glob(".*.part*")), sorted(f.name for f in film.parent.iterdir())  # no half-stitched film
        return f"video: stitched film {_seconds(film):.2f} s from {len(recorded)} clips"
    return f"video: {len(recorded)} clip(s) on disk"


# -- the studio as a process ------------------------------------------------------------------

def _env(server: SimulatorServer, home: Path) -> dict[str, str]:
    return child_env(server, home, STUDIO_POLL_SECS="0.1", STUDIO_BACKOFF_BASE="0.05")


def _storyboard(home: Path, point: Point) -> Path:
    """A 9 s storyboard in two clips (6 one-second shots, then one of 3 s)."""
    shots = [{"prompt": f"{point.marker} shot {i + 1} of the harbour", "duration": 1} for i in range(6)]
    shots.append({"prompt": f"{point.marker} the boat leaves the quay", "duration": 3, "camera": "wide shot"})
    board = {"title": point.marker, "tier": "standard", "audio": False, "continuity": False, "shots": shots}
    home.mkdir(parents=True)
    path = home / "board.json"
    path.write_text(json.dumps(board))
    return path


def _cli(server: SimulatorServer, home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "studio", *args], cwd=ROOT, env=_env(server, home),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _start(server: SimulatorServer, home: Path, out: Path, point: Point, board: Path | None) -> Any:
    if board is not None:
        return _Cli(_cli(server, home, "storyboard", str(board), "--output-dir", str(out), "--json"))
    request = json.dumps({"prompt": f"{point.marker}: wide shot of a harbour at dawn", "duration": 3})
    if point.surface == "run":
        return _Cli(_cli(server, home, "run", T2V, "--input", request, "--output-dir", str(out)))
    return _WebStudio(server, home).submit(T2V, request)


def _restart(server: SimulatorServer, home: Path, out: Path, point: Point, board: Path | None) -> subprocess.CompletedProcess[str]:
    if point.surface == "web":
        return _WebStudio(server, home).until_settled()
    args = ["storyboard", str(board), "--output-dir", str(out), "--json"] if board else ["resume", "--json"]
    proc = _cli(server, home, *args)
    stdout, stderr = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


class _Cli:
    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)

    def wait(self, timeout: float) -> None:
        self.proc.communicate(timeout=timeout)


class _WebStudio:
    """``python app.py`` on a free port, pointed at the simulator; jobs go in through ``/submit_request``."""

    def __init__(self, server: SimulatorServer, home: Path) -> None:
        self.home = home
        self.port = free_port()
        env = _env(server, home) | {"GRADIO_SERVER_PORT": str(self.port)}
        self.log = home.with_name(home.name + "-app.log")
        self.proc = forked_app.start(env, self.log)  # python app.py, without importing Gradio again
        self.url = f"http://127.0.0.1:{self.port}/"
        wait_until(self._up, timeout=60, interval=0.1)

    def _output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def _up(self) -> bool:
        assert self.proc.poll() is None, self._output() or "exited"
        try:
            with urllib.request.urlopen(self.url + "gradio_api/info", timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    def submit(self, model_id: str, request_json: str) -> _WebStudio:
        """Queue a ``/submit_request`` call, as a browser or API client does (the answer is not awaited)."""
        body = json.dumps({"data": ["owner-" + self.home.name, model_id, request_json, ""]}).encode()
        call = urllib.request.Request(self.url + "gradio_api/call/submit_request", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(call, timeout=10) as answer:
            assert "event_id" in json.loads(answer.read())
        return self

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)

    def wait(self, timeout: float) -> None:
        self.proc.wait(timeout)

    def until_settled(self) -> subprocess.CompletedProcess[str]:
        """Wait until the restarted studio has brought every job to an end, then stop it."""
        try:
            wait_until(lambda: all(r.status in ("succeeded", "failed", "unknown") for r in _rows(self.home)), timeout=90, interval=0.1)
            rows = _rows(self.home)
        finally:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(30)
        unknown = [r for r in rows if r.status == "unknown"]
        message = "\n".join(r.error or "" for r in unknown)
        return subprocess.CompletedProcess(self.proc.args, 1 if unknown else 0, "", message or self._output())


# -- reading results --------------------------------------------------------------------------

class _Glance(NamedTuple):
    status: str
    meta: dict[str, Any]


class _Glancer:
    """The journal's statuses, read-only through one connection: the wait for a phase reads
    them every 5 ms (opening the journal as the studio does, each time, would cost 0.6 ms and
    take its write lock to check the migrations)."""

    def __init__(self, home: Path) -> None:
        self.path = home / "journal.sqlite3"
        self.con: sqlite3.Connection | None = None

    def __call__(self) -> list[_Glance]:
        try:
            if self.con is None:
                if not self.path.exists():
                    return []
                self.con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)
            return [_Glance(status, json.loads(meta)) for status, meta in self.con.execute("SELECT status, meta FROM jobs")]
        except sqlite3.Error:  # not set up yet
            self.close()
            return []

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


def _rows(home: Path) -> list[JobRecord]:
    path = home / "journal.sqlite3"
    if not path.exists():
        return []
    journal = open_journal(path)
    try:
        return journal.find(limit=100)
    finally:
        journal.close()


def _seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        return float(container.duration or 0) / av.time_base
