"""The browser studio's parts without the simulator: the worker loop (studio.jobs.worker), kept
values (studio.jobs.cached), the double-submit guard, and the runner's one ``finish`` and one
"download or follow" (``bring_home``)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from studio.config import Settings
from studio.errors import ValidationError
from studio.jobs.cached import Cached
from studio.jobs.job_service import DoubleSubmitGuard
from studio.jobs.journal import JobRecord, open_journal
from studio.jobs.runner import JobRunner, Progress
from studio.jobs.worker import Worker


@pytest.fixture
def worker():
    w = Worker(name="test-worker")
    w.start()
    yield w
    w.stop(lambda: asyncio.sleep(0))


def test_call_runs_on_the_worker_thread_and_returns_its_answer(worker):
    async def where() -> str:
        return threading.current_thread().name

    assert worker.call(where()) == "test-worker"
    assert worker.start() is False  # already running


def test_a_named_task_runs_once_at_a_time_and_is_forgotten_when_done(worker):
    release = asyncio.Event()
    runs = []

    async def job() -> None:
        runs.append(1)
        await release.wait()

    async def spawn() -> bool:
        return worker.spawn("story:a", job)

    assert worker.call(spawn()) is True
    assert worker.call(spawn()) is False  # the second click finds it running
    assert worker.running("story:a") and not worker.idle()
    assert not worker.wait_idle(0.1)
    worker.loop.call_soon_threadsafe(release.set)
    assert worker.wait_idle(5) and not worker.running("story:a") and runs == [1]


def test_stop_cancels_the_tasks_then_runs_the_last_step():
    worker = Worker()
    worker.start()
    seen = []

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    async def spawn() -> None:
        worker.spawn("job", forever)

    async def last() -> None:
        await asyncio.sleep(0.01)
        seen.append("last")

    worker.call(spawn())
    worker.stop(last)
    assert seen == ["cancelled", "last"] and not worker.alive


def test_a_cached_value_is_fetched_again_only_when_stale_or_cleared():
    now = [0.0]
    cached: Cached[int] = Cached(60, clock=lambda: now[0])
    fetched = []

    def fetch() -> int:
        fetched.append(now[0])
        return len(fetched)

    assert cached.get(fetch) == 1
    now[0] = 59.9
    assert cached.get(fetch) == 1
    now[0] = 60.0
    assert cached.get(fetch) == 2
    cached.clear()
    assert cached.get(fetch) == 3 and fetched == [0.0, 60.0, 60.0]


def test_the_double_submit_guard_refuses_a_repeat_within_its_window_only():
    now = [0.0]
    guard = DoubleSubmitGuard(10, clock=lambda: now[0])
    guard.check("alice", "clip")
    with pytest.raises(ValidationError, match="a moment ago"):
        guard.check("alice", "clip")
    guard.check("alice", "clip", distinct=True)  # a deliberate second take
    guard.check("bob", "clip")  # another browser
    now[0] = 10.0
    guard.check("alice", "clip")


def test_the_double_submit_window_comes_from_the_settings(tmp_path):
    from studio.jobs.manager import JobManager
    from studio.jobs.service import Studio

    settings = Settings(data_dir=tmp_path, double_submit_seconds=3.5, balance_cache_seconds=7.0)
    studio = Studio.connect(settings, offline=True, render=False)
    manager = JobManager(studio)
    try:
        assert manager.job_service.guard.window == 3.5
        assert manager.balance_cache.seconds == 7.0
    finally:
        asyncio.run(studio.aclose())


@pytest.fixture
def journal(tmp_path):
    j = open_journal(tmp_path / "j.sqlite3")
    yield j
    j.close()


def queued(journal, **changes) -> JobRecord:
    record = journal.begin(model_id="kling/x", request={"prompt": "p"}, payload={"prompt": "p"}, quote_usd="0.42")
    return journal.update(record.job_id, status="queued", request_id="req-1", queue_position=3, **changes)


@pytest.mark.parametrize(
    ("status", "reason", "message"),
    [("cancelled", "cancelled while queued", "cancelled while queued"), ("failed", "boom", "boom"), ("unknown", "no answer", "no answer"), ("succeeded", None, "/v.mp4")],
)
def test_finish_writes_every_end_alike_and_reports_it(tmp_path, journal, status, reason, message):
    runner = JobRunner(None, journal, Settings(data_dir=tmp_path))  # type: ignore[arg-type]
    record = queued(journal, files=("/v.mp4",), error="an earlier error")
    seen: list[Progress] = []
    ended = runner.finish(record, status, reason, emit=seen.append)
    assert ended == journal.get(record.job_id)
    assert (ended.status, ended.error, ended.queue_position, ended.finished) == (status, reason, None, True)
    assert ended.finished_at is not None and ended.files == ("/v.mp4",)
    assert seen == [Progress(record.job_id, status, "req-1", message=message)]


class Recording(JobRunner):
    async def download(self, record, emit=None):  # type: ignore[override]
        return record.job_id, "download"

    async def follow(self, record, *, on_progress=None, stop=None):  # type: ignore[override]
        return record.job_id, "follow"


@pytest.mark.parametrize(
    ("status", "urls", "step"),
    [("queued", (), "follow"), ("running", (), "follow"), ("downloading", ("https://x/v.mp4",), "download"), ("downloading", (), "follow")],
)
def test_bring_home_downloads_only_a_finished_job_with_known_outputs(tmp_path, journal, status, urls, step):
    runner = Recording(None, journal, Settings(data_dir=tmp_path))  # type: ignore[arg-type]
    record = journal.update(queued(journal).job_id, status=status, output_urls=urls)
    assert asyncio.run(runner.bring_home(record)) == (record.job_id, step)
