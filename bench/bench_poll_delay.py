"""(a) Delay from the simulator marking a job done to its file being on disk, for poll
intervals of 2 s and 0.5 s, measured side by side in one run.

    python bench/bench_poll_delay.py [--jobs 6]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from _harness import control, simulator, studio_for

from studio.domain.catalog import endpoint
from studio.domain.models import GenerationRequest


async def measure(base: str, interval: float, jobs: int, data_dir: Path) -> list[float]:
    studio = studio_for(base, data_dir, poll_interval=interval)
    ep = endpoint("standard", "text-to-video")
    try:
        async def one(i: int) -> tuple[str, float]:
            record = await studio.runner.submit(ep, GenerationRequest(prompt=f"Wide shot, job {i}", duration=3))
            # Start each job's polling at a different offset, so the moment the job finishes
            # falls at a different point of the poll cycle (as it does for real jobs).
            await asyncio.sleep(i * interval / jobs)
            record = await studio.runner.follow(record)
            return record.request_id or "", time.time()

        done = await asyncio.gather(*(one(i) for i in range(jobs)))
    finally:
        await studio.aclose()
    finished = {j["request_id"]: j["finished_at"] for j in control(base, "/_sim/jobs")["jobs"]}
    return [on_disk - finished[rid] for rid, on_disk in done]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=6)
    args = parser.parse_args()
    rows = []
    with simulator(queue_seconds=0.5, run_seconds=1.5) as base, tempfile.TemporaryDirectory() as tmp:
        for interval in (2.0, 0.5):
            delays = asyncio.run(measure(base, interval, args.jobs, Path(tmp) / str(interval)))
            rows.append((interval, statistics.median(delays), statistics.mean(delays), max(delays)))
    print(f"jobs per interval: {args.jobs}")
    print(f"{'poll interval':>14} {'median delay':>13} {'mean':>8} {'max':>8}")
    for interval, med, mean, worst in rows:
        print(f"{interval:>12.1f} s {med:>11.2f} s {mean:>6.2f} s {worst:>6.2f} s")
    print(f"ratio of median delays (2 s / 0.5 s): {rows[0][1] / rows[1][1]:.1f}x")


if __name__ == "__main__":
    main()
