"""A browser's storyboard runs (studio.jobs.storyboard_jobs): typed rows in the journal, read from
any thread, kept across restarts; films older versions kept as JSON files are imported once."""

from __future__ import annotations

import json
import sqlite3
import time

from studio.config import Settings
from studio.domain.storyboard import storyboard_from_json
from studio.jobs.journal import StoryRun, open_journal
from studio.jobs.manager import JobManager, owner_id
from studio.jobs.service import Studio
from studio.jobs.storyboard_jobs import STOPPED_BY_RESTART

BOARD = storyboard_from_json({"title": "Harbour", "shots": [{"prompt": "wide shot of a harbour", "duration": 3}], "continuity": False})


def start(tmp_path) -> JobManager:
    studio = Studio.connect(Settings(data_dir=tmp_path, poll_interval=0.05), offline=True, queue_seconds=0.1, run_seconds=0.2, render=False)
    return JobManager(studio).start()


def test_a_story_run_is_a_typed_journal_row(tmp_path):
    journal = open_journal(tmp_path / "j.sqlite3")
    try:
        saved = journal.save_story(StoryRun(run_id="board-a", owner="alice", title="Harbour", started_at=1.0))
        assert saved.updated_at > 0 and journal.story("board-a") == saved
        done = journal.save_story(
            StoryRun(run_id="board-a", owner="alice", title="Harbour", stage="done", done=True, file="/f.mp4", seconds=3.0, clips=1, reused_clips=(1,), started_at=1.0, finished_at=2.0)
        )
        assert journal.story("board-a") == done and done.reused_clips == (1,) and done.done is True
        journal.save_story(StoryRun(run_id="board-b", owner="bob", started_at=3.0))
        assert [r.run_id for r in journal.stories()] == ["board-b", "board-a"]
        assert [r.run_id for r in journal.stories(owner="alice")] == ["board-a"]
        assert [r.run_id for r in journal.stories(done=False)] == ["board-b"]
        assert journal.story("nope") is None
    finally:
        journal.close()


def test_a_journal_from_before_storyboards_gains_the_table_and_keeps_its_jobs(tmp_path):
    path = tmp_path / "j.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at REAL)")
    db.execute("INSERT INTO _migrations VALUES ('m001_jobs', 0)")
    from studio.jobs.journal.sqlite import m001_jobs

    m001_jobs(db)
    db.execute(
        "INSERT INTO jobs (job_id, model_id, status, request, payload, quote_usd, created_at, updated_at) VALUES ('j1', 'kling/x', 'succeeded', '{}', '{}', '0.42', 1, 1)"
    )
    db.commit()
    db.close()
    journal = open_journal(path)
    try:
        assert journal.get("j1").status == "succeeded"
        assert journal.stories() == []
        journal.save_story(StoryRun(run_id="r", owner="o"))
        assert journal.story("r") is not None
    finally:
        journal.close()


def test_a_finished_storyboard_survives_a_restart_of_the_manager(tmp_path):
    first = start(tmp_path)
    try:
        run_id = first.run_storyboard(BOARD, "alice-key")
        assert run_id.endswith(owner_id("alice-key")[:12])
        assert first.busy("alice-key") or first.storyboard_state("alice-key", run_id)["done"]
        assert first.wait_idle(60)
        state = first.storyboard_state("alice-key", run_id)
        assert state["stage"] == "done" and state["done"] is True and state["file"].endswith(".mp4"), state
        assert [(c["clip"], c["status"]) for c in state["clips"]] == [(0, "succeeded")]
        assert not first.busy("alice-key")
    finally:
        first.stop()
    second = start(tmp_path)
    try:
        [film] = second.storyboard_runs("alice-key")
        assert film["run_id"] == run_id and film["title"] == "Harbour" and film["clips"] == 1
        assert film["owner"] == owner_id("alice-key") and film["file"] == state["file"] and film["finished_at"] > 0
        assert second.storyboard_state("alice-key", run_id)["stage"] == "done"
        # Another browser sees nothing of it.
        assert second.storyboard_runs("bob-key") == [] and second.storyboard_state("bob-key", run_id) is None
        run = second.studio.journal.story(run_id)
        assert isinstance(run, StoryRun) and run.done and run.error is None and run.seconds and run.seconds > 0
        # The journal is the only record: no side file is written for the film.
        assert not list((tmp_path / "storyboards").glob("*.json"))
    finally:
        second.stop()


