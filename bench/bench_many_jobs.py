"""(c) 200 concurrent jobs tracked by one studio process: poll requests per second, CPU, RSS.

    python bench/bench_many_jobs.py [--jobs 200] [--poll 2]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from pathlib import Path

from _harness import control, rss_mb, simulator, studio_for

from studio.domain.catalog import endpoint
from studio.domain.models import GenerationRequest


async def run(base: str, jobs: int, poll: float, data_dir: Path) -> dict[str, float]:
    studio = studio_for(base, data_dir, poll_interval=poll)
    ep = endpoint("standard", "text-to-video")
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    rss0 = rss_mb()
    t0 = time.perf_counter()
    try:
        records = await asyncio.gather(
            *(studio.runner.submit(ep, GenerationRequest(prompt=f"Wide shot {i}", duration=3)) for i in range(jobs))
        )
        t_submitted = time.perf_counter()
        done = await asyncio.gather(*(studio.runner.follow(r) for r in records), return_exceptions=True)
    finally:
        await studio.aclose()
    wall = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    log = control(base, "/_sim/log")
    entries = log["entries"] if isinstance(log, dict) else log
    polls = sum(1 for e in entries if e["path"].endswith("/status"))
    ok = sum(1 for d in done if not isinstance(d, BaseException) and d.status == "succeeded")
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return {
        "jobs": jobs,
        "succeeded": ok,
        "wall_s": wall,
        "submit_s": t_submitted - t0,
        "status_polls": polls,
        "polls_per_s": polls / (wall - (t_submitted - t0)),
        "cpu_s": cpu,
        "cpu_pct": 100 * cpu / wall,
        "rss_start_mb": rss0,
        "rss_peak_mb": rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--poll", type=float, default=2.0)
    args = parser.parse_args()
    with simulator(queue_seconds=4.0, run_seconds=6.0) as base, tempfile.TemporaryDirectory() as tmp:
        figures = asyncio.run(run(base, args.jobs, args.poll, Path(tmp)))
    print(f"{figures['jobs']} jobs, poll every {args.poll} s: {figures['succeeded']} succeeded with their files on disk")
    print(f"wall {figures['wall_s']:.1f} s (submitting all: {figures['submit_s']:.1f} s)")
    print(f"status polls: {figures['status_polls']} ({figures['polls_per_s']:.1f}/s)")
    print(f"studio CPU: {figures['cpu_s']:.2f} s ({figures['cpu_pct']:.1f}% of one core)")
    print(f"studio RSS: {figures['rss_start_mb']:.0f} MB at start, {figures['rss_peak_mb']:.0f} MB peak")


if __name__ == "__main__":
    main()
