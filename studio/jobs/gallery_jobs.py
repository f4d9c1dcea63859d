"""A browser's gallery in the journal: favourites, deleting a video (the spend stays) and the
typical run times the progress bars measure against. A mixin of
:class:`~studio.jobs.manager.JobManager`, which provides ``studio``, ``settings`` and ``job``.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from studio.domain.catalog import MODES, TIERS, endpoint
from studio.errors import Problem, StudioError, ValidationError
from studio.jobs.journal import JobRecord
from studio.jobs.run_times import learned_run_seconds

__all__ = ["GalleryJobs"]

log = logging.getLogger("studio.jobs.manager")


class GalleryJobs:
    """Favourites, deletions and typical run times for :class:`~studio.jobs.manager.JobManager`."""

    studio: Any
    settings: Any

    def job(self, owner_key: str, job_id: str) -> JobRecord | None:  # provided by JobManager
        raise NotImplementedError

    # (typical run times learned from the journal, with when they were read)
    _run_times: tuple[float, dict[str, float]] | None = None

    def _own_video(self, owner_key: str, job_id: str) -> JobRecord:
        """One of this browser's finished videos; ValidationError naming "job" otherwise."""
        record = self.job(owner_key, job_id) if isinstance(job_id, str) and job_id else None
        if record is None:
            raise ValidationError([Problem("job", "no such video in this browser")])
        if record.status != "succeeded":
            raise ValidationError([Problem("job", "only a finished video can be kept as a favourite or deleted")])
        return record

    def set_favourite(self, owner_key: str, job_id: str, on: bool) -> str:
        """Mark (or unmark) one of this browser's videos as a favourite; kept in the journal."""
        record = self._own_video(owner_key, job_id)
        self.studio.journal.update(record.job_id, meta={**record.meta, "favourite": bool(on)})
        return "Added to favourites." if on else "Removed from favourites."

    def delete_video(self, owner_key: str, job_id: str) -> str:
        """Delete one of this browser's videos from disk. The journal row stays, with its quote
        and charge, so the spend is unchanged; the row no longer lists files.

        A clip of a storyboard is refused (its film and a resumed run need it). Only files in
        the studio's data folder are removed.
        """
        record = self._own_video(owner_key, job_id)
        if record.meta.get("deleted_at"):
            return "This video was already deleted."
        if record.group_id and "clip" in record.meta:
            raise ValidationError([Problem("job", "this clip belongs to a storyboard film; it cannot be deleted on its own")])
        root = self.settings.data_dir.resolve()
        for name in record.files:
            path = Path(name)
            try:
                if not path.resolve().is_relative_to(root):
                    log.warning("job %s: not deleting a file outside the data folder", record.job_id)
                    continue
                path.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("job %s: could not delete its video: %s", record.job_id, exc)
                raise StudioError("the video could not be deleted; try again later") from None
            folder = path.parent
            if folder.resolve() != root and folder.resolve().is_relative_to(root):
                try:
                    folder.rmdir()  # the job's own folder, once empty
                except OSError:
                    pass
        self.studio.journal.update(record.job_id, files=(), meta={**record.meta, "deleted_at": time.time()})
        return "Video deleted. Its cost stays in your spend."

    def typical_run_seconds(self) -> dict[str, float]:
        """Model id → median run time of its latest succeeded jobs (all browsers), read from
        the journal at most every 30 s. Offline, a model without finished jobs takes the
        simulator's run time; live, it is absent (its tier's default applies)."""
        now = time.monotonic()
        cached = self._run_times
        if cached is not None and now - cached[0] < 30:
            return cached[1]
        learned = learned_run_seconds(self.studio.journal.find(statuses=("succeeded",), limit=500))
        simulated = getattr(getattr(self.studio.simulator, "config", None), "run_seconds", None)
        if not self.studio.mode.live and isinstance(simulated, (int, float)) and simulated > 0:
            every = {endpoint(tier.key, mode.key).model_id: float(simulated) for tier in TIERS for mode in MODES}
            learned = {**every, **learned}
        self._run_times = (now, learned)
        return learned
