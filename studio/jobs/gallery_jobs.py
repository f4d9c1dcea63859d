"""A browser's gallery in the journal: favourites, deleting a video (the spend stays), the last
frame of a finished video (to continue from it) and the typical run times the progress bars
measure against. Part of the :class:`~studio.jobs.manager.JobManager` facade; which jobs are a
browser's is :meth:`JobService.job <studio.jobs.job_service.JobService.job>`'s answer.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from studio.domain.catalog import MODES, TIERS, endpoint
from studio.errors import Problem, StudioError, ValidationError
from studio.jobs.cached import Cached
from studio.jobs.interrupted import pid_alive
from studio.jobs.job_service import JobService
from studio.jobs.journal import JobRecord
from studio.jobs.run_times import learned_run_seconds
from studio.jobs.service import Studio
from studio.media.stitch import last_frame

__all__ = ["FRAMES_PREFIX", "GalleryJobs", "frames_folder"]

log = logging.getLogger("studio.jobs.manager")

FRAMES_PREFIX = "kling-frames-"  # + the studio's pid + "-" + mkdtemp's random part


def frames_folder(temp: Path | None = None) -> Path:
    """A new private folder for this process's last frames in the temporary folder, after
    removing those of studios that ended without removing theirs (killed): folders named for a
    process that no longer exists, real folders (not links) of this user only."""
    temp = Path(temp or tempfile.gettempdir())
    for old in temp.glob(f"{FRAMES_PREFIX}*-*"):
        pid = old.name[len(FRAMES_PREFIX) :].split("-", 1)[0]
        try:
            mine = old.lstat().st_uid == os.geteuid() and old.is_dir() and not old.is_symlink()
        except OSError:
            continue
        if mine and pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{FRAMES_PREFIX}{os.getpid()}-", dir=temp))


class GalleryJobs:
    """Favourites, deletions, last frames and typical run times of browsers' videos."""

    def __init__(self, studio: Studio, jobs: JobService) -> None:
        self.studio = studio
        self.settings = studio.settings
        self.jobs = jobs
        self.run_times: Cached[dict[str, float]] = Cached(self.settings.run_times_seconds)
        self._frames: Path | None = None  # this process's folder of last frames, made on first use
        self._frames_lock = threading.Lock()

    def _own_video(self, owner_key: str, job_id: str) -> JobRecord:
        """One of this browser's finished videos; ValidationError naming "job" otherwise."""
        record = self.jobs.job(owner_key, job_id) if isinstance(job_id, str) and job_id else None
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

    def last_frame(self, owner_key: str, job_id: str) -> Path:
        """The last frame of one of this browser's finished videos, as a PNG.

        Frames live in one temporary folder of this process (:func:`frames_folder`), one per
        video (asked again, the same file), at most ``settings.frames_kept`` of them, the oldest
        removed first; the folder goes when the studio stops (:meth:`close`), or, when it was
        killed, when the next studio makes its own. Gradio copies the one returned into
        its own cache before the page sees it, so a removed frame costs nobody anything.

        Raises ValidationError when the job is not this browser's or its video is gone.
        """
        record = self.jobs.job(owner_key, job_id)
        if record is None or record.status != "succeeded" or not record.files or not Path(record.files[0]).is_file():
            raise ValidationError([Problem("job", "this video is not in this browser, or not on disk any more")])
        with self._frames_lock:
            if self._frames is None or not self._frames.is_dir():
                self._frames = frames_folder()
            folder = self._frames
        frame = folder / f"{record.job_id}.png"
        if not frame.is_file():  # ffmpeg outside the lock: one visitor's frame never waits on another's
            last_frame(Path(record.files[0]), frame, timeout=self.settings.ffmpeg_timeout)  # written whole, then renamed
        with self._frames_lock:
            frame.touch()  # the newest, whether taken now or before
            kept = sorted(folder.glob("[!.]*.png"), key=lambda path: path.stat().st_mtime_ns, reverse=True)  # not ffmpeg's .part files
            for old in kept[self.settings.frames_kept :]:
                old.unlink(missing_ok=True)
        return frame

    def close(self) -> None:
        """Remove this process's folder of last frames."""
        with self._frames_lock:
            if self._frames is not None:
                shutil.rmtree(self._frames, ignore_errors=True)
                self._frames = None

    def typical_run_seconds(self) -> dict[str, float]:
        """Model id → median run time of its latest succeeded jobs (all browsers), read from
        the journal at most every ``settings.run_times_seconds``. Offline, a model without finished
        jobs takes the simulator's run time; live, it is absent (its tier's default applies)."""
        return self.run_times.get(self._learn_run_times)

    def _learn_run_times(self) -> dict[str, float]:
        learned = learned_run_seconds(self.studio.journal.find(statuses=("succeeded",), limit=500))
        simulated = getattr(getattr(self.studio.simulator, "config", None), "run_seconds", None)
        if not self.studio.mode.live and isinstance(simulated, (int, float)) and simulated > 0:
            every = {endpoint(tier.key, mode.key).model_id: float(simulated) for tier in TIERS for mode in MODES}
            learned = {**every, **learned}
        return learned
