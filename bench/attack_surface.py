"""Attack surface: the attacks of ``tests/test_attack_surface.py`` against ``python app.py``, with figures.

Starts the studio offline the way the test module does (its own STUDIO_HOME, GRADIO_TEMP_DIR
and port; canary files with a random marker in the data folder and another marker in its
environment), runs the same attack groups through the test module's own functions (so the
figures and the tests can never disagree), and prints: the endpoint x parameter combinations
attacked and the requests sent, the problems found by kind, the leaks, the largest RSS growth
one hostile request caused and the slowest refusal, each with the request that caused it.

The watchdog is wider than in the tests (60 s and 3 GB by default instead of 5 s and 300 MB),
so a blow-up shows its real size up to that cap; a request stopped at the cap is marked ">=" and
the studio is restarted on a fresh data folder. RSS is the studio process's own (VmRSS and
VmHWM from ``/proc/<pid>/status``, the peak reset before each request).

    python bench/attack_surface.py [--deadline 60] [--rss-cap-mb 3072] [--quiet]
"""

from __future__ import annotations

import argparse
import collections
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_attack_surface import Outcome, Target, run_all  # noqa: E402 (after sys.path)


def _hostile(o: Outcome) -> bool:
    return o.attack not in ("baseline", "helper") and not o.attack.startswith(("owner A's", "owner B's"))


def _leak_kind(detail: str) -> str:
    """What leaked, without the request: for a short summary."""
    if detail.startswith("GET /gradio_api/file="):
        return "a cached copy of a server file, served by /gradio_api/file= (" + detail.split(" serves ")[-1].split(" (")[0] + ")"
    if "job(s) submitted with the server file" in detail:
        return "a server file used as a job's input"
    if detail.startswith("the answer holds"):
        return "an answer holding " + detail[len("the answer holds "):].split(":")[0]
    if detail.startswith("Gradio's temp folder"):
        return "a copy in Gradio's temp folder (" + detail[detail.index("(") + 1 : -1] + ")"
    return detail[:80]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deadline", type=float, default=60.0, help="seconds one request may take before the studio is stopped")
    parser.add_argument("--rss-cap-mb", type=float, default=3072.0, help="RSS growth at which the studio is stopped")
    parser.add_argument("--quiet", action="store_true", help="no per-group lines")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="attack-surface-bench-"))
    started = time.monotonic()
    target = Target(root, deadline=args.deadline, rss_cap_mb=args.rss_cap_mb).start()
    try:
        groups = run_all(target, log=(lambda line: None) if args.quiet else print)
    finally:
        target.close()
        shutil.rmtree(root, ignore_errors=True)
    wall = time.monotonic() - started

    records = target.records
    attacked = {(o.endpoint, o.param) for o in records if o.param}
    # One line per problem; "error texts" re-reads every message of the run, so it is shown apart.
    problems = {str(p): p for group, ps in groups.items() if group != "error texts" for p in ps}
    kinds = collections.Counter(p.kind for p in problems.values())
    leaks = [p for p in problems.values() if p.kind == "leak"]
    hostile = [o for o in records if _hostile(o)]
    biggest = max(hostile, key=lambda o: o.growth_mb, default=None)
    refusals = [o for o in hostile if o.refused or o.kind == "killed"]
    slowest = max(refusals, key=lambda o: o.seconds, default=None)

    print()
    print(f"endpoints: {len(target.endpoints)} ({sum(1 for e in target.endpoints.values() if e.public)} in /gradio_api/info)")
    print(f"endpoint x parameter combinations attacked: {len(attacked)}")
    print(f"requests sent: {len(records)} ({len(hostile)} hostile) in {wall:.0f} s")
    print(f"problems: {len(problems)} ({', '.join(f'{k} {n}' for k, n in kinds.most_common()) or 'none'})")
    print(f"distinct error messages showing Python internals: {len(groups.get('error texts', []))}")
    print(f"leaks found: {len(leaks)}")
    by_kind: dict[str, list[str]] = collections.defaultdict(list)
    for p in leaks:
        by_kind[_leak_kind(p.detail)].append(p.where)
    for kind, wheres in sorted(by_kind.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(wheres):4d}  {kind}  (e.g. {wheres[0][:90]})")
    if biggest is not None:
        capped = ">= " if biggest.kind == "killed" and "RSS" in biggest.note else ""
        print(f"largest RSS growth from one hostile request: {capped}{biggest.growth_mb:.0f} MB "
              f"(from {biggest.rss_before_mb:.0f} MB), {biggest.where()} [{biggest.kind}]")
    if slowest is not None:
        capped = ">= " if slowest.kind == "killed" else ""
        print(f"slowest refusal: {capped}{slowest.seconds:.2f} s, {slowest.where()} [{slowest.kind}]")
        quick = sorted(o.seconds for o in refusals)
        print(f"refusals: {len(quick)}, median {quick[len(quick) // 2]:.3f} s, 95th percentile "
              f"{quick[int(len(quick) * 0.95) - 1 if len(quick) > 1 else 0]:.3f} s")
    print(f"studio stopped by the watchdog or crashed: {len(target.kills)}")
    for reason in target.kills:
        print(f"  {reason[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
