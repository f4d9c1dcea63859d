"""The browser studio's responsiveness, measured in a real browser (Debian's Chromium).

    python bench/bench_ui.py [--changes 50] [--jobs 5]

It starts ``python app.py`` offline (embedded simulator, queue 0.5 s + run 1.5 s) exactly as
``tests/browser`` does, and measures:

(a) duration change → new figure in ``#cost-figure``: ``performance.now()`` in a capture-phase
    listener (``keydown`` of ArrowRight/ArrowLeft on the slider, or ``input`` on the number box,
    which Gradio applies as it is typed) and in a MutationObserver on ``#cost`` that sees the
    figure's text change ("to DOM"), plus the next animation frame after it ("to next frame",
    about when it is painted). Both ends are in the page, so Playwright's round trips are not
    counted.
(b) for ``--jobs`` jobs, one after another: the wall time (epoch, in the page) when the
    ``<video>`` for the job in ``#gallery`` first reaches ``readyState >= 1`` (playable), against
    the click on Generate, the simulator's ``finished_at`` (``GET /_sim/jobs`` on the embedded
    simulator, whose address is in the job's output URL in the journal) and the journal's
    ``finished_at`` (when the studio had the file on disk).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, StudioApp  # noqa: E402

COST_PROBE = """
() => {
  const b = window.__costBench = {t0: null, samples: [], frames: [], last: null};
  b.last = document.querySelector('#cost-figure').textContent;
  const start = () => { b.t0 = performance.now(); };
  // The slider changes on the key press; the number box on its input event (Gradio updates
  // the value as it is typed, before Enter).
  document.querySelector('#duration input[type=range]').addEventListener('keydown', start, true);
  document.querySelector('#duration input[type=number]').addEventListener('input', start, true);
  new MutationObserver(() => {
    const now = performance.now();
    const f = document.querySelector('#cost-figure');
    const text = f ? f.textContent : null;
    if (text !== null && text !== b.last) {
      b.last = text;
      if (b.t0 !== null) {
        const t0 = b.t0;
        b.t0 = null;
        b.samples.push(now - t0);
        requestAnimationFrame(() => b.frames.push(performance.now() - t0));
      }
    }
  }).observe(document.querySelector('#cost'), {subtree: true, childList: true, characterData: true});
}
"""

GALLERY_PROBE = r"""
() => {
  // Gradio's HTML component patches the gallery in place, node by node: a <video> element may
  // be reused for another job (its src changes). So a job is identified by the src, "appeared"
  // is when some <video>'s src attribute names it, and "playable" is when a <video> whose
  // current source is that job reaches readyState >= 1 (or fires loadedmetadata).
  const epoch = () => performance.timeOrigin + performance.now();
  const seen = window.__seen = {};
  window.__clicks = [];
  document.querySelector('#generate').addEventListener('click', () => window.__clicks.push(epoch()), true);
  const job = (url) => { const m = /\/studio\/media\/([0-9a-f]{32})/.exec(url || ''); return m && m[1]; };
  const note = (id, key) => {
    const s = seen[id] || (seen[id] = {appeared: null, playable: null});
    if (s[key] === null) s[key] = epoch();
  };
  const scan = () => {
    document.querySelectorAll('#gallery video').forEach((v) => {
      const id = job(v.getAttribute('src'));
      if (id) note(id, 'appeared');
      const current = job(v.currentSrc);
      if (current && current === id && v.readyState >= 1) note(current, 'playable');
    });
  };
  document.addEventListener('loadedmetadata', (e) => {
    const id = e.target instanceof HTMLMediaElement && job(e.target.currentSrc);
    if (id) { note(id, 'appeared'); note(id, 'playable'); }
  }, true);
  new MutationObserver(scan).observe(document.querySelector('#gallery'),
    {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
  scan();
}
"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def cost_latency(page, changes: int, how: str) -> tuple[list[float], list[float]]:
    page.evaluate(COST_PROBE)
    number = page.locator("#duration input[type=number]")
    slider = page.locator("#duration input[type=range]")
    value = int(number.input_value() or 5)
    direction = 1
    for i in range(changes):
        if not 3 <= value + direction <= 15:
            direction = -direction
        value += direction
        if how == "slider":
            slider.focus()
            page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")
        else:
            number.fill(str(value))
        page.wait_for_function("n => window.__costBench.frames.length >= n", arg=i + 1, timeout=10_000)
    return page.evaluate("() => [window.__costBench.samples, window.__costBench.frames]")


def sim_finished(output_url: str) -> dict[str, float]:
    parts = urlsplit(output_url)
    with urllib.request.urlopen(f"{parts.scheme}://{parts.netloc}/_sim/jobs", timeout=10) as resp:
        jobs = json.loads(resp.read())["jobs"]
    return {j["request_id"]: j["finished_at"] for j in jobs if j.get("finished_at")}


def job_latency(page, app: StudioApp, jobs: int) -> list[dict[str, float]]:
    page.evaluate(GALLERY_PROBE)
    rows = []
    for i in range(jobs):
        before = set(page.evaluate("() => Object.keys(window.__seen)"))
        page.fill("#prompt textarea", f"Wide shot, slow push-in, bench take {i + 1}")
        page.click("#generate")
        page.wait_for_function(
            """before => Object.entries(window.__seen).some(([id, s]) => !before.includes(id) && s.playable !== null)""",
            arg=sorted(before),
            timeout=60_000,
        )
        seen = page.evaluate("() => window.__seen")
        job_id = next(j for j in seen if j not in before)
        click = page.evaluate("() => window.__clicks[window.__clicks.length - 1]") / 1000
        record = next(r for r in app.journal_rows() if r["job_id"] == job_id)
        url = json.loads(record["output_urls"])[0]
        sim_done = sim_finished(url)[record["request_id"]]
        playable = seen[job_id]["playable"] / 1000
        rows.append(
            {
                "submit_to_playable": playable - click,
                "sim_done_to_playable": playable - sim_done,
                "disk_to_card": seen[job_id]["appeared"] / 1000 - record["finished_at"],
                "disk_to_playable": playable - record["finished_at"],
                "sim_done_to_disk": record["finished_at"] - sim_done,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-ui-"))
    app = StudioApp(tmp / "studio-home", {"STUDIO_SIM_QUEUE_SECONDS": "0.5", "STUDIO_SIM_RUN_SECONDS": "1.5"})
    try:
        app.start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.goto(app.url + "/", wait_until="load")
            page.wait_for_selector("#generate:not([disabled])")  # the session is ready
            print(f"Chromium {browser.version}, studio offline (simulator queue 0.5 s + run 1.5 s), page polls every 1 s")
            print(f"\n(a) duration change -> new #cost-figure, {args.changes} changes each (ms, in the page)")
            print(f"{'input':>24} {'to DOM: median':>15} {'p95':>7} {'max':>7} {'to next frame: median':>22} {'p95':>7}")
            for how, label in (("slider", "slider ArrowRight/Left"), ("number", "typing in the number box")):
                dom, frame = cost_latency(page, args.changes, how)
                print(
                    f"{label:>24} {statistics.median(dom):15.1f} {pct(dom, 95):7.1f} {max(dom):7.1f}"
                    f" {statistics.median(frame):22.1f} {pct(frame, 95):7.1f}"
                )

            print(f"\n(b) {args.jobs} text-to-video jobs (5 s, Standard), one after another (seconds)")
            rows = job_latency(page, app, args.jobs)
            cols = [
                ("submit_to_playable", "submit→playable"),
                ("sim_done_to_disk", "sim done→on disk"),
                ("disk_to_card", "on disk→card"),
                ("disk_to_playable", "on disk→playable"),
                ("sim_done_to_playable", "sim done→playable"),
            ]
            print("job  " + " ".join(f"{c[1]:>18}" for c in cols))
            for n, r in enumerate(rows, 1):
                print(f"{n:>3}  " + " ".join(f"{r[k]:18.2f}" for k, _ in cols))
            print("med  " + " ".join(f"{statistics.median(r[k] for r in rows):18.2f}" for k, _ in cols))
            browser.close()
    finally:
        app.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
