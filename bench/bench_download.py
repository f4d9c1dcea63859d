"""(b) Download time and peak RSS for a 1 GiB file: the studio vs curl on the same URL.

Each download runs in its own child process, measured the same way (wall time, and peak RSS
from getrusage of the waited child). The studio's RSS growth is its peak minus the peak of an
identical child that sets up the client but downloads nothing.

    python bench/bench_download.py [--size-mb 1024] [--runs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import ROOT, simulator

STUDIO_CHILD = """
import asyncio, sys
from pathlib import Path
from studio.config import Settings
from studio.http import HttpClient
url, out, go = sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "1"
async def main():
    http = HttpClient(Settings(data_dir=out, extra_download_hosts=("127.0.0.1",)), None)
    if go:
        await http.download(url, out, allowed=lambda u: True)
    await http.aclose()
asyncio.run(main())
"""


def measured(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    pid = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL).pid
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd[0]} failed")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    size = args.size_mb * 1024 * 1024
    curl = shutil.which("curl")
    results: dict[str, list[tuple[float, float]]] = {"curl": [], "studio": [], "studio (no download)": []}
    with simulator() as base, tempfile.TemporaryDirectory() as tmp:
        url = f"{base}/files/blob/{size}.bin"
        for run in range(args.runs):
            out = Path(tmp) / f"run{run}"
            out.mkdir()
            if curl:
                results["curl"].append(measured([curl, "-s", "-o", str(out / "curl.bin"), url]))
                (out / "curl.bin").unlink()
            results["studio"].append(measured([sys.executable, "-c", STUDIO_CHILD, url, str(out), "1"]))
            got = list(out.glob("*.bin"))
            assert got and got[0].stat().st_size == size, "studio download incomplete"
            got[0].unlink()
            results["studio (no download)"].append(measured([sys.executable, "-c", STUDIO_CHILD, url, str(out), "0"]))
    print(f"file: {size / 2**30:.2f} GiB over loopback, {args.runs} runs each (median)")
    med = {k: (statistics.median(w for w, _ in v), statistics.median(r for _, r in v)) for k, v in results.items() if v}
    for name, (wall, rss) in med.items():
        rate = f"{size / wall / 2**20:8.0f} MiB/s" if name != "studio (no download)" else " " * 13
        print(f"{name:>22}: {wall:6.2f} s {rate}  peak RSS {rss:6.1f} MB")
    if "curl" in med:
        print(f"studio / curl time: {med['studio'][0] / med['curl'][0]:.2f}x")
    print(f"studio RSS growth from downloading: {med['studio'][1] - med['studio (no download)'][1]:.1f} MB")
    print(json.dumps({k: [round(x, 3) for x in v] for k, v in med.items()}))


if __name__ == "__main__":
    main()
