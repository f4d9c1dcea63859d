"""What one API call costs the studio in sessions: Gradio's own against the studio's lean ones.

    python bench/bench_sessions.py              # 400 calls to /quote each way
    python bench/bench_sessions.py --calls 1000

Every ``POST /gradio_api/call/<name>`` is a new Gradio session. In one run, two ``python app.py``
offline (own STUDIO_HOME and port under /tmp), one after the other: as shipped
(:mod:`studio.ui.sessions`), and with ``lean_sessions`` and the deep-link refusal taken out
(Gradio 6.31's own sessions). For each: ``--calls`` calls of ``/quote`` over raw HTTP, and the
studio's CPU per call and RSS growth per 1,000 calls (``/proc``); as many form changes of one
page session (the page's form event, the clip length changed) and the CPU per change; then two
``/gradio_api/deep_link`` requests for a session of its own and what they wrote into Gradio's
temp folder.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from _idle_servers import cpu_seconds, rss_mb  # noqa: E402

from tests import gradio_http  # noqa: E402
from tests.browser.conftest import StudioApp  # noqa: E402

# python app.py with Gradio's own sessions: the two studio.ui.sessions hooks, as studio.ui.server
# imported them, made no-ops.
GRADIO_OWN = (
    "import runpy, studio.ui.server as s; from starlette.routing import Route; "
    "s.lean_sessions = lambda demo: None; s.no_deep_links = lambda: Route('/_unused', lambda r: None); "
    "runpy.run_path('app.py', run_name='__main__')"
)
REQUEST = json.dumps({"prompt": "wide shot, a red lighthouse at dusk", "duration": 5})


class Shipped(StudioApp):
    """``python app.py`` run as a command (not forked), like the other side."""

    forked = False


class GradioOwn(Shipped):
    command = ("-c", GRADIO_OWN)


def form_change_cpu(client: httpx.Client, config: dict[str, Any], pid: int, changes: int) -> float:
    """Studio CPU per form change of one page session: the page's one form event (``on_form``,
    unqueued, at ``/gradio_api/run/predict``) with the clip length changed each time."""
    components = {c["id"]: c for c in config["components"]}
    dep = next(d for d in config["dependencies"] if d.get("api_name") == "on_form")
    values = [components[i]["props"].get("value") for i in dep["inputs"]]
    values[:2] = ["bench-owner-" + "0" * 20, ""]  # the two browser states: owner key and API key
    at = [components[i]["props"].get("elem_id") for i in dep["inputs"]].index("duration")
    trigger = dep["inputs"][at]
    cpu = cpu_seconds(pid)
    for n in range(changes):
        values[at] = 3 + n % 12
        body = {"data": values, "fn_index": dep["id"], "session_hash": "bench-page", "trigger_id": trigger}
        answer = client.post("/gradio_api/run/predict", json=body)
        assert answer.status_code == 200, answer.text[:200]
    return (cpu_seconds(pid) - cpu) / changes


def measure(own: bool, calls: int) -> None:
    home = Path(tempfile.mkdtemp(prefix="bench-sessions-")) / "studio-home"
    app = (GradioOwn if own else Shipped)(home).start()
    assert app.proc is not None
    pid = app.proc.pid
    try:
        with httpx.Client(base_url=app.url, timeout=30) as client:
            data: list[object] = ["kling/kling-3.0/standard/text-to-video", REQUEST, 1]
            for _ in range(5):
                assert gradio_http.call(client, "quote", data)[0] == "complete"
            cpu, rss = cpu_seconds(pid), rss_mb(pid)
            for _ in range(calls):
                gradio_http.call(client, "quote", data)
            cpu, rss = cpu_seconds(pid) - cpu, rss_mb(pid) - rss
            config = client.get("/config").json()
            change = form_change_cpu(client, config, pid, calls)
            quote = gradio_http.fn_index(config, "quote")
            answers = []
            for n in range(2):  # two sessions with different values: two different deep links
                session = f"bench-session-{n}"
                own_data = [data[0], json.dumps({"prompt": f"wide shot, lighthouse number {n}", "duration": 5}), 1]
                gradio_http.join(client, quote, session, own_data)
                answers.append(client.get(f"/gradio_api/deep_link?session_hash={session}").status_code)
        written = sum(p.stat().st_size for p in (home.parent / "gradio-tmp").rglob("state.json"))
        name = "Gradio's own sessions" if own else "the studio's lean sessions"
        print(
            f"{name:28s} {1000 * cpu / calls:5.1f} ms of studio CPU per call, RSS +{1000 * rss / calls:5.1f} MB "
            f"per 1,000 calls ({calls} calls); {1000 * change:5.1f} ms per form change ({calls} changes); "
            f"/gradio_api/deep_link answered {answers}, wrote {written / 1024:.0f} KB"
        )
    finally:
        app.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=400, help="calls of /quote each way (default 400)")
    args = parser.parse_args()
    measure(own=True, calls=args.calls)
    measure(own=False, calls=args.calls)


if __name__ == "__main__":
    main()
