"""Crash safety: SIGKILL the studio at N random points (default 20) across the life of jobs.

Runs ``tests/test_crash_points.py`` (the suite's own test, so the figures and the test can
never disagree) with ``STUDIO_CRASH_POINTS`` and ``STUDIO_CRASH_SEED`` set, and prints its
per-point lines: the surface (headless ``run``, ``storyboard``, or the web studio), the phase
(the paid submit in flight, polling, the download, stitching), the journal at the kill, and
what the restart delivered; then the totals of paid jobs, videos on disk and interrupted
submits.

    python bench/crash_points.py [--points 40] [--seed N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=20, help="kill points, at least 20 (spread over the 4 phases)")
    parser.add_argument("--seed", type=int, default=None, help="replay a run")
    args = parser.parse_args()
    env = dict(os.environ, STUDIO_CRASH_POINTS=str(args.points))
    if args.seed is not None:
        env["STUDIO_CRASH_SEED"] = str(args.seed)
    # One process (-n 0): the four parts share one seed, so the printed seed replays all of them.
    command = [sys.executable, "-m", "pytest", "tests/test_crash_points.py", "-s", "-q", "-n", "0", "-p", "no:cacheprovider"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith(("STUDIO_CRASH_SEED", "point ")) or " kills; " in line or "passed" in line or "failed" in line:
            print(line)
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-2000:], sep="\n")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
