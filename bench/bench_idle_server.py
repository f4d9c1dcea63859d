"""An idle studio's server CPU with Gradio's queue waking every 1 ms (about Gradio's default:
1 ms for new events, 10 ms for progress), every 10 ms (the studio's default) and every 50 ms
(``STUDIO_QUEUE_IDLE_POLL_SECONDS``), beside a bare Gradio app.

All run at once as their own processes (``python app.py`` offline, and
``bench/bare_gradio.py``), with no browser attached; after ``--settle`` seconds the CPU time
(utime + stime of each process tree, from /proc) over ``--seconds`` is printed as % of one core.
Then what the poll costs a caller: ``--calls`` queued ``/quote`` calls to each studio in turn
(Gradio's HTTP API, one after another), median and mean round trip.

    python bench/bench_idle_server.py [--seconds 30] [--settle 10] [--calls 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench._idle_servers import bare_server, cpu_seconds, studio_server
from tests import gradio_http

QUOTE = ["kling/kling-3.0/standard/text-to-video", json.dumps({"prompt": "wide shot, a red lighthouse", "duration": 5}), 1]

POLLS = {"studio, Gradio's 1 ms poll": "0.001", "studio, 10 ms poll (default)": "0.01", "studio, 50 ms poll": "0.05"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=10.0)
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-idle-server-") as tmp, ExitStack() as stack:
        pids: dict[str, int] = {}
        urls: dict[str, str] = {}
        for n, (name, poll) in enumerate(POLLS.items()):
            served = stack.enter_context(studio_server(Path(tmp) / f"studio-{n}", env={"STUDIO_QUEUE_IDLE_POLL_SECONDS": poll}))
            pids[name], urls[name] = served.pid, served.url
        pids["bare Gradio (1 ms poll)"] = stack.enter_context(bare_server(Path(tmp) / "bare")).pid
        time.sleep(args.settle)
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        start = time.monotonic()
        time.sleep(args.seconds)
        elapsed = time.monotonic() - start
        print(f"idle server CPU over {elapsed:.0f} s (no visitor), % of one core:")
        for name, pid in pids.items():
            print(f"  {name:32s} {100 * (cpu_seconds(pid) - before[name]) / elapsed:5.1f} %")
        print(f"a queued /quote, round trip over {args.calls} calls each (in turn):")
        for name, ms in _round_trips(urls, args.calls).items():
            print(f"  {name:32s} p50 {statistics.median(ms):5.1f} ms, mean {statistics.mean(ms):5.1f} ms")


def _round_trips(urls: dict[str, str], calls: int) -> dict[str, list[float]]:
    clients = {name: httpx.Client(base_url=url, timeout=30) for name, url in urls.items()}
    times: dict[str, list[float]] = {name: [] for name in urls}
    try:
        for client in clients.values():  # a first call each, not counted
            gradio_http.call(client, "quote", QUOTE)
        for n in range(calls):
            for name in (list(clients) if n % 2 == 0 else list(clients)[::-1]):
                start = time.perf_counter()
                kind, answer = gradio_http.call(clients[name], "quote", QUOTE)
                times[name].append(1000 * (time.perf_counter() - start))
                if kind != "complete":
                    raise SystemExit(f"{name}: /quote answered {kind}: {answer}")
    finally:
        for client in clients.values():
            client.close()
    return times


if __name__ == "__main__":
    main()
