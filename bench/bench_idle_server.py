"""An idle studio's server CPU with Gradio's queue waking every 1 ms (about Gradio's default:
1 ms for new events, 10 ms for progress), every 10 ms (the studio before) and every 50 ms (the
studio's ``STUDIO_QUEUE_IDLE_POLL_SECONDS``), beside a bare Gradio app.

All three run at once as their own processes (``python app.py`` offline, and
``bench/bare_gradio.py``), with no browser attached; after ``--settle`` seconds the CPU time
(utime + stime of each process tree, from /proc) over ``--seconds`` is printed as % of one core.

    python bench/bench_idle_server.py [--seconds 30] [--settle 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._idle_servers import bare_server, cpu_seconds, studio_server

POLLS = {"studio, Gradio's 1 ms poll": "0.001", "studio, 10 ms poll (before)": "0.01", "studio, 50 ms poll (default)": "0.05"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-idle-server-") as tmp, ExitStack() as stack:
        pids: dict[str, int] = {}
        for n, (name, poll) in enumerate(POLLS.items()):
            served = studio_server(Path(tmp) / f"studio-{n}", env={"STUDIO_QUEUE_IDLE_POLL_SECONDS": poll})
            pids[name] = stack.enter_context(served).pid
        pids["bare Gradio (1 ms poll)"] = stack.enter_context(bare_server(Path(tmp) / "bare")).pid
        time.sleep(args.settle)
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        start = time.monotonic()
        time.sleep(args.seconds)
        elapsed = time.monotonic() - start
        print(f"idle server CPU over {elapsed:.0f} s (no visitor), % of one core:")
        for name, pid in pids.items():
            print(f"  {name:32s} {100 * (cpu_seconds(pid) - before[name]) / elapsed:5.1f} %")


if __name__ == "__main__":
    main()