def test_two_clicks_start_one_run_and_running_again_reuses_the_paid_clips(tmp_path):
    manager = start(tmp_path)
    try:
        manager.studio.simulator.set_config(queue_seconds=1.5)
        assert manager.run_storyboard(BOARD, "alice-key") == manager.run_storyboard(BOARD, "alice-key")
        assert manager.busy("alice-key")
        [row] = manager.storyboard_runs("alice-key")
        assert "stage" in row and "file" not in row  # running: listed with its stage
        assert manager.wait_idle(60)
        assert len(manager.studio.journal.find(owner=owner_id("alice-key"))) == 1  # one clip, paid once
        run_id = manager.run_storyboard(BOARD, "alice-key")
        assert manager.wait_idle(60)
        assert manager.storyboard_state("alice-key", run_id)["reused_clips"] == [1]
        assert len(manager.studio.journal.find(owner=owner_id("alice-key"))) == 1
    finally:
        manager.stop()


def test_a_run_left_going_by_a_stopped_studio_is_stopped_on_start_and_not_busy(tmp_path):
    journal = open_journal(tmp_path / "journal.sqlite3")
    owner = owner_id("alice-key")
    journal.save_story(StoryRun(run_id=f"board-{owner[:12]}", owner=owner, stage="clip 1 of 2: running", started_at=time.time()))
    journal.close()
    manager = start(tmp_path)
    try:
        assert manager.settings.journal_path == tmp_path / "journal.sqlite3"
        assert not manager.busy("alice-key")
        [row] = manager.storyboard_runs("alice-key")
        assert row["error"] == STOPPED_BY_RESTART
        assert manager.storyboard_state("alice-key", f"board-{owner[:12]}")["stage"] == "stopped"
    finally:
        manager.stop()


def test_films_older_versions_kept_as_json_files_are_imported_once(tmp_path):
    owner = owner_id("alice-key")
    folder = tmp_path / "storyboards"
    folder.mkdir()
    film = {"run_id": f"old-{owner[:12]}", "owner": owner, "title": "Before", "file": str(tmp_path / "before.mp4"), "seconds": 12.5, "clips": 2, "finished_at": 1000.0}
    (folder / f"{film['run_id']}.json").write_text(json.dumps(film), encoding="utf-8")
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    (folder / "list.json").write_text("[]", encoding="utf-8")
    for attempt in range(2):  # the second start finds it in the journal and adds nothing
        manager = start(tmp_path)
        try:
            assert manager.storyboard_runs("alice-key") == [film]
            assert [r.run_id for r in manager.studio.journal.stories()] == [film["run_id"]], attempt
            state = manager.storyboard_state("alice-key", film["run_id"])
            assert (state["stage"], state["file"], state["seconds"]) == ("done", film["file"], 12.5)
        finally:
            manager.stop()
    (folder / f"{film['run_id']}.json").unlink()  # the journal has it now
    manager = start(tmp_path)
    try:
        assert manager.storyboard_runs("alice-key") == [film]
    finally:
        manager.stop()


def test_another_browsers_run_or_no_run_reads_as_nothing(tmp_path):
    manager = start(tmp_path)
    try:
        owner = owner_id("alice-key")
        assert manager.storyboard_runs("alice-key") == [] and not manager.busy("alice-key")
        assert manager.storyboard_state("alice-key", "missing") is None  # not this browser's id
        assert manager.storyboard_state("alice-key", f"missing-{owner[:12]}") == {"stage": "unknown", "clips": []}
    finally:
        manager.stop()
