"""(b) Download time and peak RSS for a 1 GiB file: the studio vs curl on the same URL.

Each download runs in its own child process, measured the same way (wall time, and peak RSS
from getrusage of the waited child). The studio's RSS growth is its peak minus the peak of an
identical child that sets up the client but downloads nothing.

    python bench/bench_download.py [--size-mb 1024] [--runs 2]
"""

from __future__ import annotations

import argparse
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
import asyncio, sys, time
from pathlib import Path
from studio.config import Settings
from studio.http import HttpClient
url, out, go = sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "1"
async def main():
    http = HttpClient(Settings(data_dir=out, extra_download_hosts=("127.0.0.1",)), None)
    t = time.perf_counter()
    if go:
        await http.download(url, out, allowed=lambda u: True)
    print(time.perf_counter() - t)
    await http.aclose()
asyncio.run(main())
"""
CURL_FSYNC = "import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd)"


def measured(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and stdout of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE)
    out = proc.stdout.read().decode() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd[0]} failed")
    return wall, usage.ru_maxrss / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    size = args.size_mb * 1024 * 1024
    curl = shutil.which("curl")
    rows: dict[str, list[tuple[float, float]]] = {}

    def note(name: str, seconds: float, rss: float) -> None:
        rows.setdefault(name, []).append((seconds, rss))

    with simulator() as base, tempfile.TemporaryDirectory() as tmp:
        url = f"{base}/files/blob/{size}.bin"
        for run in range(args.runs):  # interleaved, so disk write-back hits both alike
            out = Path(tmp) / f"run{run}"
            out.mkdir()
            if curl:
                target = out / "curl.bin"
                wall, rss, _ = measured([curl, "-s", "-o", str(target), url])
                sync, _, _ = measured([sys.executable, "-c", CURL_FSYNC, str(target)])
                note("curl", wall, rss)
                note("curl + fsync", wall + sync, rss)
                target.unlink()
            wall, rss, printed = measured([sys.executable, "-c", STUDIO_CHILD, url, str(out), "1"])
            got = list(out.glob("*.bin"))
            assert got and got[0].stat().st_size == size, "studio download incomplete"
            got[0].unlink()
            note("studio (download call, fsync'd)", float(printed), rss)
            note("studio (whole process)", wall, rss)
            wall, rss, _ = measured([sys.executable, "-c", STUDIO_CHILD, url, str(out), "0"])
            note("studio idle (no download)", wall, rss)
    med = {k: (statistics.median(t for t, _ in v), statistics.median(r for _, r in v)) for k, v in rows.items()}
    print(f"file: {size / 2**30:.2f} GiB over loopback from the simulator; {args.runs} interleaved runs, medians")
    for name, (seconds, rss) in med.items():
        rate = f"{size / seconds / 2**20:6.0f} MiB/s" if "idle" not in name else " " * 11
        print(f"{name:>32}: {seconds:6.2f} s {rate}  peak RSS {rss:6.1f} MB")
    studio = med["studio (download call, fsync'd)"][0]
    if curl:
        print(f"studio / curl:          {studio / med['curl'][0]:.2f}x")
        print(f"studio / (curl + fsync): {studio / med['curl + fsync'][0]:.2f}x  (the studio fsyncs before calling a video done)")
    growth = med["studio (whole process)"][1] - med["studio idle (no download)"][1]
    print(f"studio RSS growth from downloading: {growth:.1f} MB")


if __name__ == "__main__":
    main()
