"""The cost of one queued event as a studio's queue ages: Gradio's monitoring summary rebuilt
after every event (``GRADIO_ANALYTICS_CACHE_FREQUENCY=1``, Gradio's default) against the
studio's setting (never rebuilt; studio.ui.server.quiet_queue).

Two ``python app.py`` offline, side by side in one run; the same ``/quote`` call (a queued
event) is sent to each in turn, ``--events`` times, through ``gradio_client``. Printed per
block of events: the median round trip and the server's CPU time per event (utime + stime of
its process tree from /proc).

    python bench/bench_queue_events.py [--events 2000] [--block 500]
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

from bench._idle_servers import cpu_seconds, studio_server

APPS = {"Gradio's default (summary after every event)": "1", "studio (summary never rebuilt)": ""}
REQUEST = json.dumps({"prompt": "wide shot, a red lighthouse at dusk", "duration": 5})


def main() -> None:
    from gradio_client import Client  # type: ignore[import-untyped]

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--block", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-queue-events-") as tmp, ExitStack() as stack:
        clients, pids = {}, {}
        for n, (name, frequency) in enumerate(APPS.items()):
            env = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": frequency} if frequency else {}
            served = stack.enter_context(studio_server(Path(tmp) / f"studio-{n}", env=env))
            clients[name], pids[name] = Client(served.url + "/", verbose=False), served.pid
        times: dict[str, list[float]] = {name: [] for name in APPS}
        cpu: dict[str, list[float]] = {name: [cpu_seconds(pids[name])] for name in APPS}
        for i in range(args.events):
            for name, client in clients.items():
                start = time.perf_counter()
                client.predict("kling/kling-3.0/pro/text-to-video", REQUEST, 1, api_name="/quote")
                times[name].append(time.perf_counter() - start)
            if (i + 1) % args.block == 0:
                for name in APPS:
                    cpu[name].append(cpu_seconds(pids[name]))
        print(f"/quote through the queue, {args.events} events per server, in blocks of {args.block}:")
        for name in APPS:
            print(f"  {name}")
            for b in range(args.events // args.block):
                block = times[name][b * args.block:(b + 1) * args.block]
                per_event = (cpu[name][b + 1] - cpu[name][b]) / args.block
                print(f"    events {b * args.block + 1:5d}-{(b + 1) * args.block:5d}: round trip p50 "
                      f"{1000 * statistics.median(block):6.1f} ms, server CPU {1000 * per_event:6.1f} ms/event")


if __name__ == "__main__":
    main()
