"""A browser's storyboards in the background: start or resume one, its progress, and its film.

Each run is a :class:`~studio.jobs.journal.StoryRun` row in the journal, written when the run
starts, when its stage changes and when it ends (its film, or why it stopped). Every read, from
any thread, is a journal read, and a finished film is listed after a restart. A run an earlier
process left going is marked stopped when the studio starts (running it again resumes it:
finished clips are not paid again). Runs are started on the :class:`~studio.jobs.worker.Worker`'s
loop, one task per run, with the runner :meth:`JobService.runner_for
<studio.jobs.job_service.JobService.runner_for>` leases for the whole run.

Older versions kept each finished film only as ``storyboards/<run id>.json`` in the data folder:
:meth:`StoryboardJobs.start` imports those into the journal once (the browser studio's film
route, ``studio.ui.media.story_route``, reads the journal).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from typing import Any

from studio.domain.storyboard import Storyboard, plan
from studio.errors import StudioError
from studio.jobs.job_service import JobService
from studio.jobs.journal import StoryRun
from studio.jobs.owners import owner_id
from studio.jobs.publisher import Publisher
from studio.jobs.service import Studio
from studio.jobs.storyboard_run import StoryboardRunner, StoryProgress
from studio.jobs.worker import Worker

__all__ = ["StoryboardJobs", "STOPPED_BY_RESTART"]

log = logging.getLogger("studio.jobs.manager")

# Why a run an earlier process left going is stopped.
STOPPED_BY_RESTART = "the studio stopped during this run; run it again to resume (finished clips are not paid again)"


def _task(run_id: str) -> str:
    return f"story:{run_id}"


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class StoryboardJobs:
    """Storyboard runs of browser owners, kept in the journal."""

    def __init__(self, studio: Studio, worker: Worker, jobs: JobService, publisher: Publisher) -> None:
        self.studio = studio
        self.journal = studio.journal
        self.worker = worker
        self.jobs = jobs
        self.publisher = publisher
        self.folder = studio.settings.data_dir / "storyboards"
        self._stages: dict[str, str] = {}  # the stage last written per run (touched on the loop only)

    def start(self) -> None:
        """Import older versions' film files once, and stop the runs an earlier process left going."""
        self._import_film_files()
        for run in self.journal.stories(done=False, limit=10_000):
            if not self.worker.running(_task(run.run_id)):
                self.journal.save_story(replace(run, stage="stopped", done=True, error=STOPPED_BY_RESTART))

    # -- running ------------------------------------------------------------------------
    def run_storyboard(self, board: Storyboard, owner_key: str, *, visitor_token: str | None = None) -> str:
        """Start (or resume) a storyboard in the background; returns its run id for this browser."""
        owner = owner_id(owner_key)
        run_id = f"{board.key}-{owner[:12]}"
        plan(board)  # refuse a bad storyboard now, with its problems

        async def begin() -> None:
            # On the loop: checking and starting are one step, so two clicks start one run.
            if self.worker.running(_task(run_id)):
                return
            previous = self.journal.story(run_id)
            fresh = StoryRun(run_id=run_id, owner=owner, title=board.title, started_at=time.time())
            # A run again keeps the earlier film (still on disk) until this one replaces it.
            run = fresh if previous is None else replace(previous, title=board.title, stage="starting", done=False, error=None, started_at=fresh.started_at)
            self.journal.save_story(run)
            self._stages[run_id] = run.stage
            self.worker.spawn(_task(run_id), lambda: self._run(board, run, visitor_token))

        self.worker.call(begin())
        return run_id

    async def _run(self, board: Storyboard, run: StoryRun, visitor_token: str | None) -> None:
        def progress(p: StoryProgress) -> None:
            stage = str(p)
            if self._stages.get(run.run_id) != stage:  # downloads report often: write changes only
                self._stages[run.run_id] = stage
                self._update(run.run_id, stage=stage)

        try:
            with self.jobs.runner_for(visitor_token) as runner:
                result = await StoryboardRunner(runner, self.publisher).run(board, self.folder, owner=run.owner, on_progress=progress, group=run.run_id)
            self._update(
                run.run_id, stage="done", done=True, error=None, file=str(result.path), seconds=round(result.duration, 2),
                clips=len(result.clips), reused_clips=result.reused, finished_at=time.time(),
            )
        except StudioError as exc:
            self._update(run.run_id, stage="stopped", done=True, error=str(exc))
        except Exception:
            log.exception("storyboard %s", run.run_id)
            self._update(run.run_id, stage="stopped", done=True, error="unexpected error; run it again to resume")
        finally:
            self._stages.pop(run.run_id, None)

    def _update(self, run_id: str, **changes: Any) -> StoryRun:
        """Change some fields of a run (only this run's task writes it, on the loop)."""
        current = self.journal.story(run_id)
        assert current is not None, run_id
        return self.journal.save_story(replace(current, **changes))

    # -- reading ------------------------------------------------------------------------
    def story(self, owner_key: str, run_id: str) -> StoryRun | None:
        """One of this browser's storyboard runs (None for another browser's, or none)."""
        owner = owner_id(owner_key)
        if not run_id.endswith(owner[:12]):
            return None
        run = self.journal.story(run_id)
        return run if run is not None and run.owner == owner else None

    def storyboard_state(self, owner_key: str, run_id: str) -> dict[str, Any] | None:
        """Progress of one of this browser's storyboards (None for another browser's)."""
        if not run_id.endswith(owner_id(owner_key)[:12]):
            return None
        run = self.story(owner_key, run_id)
        state: dict[str, Any]
        if run is None:
            state = {"stage": "unknown"}
        elif not run.done:
            state = {"stage": run.stage, "done": False}
        elif run.error:
            state = {"stage": "stopped", "done": True, "error": run.error}
        else:
            state = {"stage": "done", "done": True, "file": run.file, "seconds": run.seconds, "reused_clips": list(run.reused_clips)}
        clips = self.journal.find(group_id=run_id, limit=100)
        state["clips"] = [{"clip": r.meta.get("clip"), "status": r.status, "quote_usd": r.quote_usd} for r in clips]
        return state

    def storyboard_runs(self, owner_key: str) -> list[dict[str, Any]]:
        """This browser's storyboards: those running now, finished films (``file``), and those
        stopped without one (``error``); finished ones newest first, after those still going."""
        rows: list[dict[str, Any]] = []
        for run in self.journal.stories(owner=owner_id(owner_key), limit=10_000):
            if not run.done:
                rows.append({"run_id": run.run_id, "owner": run.owner, "stage": run.stage})
            elif run.file:
                rows.append({
                    "run_id": run.run_id, "owner": run.owner, "title": run.title, "file": run.file,
                    "seconds": run.seconds, "clips": run.clips, "finished_at": run.finished_at or 0.0,
                })
            elif run.error:
                rows.append({"run_id": run.run_id, "owner": run.owner, "error": run.error})
        return sorted(rows, key=lambda r: r.get("finished_at", float("inf")), reverse=True)

    def busy(self, owner_key: str) -> bool:
        """Whether this browser has a storyboard running."""
        return bool(self.journal.stories(owner=owner_id(owner_key), done=False, limit=1))

    # -- film files of older versions ---------------------------------------------------
    def _import_film_files(self) -> int:
        """Add the films older versions kept only as JSON files; those the journal has are skipped."""
        count = 0
        for path in sorted(self.folder.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if not isinstance(data, dict):
                continue
            run_id, owner, file = data.get("run_id"), data.get("owner"), data.get("file")
            if not (isinstance(run_id, str) and isinstance(owner, str) and isinstance(file, str)) or self.journal.story(run_id) is not None:
                continue
            finished = _number(data.get("finished_at"))
            clips = data.get("clips")
            self.journal.save_story(
                StoryRun(
                    run_id=run_id, owner=owner, title=str(data.get("title") or ""), stage="done", done=True, file=file,
                    seconds=_number(data.get("seconds")), clips=clips if isinstance(clips, int) and not isinstance(clips, bool) else None,
                    started_at=finished or 0.0, finished_at=finished,
                )
            )
            count += 1
        if count:
            log.info("imported %d storyboard film(s) from %s into the journal", count, self.folder)
        return count
