"""The studio's Gradio queue polls gently while idle (Settings.queue_idle_poll_seconds) and
does not rebuild a monitoring summary nobody reads after every event.

What it saves is measured by bench/bench_idle_server.py and bench/bench_queue_events.py, not
here (no timing in tests).
"""

from __future__ import annotations

from gradio import queueing

from studio.config import Settings
from studio.jobs.service import Studio
from studio.ui import create_server


def _server(tmp_path, **settings):
    studio = Studio.connect(Settings(data_dir=tmp_path, **settings), offline=True, render=False)
    return create_server(studio)


def test_gradio_still_has_what_the_studio_tunes():
    """A Gradio upgrade that renames these would silently bring back the 1 ms poll and the
    summary rebuilt after every event."""
    names = queueing.Queue.__init__.__code__.co_names
    assert {"sleep_when_free", "ANAYLTICS_CACHE_FREQUENCY", "ANALYTICS_MAX_EVENTS"} <= set(names)
    assert "ANAYLTICS_CACHE_FREQUENCY" in queueing.Queue.compute_analytics_summary.__code__.co_names


def test_the_queue_polls_at_the_configured_interval(tmp_path):
    server = _server(tmp_path)
    try:
        queue = server.demo._queue
        assert queue.sleep_when_free == Settings().queue_idle_poll_seconds == 0.01
        assert queue.ANAYLTICS_CACHE_FREQUENCY > 10**12 and queue.ANALYTICS_MAX_EVENTS == 1000
    finally:
        server.close()
    server = _server(tmp_path / "b", queue_idle_poll_seconds=0.2)
    try:
        assert server.demo._queue.sleep_when_free == 0.2
    finally:
        server.close()


def test_the_monitoring_summary_is_left_as_the_operator_sets_it(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1")
    server = _server(tmp_path)
    try:
        assert server.demo._queue.ANAYLTICS_CACHE_FREQUENCY == 1
    finally:
        server.close()
