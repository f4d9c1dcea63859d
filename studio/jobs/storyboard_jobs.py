"""A browser's storyboards in the background: start or resume one, its progress, and the
finished films kept on disk. A mixin of :class:`~studio.jobs.manager.JobManager`, which provides the
loop, the tasks, the runners and the publisher.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from studio.domain.storyboard import Storyboard, plan
from studio.errors import StudioError
from studio.jobs.owners import owner_id
from studio.jobs.storyboard_run import StoryboardRunner, StoryProgress

__all__ = ["StoryboardJobs"]

log = logging.getLogger("studio.jobs.manager")


class StoryboardJobs:
    """Storyboard runs for :class:`~studio.jobs.manager.JobManager` (state in ``_stories``)."""

    studio: Any
    settings: Any
    publisher: Any
    _stories: dict[str, dict[str, Any]]
    _tasks: dict[str, Any]
    _loop: Any

    def _runner(self, visitor_token: str | None) -> Any:  # provided by JobManager
        raise NotImplementedError

    def run_storyboard(self, board: Storyboard, owner_key: str, *, visitor_token: str | None = None) -> str:
        """Start (or resume) a storyboard in the background; returns its run id for this browser."""
        owner = owner_id(owner_key)
        group = f"{board.key}-{owner[:12]}"
        plan(board)  # refuse a bad storyboard now, with its problems

        async def go() -> None:
            runner = StoryboardRunner(self._runner(visitor_token), self.publisher)

            def progress(p: StoryProgress) -> None:
                self._stories[group] = {"stage": str(p), "done": False}

            try:
                result = await runner.run(board, self.settings.data_dir / "storyboards", owner=owner, on_progress=progress, group=group)
                self._stories[group] = {"stage": "done", "done": True, "file": str(result.path), "seconds": round(result.duration, 2), "reused_clips": list(result.reused)}
                record = {"run_id": group, "owner": owner, "title": board.title, "file": str(result.path),
                          "seconds": round(result.duration, 2), "clips": len(result.clips), "finished_at": time.time()}
                (self.settings.data_dir / "storyboards" / f"{group}.json").write_text(json.dumps(record), encoding="utf-8")
            except StudioError as exc:
                self._stories[group] = {"stage": "stopped", "done": True, "error": str(exc)}
            except Exception:
                log.exception("storyboard %s", group)
                self._stories[group] = {"stage": "stopped", "done": True, "error": "unexpected error; run it again to resume"}
            finally:
                self._tasks.pop(f"story:{group}", None)

        if group in self._stories and not self._stories[group].get("done", True):
            return group
        self._stories[group] = {"stage": "starting", "done": False}
        self._loop.call_soon_threadsafe(lambda: self._tasks.setdefault(f"story:{group}", self._loop.create_task(go())))
        return group

    def storyboard_state(self, owner_key: str, run_id: str) -> dict[str, Any] | None:
        """Progress of one of this browser's storyboards (None for another browser's)."""
        if not run_id.endswith(owner_id(owner_key)[:12]):
            return None
        state = dict(self._stories.get(run_id, {"stage": "unknown"}))
        clips = self.studio.journal.find(group_id=run_id, limit=100)
        state["clips"] = [{"clip": r.meta.get("clip"), "status": r.status, "quote_usd": r.quote_usd} for r in clips]
        return state

    def storyboard_runs(self, owner_key: str) -> list[dict[str, Any]]:
        """This browser's storyboards: finished ones (kept on disk) and those running now."""
        owner = owner_id(owner_key)
        runs: dict[str, dict[str, Any]] = {}
        for path in sorted((self.settings.data_dir / "storyboards").glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if data.get("owner") == owner:
                runs[data["run_id"]] = data
        for run_id, state in self._stories.items():
            if run_id.endswith(owner[:12]) and not state.get("done"):
                runs[run_id] = {"run_id": run_id, "owner": owner, "stage": state.get("stage", "")}
            elif run_id.endswith(owner[:12]) and state.get("error"):
                runs.setdefault(run_id, {"run_id": run_id, "owner": owner, "error": state["error"]})
        return sorted(runs.values(), key=lambda r: r.get("finished_at", float("inf")), reverse=True)
