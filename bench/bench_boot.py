"""What starting a studio costs: Gradio's app made once (as shipped) against Gradio's four.

    python bench/bench_boot.py              # 6 starts each way, alternating
    python bench/bench_boot.py --starts 12

``create_server`` of an offline studio (own data folder under /tmp), alternately as shipped
(:mod:`studio.ui.one_app`) and with its build window and adoption made no-ops (Gradio 6.31's
own four apps): the CPU of each start (``time.process_time``, the server closed after each) and
how many FastAPI apps Gradio made. First, each start as a studio's first in a new process that
has imported everything (as ``python app.py``, and as the suite's forked studios, start): one
process per start; then ``--starts`` more in one process, caches warm. No server is put on the
network.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import gradio.routes  # noqa: E402

import studio.ui.server as server_module  # noqa: E402
from studio.config import Settings  # noqa: E402
from studio.jobs.service import Studio  # noqa: E402

SHIPPED = (server_module.one_gradio_app, server_module.adopt_mounted_app)
GRADIO_OWN = (contextlib.nullcontext, lambda demo, app: None)
made: list[object] = []
_create_app = gradio.routes.App.create_app


def _counted(*args: object, **kwargs: object) -> object:
    made.append(None)
    return _create_app(*args, **kwargs)


def start(way: tuple[object, object], home: Path) -> tuple[float, int]:
    """CPU seconds of one ``create_server`` and the apps Gradio made for it."""
    server_module.one_gradio_app, server_module.adopt_mounted_app = way  # type: ignore[assignment]
    studio = Studio.connect(Settings(data_dir=home), offline=True, render=False)
    made.clear()
    gc.collect()
    before = time.process_time()
    server = server_module.create_server(studio)
    spent = time.process_time() - before
    apps = len(made)
    server.close()
    return spent, apps


WAYS = {"as shipped": SHIPPED, "Gradio's own": GRADIO_OWN}


def report(title: str, figures: dict[str, list[float]], apps: dict[str, int]) -> None:
    print(title)
    for name, spent in figures.items():
        print(f"  {name:13s} {statistics.median(spent):.3f} s CPU per start (median of {len(spent)}; "
              f"{min(spent):.3f}–{max(spent):.3f}), {apps[name]} FastAPI app(s) made")
    ratio = statistics.median(figures["Gradio's own"]) / statistics.median(figures["as shipped"])
    print(f"  Gradio's own / as shipped: {ratio:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=6)
    parser.add_argument("--first-start", choices=list(WAYS), help=argparse.SUPPRESS)  # one process's first
    args = parser.parse_args()
    gradio.routes.App.create_app = staticmethod(_counted)  # type: ignore[method-assign]
    tmp = Path(tempfile.mkdtemp(prefix="bench-boot-"))
    if args.first_start:
        print(*start(WAYS[args.first_start], tmp / "home"))
        return
    figures: dict[str, list[float]] = {name: [] for name in WAYS}
    apps: dict[str, int] = {}
    for _ in range(args.starts):
        for name in WAYS:
            done = subprocess.run([sys.executable, __file__, "--first-start", name], capture_output=True, text=True, check=True)
            spent, count = done.stdout.split()
            figures[name].append(float(spent))
            apps[name] = int(count)
    report("A studio's first start in a new process:", figures, apps)
    start(SHIPPED, tmp / "warm")  # first-use caches, not measured
    figures = {name: [] for name in WAYS}
    for n in range(args.starts):
        for name, way in WAYS.items():
            spent, apps[name] = start(way, tmp / f"{name[:2]}{n}")
            figures[name].append(spent)
    report("Further starts in one process:", figures, apps)


if __name__ == "__main__":
    main()
