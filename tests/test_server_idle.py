"""The studio's Gradio queue: sized and limited by Settings, polls gently while idle
(Settings.queue_idle_poll_seconds, for new events and for progress) and does not rebuild a
monitoring summary nobody reads after every event.

What it saves is measured by bench/bench_idle_server.py and bench/bench_queue_events.py, not
here (no timing in tests).
"""

from __future__ import annotations

import gradio as gr
from gradio import queueing

from studio.config import Settings
from studio.jobs.service import Studio
from studio.ui import create_server


def _server(tmp_path, **settings):
    studio = Studio.connect(Settings(data_dir=tmp_path, **settings), offline=True, render=False)
    return create_server(studio)


def test_gradio_still_has_what_the_studio_tunes():
    """A Gradio upgrade that renames these would silently bring back the 1 ms and 10 ms polls
    and the summary rebuilt after every event."""
    names = queueing.Queue.__init__.__code__.co_names
    assert {"sleep_when_free", "progress_update_sleep_when_free", "ANAYLTICS_CACHE_FREQUENCY", "ANALYTICS_MAX_EVENTS"} <= set(names)
    assert "progress_update_sleep_when_free" in queueing.Queue.start_progress_updates.__code__.co_names
    assert "sleep_when_free" in queueing.Queue.start_processing.__code__.co_names
    assert "ANAYLTICS_CACHE_FREQUENCY" in queueing.Queue.compute_analytics_summary.__code__.co_names


def test_the_queue_polls_at_the_configured_interval(tmp_path):
    server = _server(tmp_path)
    try:
        queue = server.demo._queue
        assert queue.sleep_when_free == queue.progress_update_sleep_when_free == Settings().queue_idle_poll_seconds == 0.01
        assert queue.ANAYLTICS_CACHE_FREQUENCY > 10**12 and queue.ANALYTICS_MAX_EVENTS == 1000
    finally:
        server.close()
    server = _server(tmp_path / "b", queue_idle_poll_seconds=0.2)
    try:
        assert server.demo._queue.sleep_when_free == server.demo._queue.progress_update_sleep_when_free == 0.2
    finally:
        server.close()


def test_the_monitoring_summary_is_left_as_the_operator_sets_it(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1")
    server = _server(tmp_path)
    try:
        assert server.demo._queue.ANAYLTICS_CACHE_FREQUENCY == 1
    finally:
        server.close()


def test_the_queue_and_the_page_take_their_numbers_from_settings(tmp_path):
    """STUDIO_QUEUE_SIZE, STUDIO_UI_CONCURRENCY, STUDIO_SUBMIT_CONCURRENCY and
    STUDIO_PAGE_REFRESH_SECONDS reach Gradio (read from the environment in tests/test_config.py)."""
    numbers = {"queue_size": 5, "ui_concurrency": 3, "submit_concurrency": 4, "page_refresh_seconds": 2.5}
    server = _server(tmp_path, **numbers)
    try:
        queue = server.demo._queue
        assert (queue.max_size, queue.default_concurrency_limit) == (5, 3)
        limits = {fn.api_name: fn.concurrency_limit for fn in server.demo.fns.values()}
        assert [limits[name] for name in ("generate", "generate_confirmed", "submit_request")] == [4, 4, 4]
        assert limits["run_variants"] == 3 and limits["quote"] == "default"
        timers = [block.value for block in server.demo.blocks.values() if isinstance(block, gr.Timer)]
        assert timers == [2.5]
    finally:
        server.close()
