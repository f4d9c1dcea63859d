"""Load: many browser-equivalent sessions running jobs at once against the studio, offline.

Starts ``python app.py`` as its own process (offline: embedded simulator, rendering on, with
``STUDIO_SIM_QUEUE_SECONDS`` / ``STUDIO_SIM_RUN_SECONDS`` phase times and no RUNCOMFY_*
variables), then runs ``--sessions`` gradio_client Clients in threads, each with its own owner
key, each submitting ``--jobs`` jobs through ``/submit_request`` and polling ``/list_jobs``
once a second (as the page's timer does) until they finish. While that runs, a sampler times
``/quote``, ``/list_jobs`` and the ``/jobs`` UI tick (the gallery refresh). Afterwards every
owner's jobs are checked: all succeeded, each with a playable MP4 on disk (read from the
journal, read-only). The studio's CPU seconds (its own, and its ffmpeg children's) and peak
RSS come from ``/proc/<pid>/stat`` and ``/proc/<pid>/status`` (VmHWM).

Run from the repository root: ``python bench/bench_load.py`` (about 5 minutes on 2 cores);
``--sessions 5 --jobs 1`` for a quick look.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

from gradio_client import Client  # noqa: E402

MODELS = (
    "kling/kling-3.0/standard/text-to-video",
    "kling/kling-3.0/pro/text-to-video",
    "kling/kling-3.0/4k/text-to-video",
)
SCENES = ("a lighthouse at dusk", "rain on a neon street", "a fox in fresh snow", "waves on black sand")
TERMINAL = ("succeeded", "failed", "cancelled", "unknown")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_cpu(pid: int) -> tuple[float, float]:
    """(own CPU seconds, waited-for children's CPU seconds) of a process, from /proc/<pid>/stat."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "; fields[0] is field 3
    utime, stime, cutime, cstime = (int(fields[i]) for i in (11, 12, 13, 14))
    return (utime + stime) / CLK_TCK, (cutime + cstime) / CLK_TCK


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / CLK_TCK, sum(values) / CLK_TCK


def proc_mem_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS as VmHWM) in MB, from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024  # kB
    return values["VmRSS"], values["VmHWM"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class Recorder:
    """Thread-safe latency samples (seconds) and errors."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def time(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            with self.lock:
                self.errors.append(f"{name}: {type(exc).__name__}: {str(exc)[:200]}")
            raise
        finally:
            with self.lock:
                self.samples.setdefault(name, []).append(time.perf_counter() - started)


def start_studio(home: Path, port: int, queue_s: float, run_s: float) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNCOMFY_", "STUDIO_"))}
    env.update(
        STUDIO_HOME=str(home),
        GRADIO_SERVER_PORT=str(port),
        STUDIO_SIM_QUEUE_SECONDS=str(queue_s),
        STUDIO_SIM_RUN_SECONDS=str(run_s),
        GRADIO_ANALYTICS_ENABLED="False",
        XDG_CONFIG_HOME=str(home / "config"),  # no token file from this machine either
    )
    with open(home / "studio.log", "wb") as log:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise RuntimeError("the studio did not start: " + (home / "studio.log").read_text()[-2000:])
        time.sleep(0.2)


def session(url: str, index: int, jobs: int, rec: Recorder, out: dict[str, Any]) -> None:
    """One browser-equivalent session: its own owner key, ``jobs`` submits, then polling."""
    owner = out["owner"]
    out["jobs"], out["done_after"] = [], {}
    try:
        client = rec.time("client connect", Client, url, verbose=False)
        for k in range(jobs):
            model = MODELS[(index + k) % len(MODELS)]
            request = {"prompt": f"Wide shot, slow push-in: {SCENES[k % len(SCENES)]} (session {index}, take {k})",
                       "duration": 3 + (index + k) % 3, "generate_audio": bool(k % 2)}
            job = rec.time("/submit_request", client.predict, owner, model, json.dumps(request), "", api_name="/submit_request")
            out["jobs"].append((job["job_id"], time.perf_counter()))
        deadline = time.monotonic() + 1200
        while time.monotonic() < deadline:
            time.sleep(1.0)
            listed = rec.time("/list_jobs (sessions' polls)", client.predict, owner, api_name="/list_jobs")
            now = time.perf_counter()
            for j in listed:
                if j["status"] in TERMINAL and j["job_id"] not in out["done_after"]:
                    submitted = next(t for jid, t in out["jobs"] if jid == j["job_id"])
                    out["done_after"][j["job_id"]] = now - submitted
            if len(listed) >= jobs and all(j["status"] in TERMINAL for j in listed):
                return
        with rec.lock:
            rec.errors.append(f"session {index}: jobs not finished within 20 minutes")
    except Exception:  # recorded by Recorder.time
        out["failed"] = True


IDLE_ROUNDS = 15  # sampler rounds before the load starts, for the idle baseline


def sampler(url: str, owner: str, idle_done: Any, stop: Any, results: Any) -> None:
    """Times the cost quote and the gallery refresh: first idle, then while the sessions run.

    It runs in its own process, so its figures are the studio's answers, not the wait for the
    GIL of the process driving the sessions.
    """
    rec = Recorder()
    client = Client(url, verbose=False)
    rng = random.Random(7)
    rounds = 0
    while not stop.is_set():
        suffix = " idle" if rounds < IDLE_ROUNDS else ""
        request = {"prompt": "a quote", "duration": rng.randint(3, 15), "generate_audio": rng.random() < 0.5}
        for name, args in (
            ("/quote", (rng.choice(MODELS), json.dumps(request), rng.randint(1, 4))),
            ("/list_jobs (sampler)", (owner,)),
            ("/jobs (UI tick, gallery HTML)", (owner,)),
        ):
            try:
                rec.time(name + suffix, client.predict, *args, api_name=name.split()[0])
            except Exception:
                pass
        rounds += 1
        if rounds == IDLE_ROUNDS:
            idle_done.set()
        stop.wait(0.25)
    results.put((rec.samples, rec.errors))


def check_disk(home: Path, job_ids: set[str]) -> tuple[int, list[str]]:
    """How many of ``job_ids`` have a non-empty MP4 on disk, per the journal (read-only)."""
    db = sqlite3.connect(f"file:{home / 'journal.sqlite3'}?mode=ro", uri=True)
    problems, good = [], 0
    try:
        for job_id, status, files in db.execute("SELECT job_id, status, files FROM jobs"):
            if job_id not in job_ids:
                continue
            paths = [Path(p) for p in json.loads(files or "[]")]
            ok = status == "succeeded" and paths and all(p.is_file() and p.stat().st_size > 0 for p in paths)
            ok = ok and all(b"ftyp" in p.read_bytes()[:64] for p in paths)
            good += bool(ok)
            if not ok:
                problems.append(f"{job_id}: {status} {files}")
    finally:
        db.close()
    return good, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=4, help="jobs per session")
    parser.add_argument("--queue-seconds", type=float, default=2.0)
    parser.add_argument("--run-seconds", type=float, default=4.0)
    parser.add_argument("--client-nice", type=int, default=0, metavar="N",
                        help="lower the session clients' CPU priority by N (the studio and the sampler keep theirs)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        home = Path(tmp)
        port = free_port()
        proc = start_studio(home, port, args.queue_seconds, args.run_seconds)
        url = f"http://127.0.0.1:{port}"
        try:
            time.sleep(1.0)
            rss_idle, _ = proc_mem_mb(proc.pid)
            rec = Recorder()
            results: list[dict[str, Any]] = [{"owner": secrets.token_urlsafe(18)} for _ in range(args.sessions)]
            spawn = multiprocessing.get_context("spawn")
            idle_done, stop, sampled = spawn.Event(), spawn.Event(), spawn.Queue()
            sample = spawn.Process(target=sampler, args=(url, results[0]["owner"], idle_done, stop, sampled), daemon=True)
            sample.start()
            idle_done.wait(120)
            if args.client_nice:
                os.nice(args.client_nice)  # this process only: the studio and the sampler already run
            cpu0, child0 = proc_cpu(proc.pid)
            me0, (busy0, all0) = proc_cpu(os.getpid())[0], machine_cpu()
            started = time.perf_counter()
            threads = [threading.Thread(target=session, args=(url, i, args.jobs, rec, results[i])) for i in range(args.sessions)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
            stop.set()
            samples, sample_errors = sampled.get(timeout=60)
            sample.join(30)
            rec.samples.update(samples)
            rec.errors += sample_errors
            cpu1, child1 = proc_cpu(proc.pid)
            me1, (busy1, all1) = proc_cpu(os.getpid())[0], machine_cpu()
            _, rss_peak = proc_mem_mb(proc.pid)

            # Lost jobs: every owner's list must hold exactly its own jobs, all succeeded with a video.
            checker = Client(url, verbose=False)
            expected = {jid for r in results for jid, _ in r.get("jobs", [])}
            lost = []
            for i, r in enumerate(results):
                listed = checker.predict(r.get("owner", ""), api_name="/list_jobs") if r.get("owner") else []
                mine = {jid for jid, _ in r.get("jobs", [])}
                if {j["job_id"] for j in listed} != mine or len(mine) != args.jobs:
                    lost.append(f"session {i}: listed {len(listed)} jobs, submitted {len(mine)}")
                lost += [f"session {i} job {j['job_id']}: {j['status']}" for j in listed
                         if not (j["status"] == "succeeded" and j["has_video"])]
            on_disk, disk_problems = check_disk(home, expected)
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()

    total = args.sessions * args.jobs
    print(f"Load: {args.sessions} sessions x {args.jobs} jobs = {total} jobs through /submit_request "
          f"(python app.py, offline, simulator queue {args.queue_seconds:g} s + run {args.run_seconds:g} s, rendering on"
          + (f"; session clients at nice +{args.client_nice})" if args.client_nice else ")"))
    print(f"wall time until every session saw its jobs finish: {wall:.1f} s")
    print(f"errors: {len(rec.errors)}")
    for e in rec.errors[:10]:
        print(f"  {e}")
    print(f"lost jobs: {len(lost) + len(disk_problems)} ({on_disk}/{total} succeeded with a playable MP4 on disk)")
    for problem in (lost + disk_problems)[:10]:
        print(f"  {problem}")
    print(f"{'latency during the load (ms)':<34} {'n':>5} {'p50':>8} {'p95':>8} {'max':>8}   idle p50")
    print("  sampled from a separate process during the load:")
    for name in ("/quote", "/list_jobs (sampler)", "/jobs (UI tick, gallery HTML)", "",
                 "/list_jobs (sessions' polls)", "/submit_request", "client connect"):
        if not name:
            print(f"  seen by the {args.sessions} sessions (threads of one process, so GIL waits included):")
            continue
        values = [v * 1000 for v in rec.samples.get(name, [])]
        if values:
            idle = [v * 1000 for v in rec.samples.get(name + " idle", [])]
            base = f"{pct(idle, 0.5):>11.0f}" if idle else ""
            print(f"  {name:<32} {len(values):>5} {pct(values, 0.5):>8.0f} {pct(values, 0.95):>8.0f} {max(values):>8.0f}{base}")
    done = [d for r in results for d in r.get("done_after", {}).values()]
    if done:
        print(f"submit -> seen finished (1 s polls): p50 {statistics.median(done):.1f} s, p95 {pct(done, 0.95):.1f} s, "
              f"max {max(done):.1f} s")
    cpu, child = cpu1 - cpu0, child1 - child0
    print(f"studio process: CPU {cpu:.1f} s ({100 * cpu / wall:.0f}% of one core over {wall:.0f} s); "
          f"its ffmpeg renders: {child:.1f} s CPU")
    print(f"studio RSS: {rss_idle:.0f} MB idle before the load, peak (VmHWM) {rss_peak:.0f} MB")
    print(f"the {args.sessions} session clients (one process): CPU {me1 - me0:.1f} s; whole machine "
          f"({os.cpu_count()} cores) busy {100 * (busy1 - busy0) / max(1e-9, all1 - all0):.0f}% over the load")
    return 0 if not rec.errors and not lost and not disk_problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
