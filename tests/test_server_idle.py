"""The studio's Gradio queue polls gently while idle (Settings.queue_idle_poll_seconds).

The CPU it saves is measured by bench/bench_idle_server.py, not here (no timing in tests).
"""

from __future__ import annotations

from gradio import queueing

from studio.config import Settings
from studio.jobs.service import Studio
from studio.ui import create_server


def _server(tmp_path, **settings):
    studio = Studio.connect(Settings(data_dir=tmp_path, **settings), offline=True, render=False)
    return create_server(studio)


def test_gradio_still_has_the_idle_poll_the_studio_sets():
    """A Gradio upgrade that renames the attribute would silently bring back the 1 ms poll."""
    assert "sleep_when_free" in queueing.Queue.__init__.__code__.co_names


def test_the_queue_polls_at_the_configured_interval(tmp_path):
    server = _server(tmp_path)
    try:
        assert server.demo._queue.sleep_when_free == Settings().queue_idle_poll_seconds == 0.01
    finally:
        server.close()
    server = _server(tmp_path / "b", queue_idle_poll_seconds=0.2)
    try:
        assert server.demo._queue.sleep_when_free == 0.2
    finally:
        server.close()
