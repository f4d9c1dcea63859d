"""Favourites, deletions and typical run times of the job manager, on the embedded simulator."""

from pathlib import Path

import pytest

from studio.config import TYPICAL_RUN_SECONDS, Settings
from studio.domain.forms import Form
from studio.errors import ValidationError
from studio.jobs.journal import JobRecord
from studio.jobs.manager import JobManager
from studio.jobs.run_times import learned_run_seconds, typical_run_seconds
from studio.jobs.service import Studio
from studio.ui.gallery_view import gallery, gallery_action
from studio.ui.present import spend_text

STANDARD_T2V = "kling/kling-3.0/standard/text-to-video"


@pytest.fixture
def manager(tmp_path):
    studio = Studio.connect(Settings(data_dir=tmp_path, poll_interval=0.05), offline=True, queue_seconds=0.1, run_seconds=0.2, render=False)
    m = JobManager(studio).start()
    yield m
    m.stop()


def finished_video(manager, owner="alice-key", prompt="Wide shot of a harbour"):
    record = manager.submit(Form(prompt=prompt, duration=3), owner, distinct=True)
    assert manager.wait_idle(30)
    record = manager.job(owner, record.job_id)
    assert record.status == "succeeded" and record.files and Path(record.files[0]).is_file()
    return record


def refused_as_job(call):
    with pytest.raises(ValidationError) as info:
        call()
    assert [p.field for p in info.value.problems] == ["job"]


def test_favourite_persists_in_the_journal_and_only_for_its_browser(manager):
    video = finished_video(manager)
    assert "Added" in manager.set_favourite("alice-key", video.job_id, True)
    assert manager.studio.journal.get(video.job_id).meta["favourite"] is True
    assert manager.studio.journal.get(video.job_id).meta["backend"] == "offline"  # the rest of meta is kept
    assert 'data-fav="1"' in gallery([manager.job("alice-key", video.job_id)], lambda r: "/m")
    manager.set_favourite("alice-key", video.job_id, False)
    assert manager.studio.journal.get(video.job_id).meta["favourite"] is False
    refused_as_job(lambda: manager.set_favourite("bob-key", video.job_id, True))
    refused_as_job(lambda: manager.set_favourite("alice-key", "0" * 32, True))
    assert manager.studio.journal.get(video.job_id).meta["favourite"] is False


def test_delete_removes_the_file_and_keeps_the_cost_in_the_spend(manager):
    video = finished_video(manager)
    keep = finished_video(manager, prompt="Aerial shot of a forest")
    path = Path(video.files[0])
    before = spend_text([r for r, _ in manager.jobs("alice-key")])
    refused_as_job(lambda: manager.delete_video("bob-key", video.job_id))
    assert path.is_file()

    assert "cost stays" in gallery_action(manager, "alice-key", "delete", video.job_id)
    assert not path.exists() and not path.parent.exists()  # the job's own folder went too
    assert Path(keep.files[0]).is_file()
    row = manager.studio.journal.get(video.job_id)
    assert row.status == "succeeded" and row.files == () and row.meta.get("deleted_at")
    assert row.quote_usd == video.quote_usd and row.cost_usd == video.cost_usd
    assert spend_text([r for r, _ in manager.jobs("alice-key")]) == before
    # The gallery no longer shows it; deleting again is harmless.
    html = gallery([r for r, _ in manager.jobs("alice-key")], lambda r: "/m")
    assert video.job_id not in html and keep.job_id in html
    assert "already" in manager.delete_video("alice-key", video.job_id)
    refused_as_job(lambda: manager.set_favourite("alice-key", "not-a-job", True))


def test_unfinished_jobs_and_storyboard_clips_are_not_deleted(manager):
    manager.studio.simulator.set_config(queue_seconds=30)
    queued = manager.submit(Form(prompt="Wide shot, waiting", duration=3), "alice-key")
    refused_as_job(lambda: manager.delete_video("alice-key", queued.job_id))
    manager.cancel("alice-key", queued.job_id)
    manager.studio.simulator.set_config(queue_seconds=0.1)
    clip = finished_video(manager)
    manager.studio.journal.update(clip.job_id, group_id="board-x", meta={**clip.meta, "clip": 0, "clips": 2})
    with pytest.raises(ValidationError, match="storyboard"):
        manager.delete_video("alice-key", clip.job_id)
    assert Path(clip.files[0]).is_file()


def test_typical_run_time_is_learned_from_finished_jobs(tmp_path):
    # Polled often enough to see the job running (a run time needs its start).
    studio = Studio.connect(Settings(data_dir=tmp_path, poll_interval=0.05), offline=True, queue_seconds=0.1, run_seconds=0.6, render=False)
    manager = JobManager(studio).start()
    try:
        # Offline, before any job: the simulator's run time, for every model.
        assert set(manager.typical_run_seconds().values()) == {0.6}
        assert len(manager.typical_run_seconds()) == 6
        manager.gallery.run_times.clear()  # the 30 s cache: read the journal again
        video = finished_video(manager)
        assert video.started_at is not None
        learned = manager.typical_run_seconds()
        assert learned[STANDARD_T2V] == pytest.approx(video.finished_at - video.started_at)
        assert learned["kling/kling-3.0/pro/text-to-video"] == 0.6
    finally:
        manager.stop()


def row(n, model=STANDARD_T2V, started=0.0, took=10.0, status="succeeded"):
    return JobRecord(
        job_id=f"{n:032x}", model_id=model, status=status, request={}, payload={}, quote_usd="0.42",
        created_at=float(n), updated_at=float(n), started_at=started, finished_at=started + took if took is not None else None,
    )


def test_learned_run_times_are_the_median_of_each_models_latest_jobs():
    rows = [row(1, took=10), row(2, started=100, took=20), row(3, started=200, took=90)]
    rows += [row(4, model="kling/kling-3.0/pro/text-to-video", took=100), row(5, took=5, status="failed"), row(6, took=None)]
    assert learned_run_seconds(rows) == {STANDARD_T2V: 20.0, "kling/kling-3.0/pro/text-to-video": 100.0}
    # Only the latest `sample` jobs count (by when they finished).
    assert learned_run_seconds(rows, sample=2) == {STANDARD_T2V: 55.0, "kling/kling-3.0/pro/text-to-video": 100.0}
    assert typical_run_seconds(STANDARD_T2V, {STANDARD_T2V: 20.0}) == 20.0
    assert typical_run_seconds(STANDARD_T2V) == TYPICAL_RUN_SECONDS["standard"]
    assert typical_run_seconds("kling/kling-3.0/4k/image-to-video", {STANDARD_T2V: 20.0}) == TYPICAL_RUN_SECONDS["4k"]
    assert typical_run_seconds("someone/else") == max(TYPICAL_RUN_SECONDS.values())
