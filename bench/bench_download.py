"""(b) Download time and peak RSS: the studio vs curl on the same URL, at a realistic bandwidth.

The simulator paces its file host to ``--rate-mb`` MB/s (default 50, a fast real link; 0 for
loopback speed), and the studio's download (httpx as shipped, the durable write kept) is set
beside curl's. The figure that matters: what the studio adds to a download, in per cent.

Each download runs in its own child process, measured the same way (wall time, and peak RSS
from getrusage of the waited child). The studio's RSS growth is its peak minus the peak of an
identical child that sets up the client but downloads nothing. Two diagnostic rows show where
the studio's time goes: its HTTP stack with nothing written, and the disk with no network.

It runs over http:// and over https:// (RunComfy's result links are https): the simulator
serves TLS with a certificate from a throw-away test CA (``trustme``), which the studio trusts
through ``SSL_CERT_FILE`` and curl through ``--cacert``.

    python bench/bench_download.py [--size-mb 256] [--rate-mb 50] [--runs 3] [--scheme both|http|https]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import ROOT, control, simulator, test_certificate

STUDIO_CHILD = """
import asyncio, sys, time
from pathlib import Path
from studio.config import Settings
from studio.client.http import HttpClient
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
# Diagnostic rows, to see where the studio's time goes: httpx alone with nothing written,
# and the disk with no network (the same
# number of bytes written in 256 KiB pieces, write-back started every 32 MiB as the studio
# does, then fsync'd): the floor for a durable copy on this disk.
HTTP_ONLY = """
import asyncio, sys, time
import httpx
async def main():
    async with httpx.AsyncClient(timeout=60) as client:
        t = time.perf_counter()
        async with client.stream("GET", sys.argv[1]) as response:
            async for _ in response.aiter_raw():
                pass
        print(time.perf_counter() - t)
asyncio.run(main())
"""
DISK_ONLY = """
import os, sys, time
size, path = int(sys.argv[1]), sys.argv[2]
piece = bytes(256 * 1024)
t = time.perf_counter()
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
done = kicked = 0
while done < size:
    done += os.write(fd, piece[: size - done])
    if done - kicked >= 32 * 1024 * 1024 and hasattr(os, "posix_fadvise"):
        os.posix_fadvise(fd, kicked, done - kicked, os.POSIX_FADV_DONTNEED)
        kicked = done
os.fsync(fd)
os.close(fd)
print(time.perf_counter() - t)
"""


GNU_TIME = "/usr/bin/time"  # Debian's package `time`


def measured(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and stdout of one child process.

    The peak comes from GNU time when it is there: Linux counts a forked child's peak from
    before its exec too, so a child forked straight from this (larger) process would report
    at least this process's own size. GNU time forks the command from its own tiny process.
    """
    timed = os.path.exists(GNU_TIME)
    with tempfile.NamedTemporaryFile("r") as usage:
        start = time.perf_counter()
        command = [GNU_TIME, "-q", "-f", "%M", "-o", usage.name, *cmd] if timed else cmd
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE)
        out = proc.stdout.read().decode() if proc.stdout else ""
        _, status, rusage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{cmd[0]} failed")
        peak_kb = int(usage.read().split()[-1]) if timed else rusage.ru_maxrss
    return wall, peak_kb / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=256)
    parser.add_argument("--rate-mb", type=float, default=50.0, help="the file host's pace in MB/s (0: unpaced)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scheme", choices=("both", "http", "https"), default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for scheme in ("http", "https") if args.scheme == "both" else (args.scheme,):
            tls = None
            if scheme == "https":
                cert, key, bundle = test_certificate(Path(tmp))
                os.environ["SSL_CERT_FILE"] = str(bundle)  # the studio children and the harness trust it
                tls = (cert, key)
            with simulator(tls=tls) as base:
                control(base, "/_sim/config", {"download_bytes_per_second": args.rate_mb * 1e6})
                report(scheme, measure(f"{base}/files/blob/{args.size_mb * 2**20}.bin", args.runs, Path(tmp), bundle if tls else None), args)


def measure(url: str, runs: int, tmp: Path, ca: Path | None) -> dict[str, list[tuple[float, float]]]:
    """Each row's (seconds, peak RSS MB) per run; runs are interleaved, so disk write-back hits all alike."""
    size = int(url.rsplit("/", 1)[1].split(".")[0])
    curl = shutil.which("curl")
    rows: dict[str, list[tuple[float, float]]] = {}

    def note(name: str, seconds: float, rss: float) -> None:
        rows.setdefault(name, []).append((seconds, rss))

    for run in range(runs):
        out = tmp / f"run{run}-{url.split(':')[0]}"
        out.mkdir()
        if curl:
            target = out / "curl.bin"
            wall, rss, _ = measured([curl, "-s", *(["--cacert", str(ca)] if ca else []), "-o", str(target), url])
            sync, _, _ = measured([sys.executable, "-c", CURL_FSYNC, str(target)])
            assert target.stat().st_size == size, "curl download incomplete"
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
        _, rss, printed = measured([sys.executable, "-c", HTTP_ONLY, url])
        note("httpx alone (no disk)", float(printed), rss)
        target = out / "disk.bin"
        _, rss, printed = measured([sys.executable, "-c", DISK_ONLY, str(size), str(target)])
        note("disk only (write + fsync)", float(printed), rss)
        target.unlink()
    return rows


def report(scheme: str, rows: dict[str, list[tuple[float, float]]], args: argparse.Namespace) -> None:
    size = args.size_mb * 2**20
    med = {k: (statistics.median(t for t, _ in v), statistics.median(r for _, r in v)) for k, v in rows.items()}
    pace = f"paced to {args.rate_mb:g} MB/s" if args.rate_mb else "unpaced loopback"
    print(f"{scheme}://, file: {size / 2**20:.0f} MiB from the simulator, {pace}; {args.runs} interleaved runs, medians")
    for name, (seconds, rss) in med.items():
        rate = f"{size / seconds / 2**20:6.0f} MiB/s" if "idle" not in name else " " * 11
        print(f"{name:>32}: {seconds:6.2f} s {rate}  peak RSS {rss:6.1f} MB")
    studio = med["studio (download call, fsync'd)"][0]
    if "curl" in med:
        print(f"studio / curl:          {studio / med['curl'][0]:.2f}x")
        print(f"studio / (curl + fsync): {studio / med['curl + fsync'][0]:.2f}x  (the studio fsyncs before calling a video done)")
        print(f"the studio adds {100 * (studio / med['curl + fsync'][0] - 1):+.1f} % to a durable download ({100 * (studio / med['curl'][0] - 1):+.1f} % to curl without fsync)")
    growth = med["studio (whole process)"][1] - med["studio idle (no download)"][1]
    print(f"studio RSS growth from downloading: {growth:.1f} MB")
    print()


if __name__ == "__main__":
    main()
