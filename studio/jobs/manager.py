"""The browser studio's service facade: jobs for many browser sessions, run in the background.

UI handlers call :class:`JobManager`'s thread-safe methods, never HTTP. It only puts the parts
together and hands each call to the one that owns it:

- :class:`~studio.jobs.worker.Worker`: the thread and event loop every job runs on;
- :class:`~studio.jobs.job_service.JobService`: submit, follow, cancel and list a browser's jobs
  (runners per visitor key, the double-submit guard, live progress);
- :class:`~studio.jobs.storyboard_jobs.StoryboardJobs`: storyboard runs, kept in the journal;
- :class:`~studio.jobs.gallery_jobs.GalleryJobs`: favourites, deletions, last frames, run times;
- :class:`~studio.jobs.reviews.ReviewJobs`: review links to finished videos and their answers;
- the account balance, asked for at most every ``settings.balance_cache_seconds``.

Each browser is an *owner* (a random key kept in that browser); the journal stores only a hash
of it (:func:`owner_id`), and every read and action is filtered by it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from studio.domain.catalog import Endpoint
from studio.domain.forms import Form
from studio.domain.models import GenerationRequest
from studio.domain.storyboard import Storyboard
from studio.errors import StudioError
from studio.jobs.cached import Cached
from studio.jobs.gallery_jobs import GalleryJobs
from studio.jobs.job_service import JobService, LiveState
from studio.jobs.journal import JobRecord, ShareLink
from studio.jobs.owners import owner_id
from studio.jobs.publisher import Publisher
from studio.jobs.reviews import LinkState, ReviewJobs
from studio.jobs.service import Studio
from studio.jobs.storyboard_jobs import StoryboardJobs
from studio.jobs.worker import Worker

__all__ = ["JobManager", "LiveState", "owner_id"]


class JobManager:
    """Submit, follow, cancel and list jobs and storyboards for browser sessions."""

    def __init__(self, studio: Studio, *, allow_operator_token: bool = True) -> None:
        self.studio = studio
        self.settings = studio.settings
        self.worker = Worker()
        self.publisher = Publisher(self.settings, studio.http, simulator_base=getattr(studio.simulator, "base_url", None))
        self.job_service = JobService(studio, self.worker, self.publisher, allow_operator_token=allow_operator_token)
        self.stories = StoryboardJobs(studio, self.worker, self.job_service, self.publisher)
        self.gallery = GalleryJobs(studio, self.job_service)
        self.reviews = ReviewJobs(studio, self.job_service)
        self.balance_cache: Cached[Decimal | None] = Cached(self.settings.balance_cache_seconds)

    @property
    def allow_operator_token(self) -> bool:
        return self.job_service.allow_operator_token

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> JobManager:
        """Start the worker, reattach to the jobs the journal says are unfinished, and settle
        the storyboard runs a stopped studio left."""
        if self.worker.start():
            self.stories.start()
            self.worker.call(self.job_service.resume_operator_jobs())  # only schedules the follow tasks
        return self

    def stop(self) -> None:
        self.worker.stop(self._close, timeout=30)
        self.gallery.close()

    async def _close(self) -> None:
        await self.job_service.close()
        await self.studio.aclose()

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Wait until no job or storyboard is being followed (tests and shutdown)."""
        return self.worker.wait_idle(timeout)

    # -- jobs (JobService) --------------------------------------------------------------
    def live_endpoint(self, ep: Endpoint, visitor_token: str | None = None) -> Endpoint:
        """``ep`` with the rates and schema the submit will use (the catalog entry the runner
        caches; the bundled one when it cannot be read). Prices on the page come from here."""
        return self.job_service.live_endpoint(ep, visitor_token)

    def submit(
        self,
        form: Form,
        owner_key: str,
        *,
        start_image: Path | None = None,
        end_image: Path | None = None,
        fit: str = "none",
        visitor_token: str | None = None,
        distinct: bool = False,
        label: str | None = None,
    ) -> JobRecord:
        """Validate, publish images, submit; returns the queued record. Raises StudioError subclasses.

        ``distinct`` marks deliberate repeats (several takes), which the double-submit guard lets through.
        """
        return self.job_service.submit(
            form, owner_key, start_image=start_image, end_image=end_image, fit=fit, visitor_token=visitor_token, distinct=distinct, label=label
        )

    def submit_request(
        self, endpoint: Endpoint, request: GenerationRequest, owner_key: str, *, visitor_token: str | None = None, label: str | None = None
    ) -> JobRecord:
        """Submit a ready request (images already as URLs) for a browser or API owner.

        ``label`` names a variant ("tier pro", "take 2"); the gallery shows it.
        """
        return self.job_service.submit_request(endpoint, request, owner_key, visitor_token=visitor_token, label=label)

    def attach(self, owner_key: str, visitor_token: str | None) -> int:
        """Reattach a returning visitor's unfinished jobs (their key is needed to poll them)."""
        return self.job_service.attach(owner_key, visitor_token)

    def jobs(self, owner_key: str, limit: int = 100) -> list[tuple[JobRecord, LiveState | None]]:
        """This browser's jobs, newest first, with live progress for those in flight."""
        return self.job_service.jobs(owner_key, limit)

    def job(self, owner_key: str, job_id: str) -> JobRecord | None:
        """One of this browser's jobs, or None (also for another browser's job)."""
        return self.job_service.job(owner_key, job_id)

    def cancel(self, owner_key: str, job_id: str, visitor_token: str | None = None) -> str:
        """Cancel a queued job; says honestly when it can no longer be cancelled."""
        return self.job_service.cancel(owner_key, job_id, visitor_token)

    def busy(self, owner_key: str) -> bool:
        """Whether this browser has a job or a storyboard in flight (the page polls only then)."""
        return self.job_service.busy(owner_key) or self.stories.busy(owner_key)

    def balance(self) -> Decimal | None:
        """The RunComfy account balance (live mode), asked for at most every
        ``settings.balance_cache_seconds``; None if unknown."""
        if not self.studio.mode.live:
            return None
        return self.balance_cache.get(self._fetch_balance)

    def _fetch_balance(self) -> Decimal | None:
        try:
            return self.worker.call(self.studio.api.balance(), timeout=15)
        except (StudioError, TimeoutError):
            return None

    # -- storyboards (StoryboardJobs) ---------------------------------------------------
    def run_storyboard(self, board: Storyboard, owner_key: str, *, visitor_token: str | None = None) -> str:
        """Start (or resume) a storyboard in the background; returns its run id for this browser."""
        return self.stories.run_storyboard(board, owner_key, visitor_token=visitor_token)

    def storyboard_state(self, owner_key: str, run_id: str) -> dict[str, Any] | None:
        """Progress of one of this browser's storyboards (None for another browser's)."""
        return self.stories.storyboard_state(owner_key, run_id)

    def storyboard_runs(self, owner_key: str) -> list[dict[str, Any]]:
        """This browser's storyboards: finished films, those running now and those stopped."""
        return self.stories.storyboard_runs(owner_key)

    # -- the gallery (GalleryJobs) ------------------------------------------------------
    def set_favourite(self, owner_key: str, job_id: str, on: bool) -> str:
        """Mark (or unmark) one of this browser's videos as a favourite; kept in the journal."""
        return self.gallery.set_favourite(owner_key, job_id, on)

    def delete_video(self, owner_key: str, job_id: str) -> str:
        """Delete one of this browser's videos from disk; its cost stays in the spend."""
        return self.gallery.delete_video(owner_key, job_id)

    def last_frame(self, owner_key: str, job_id: str) -> Path:
        """The last frame of one of this browser's finished videos, as a PNG (see GalleryJobs)."""
        return self.gallery.last_frame(owner_key, job_id)

    def typical_run_seconds(self) -> dict[str, float]:
        """Model id → the typical run time progress bars measure against (see GalleryJobs)."""
        return self.gallery.typical_run_seconds()

    # -- review links (ReviewJobs) ------------------------------------------------------
    def share_video(self, owner_key: str, job_id: str) -> ShareLink:
        """A review link to one of this browser's finished videos (the open one, else a new one)."""
        return self.reviews.share(owner_key, job_id)

    def stop_sharing(self, owner_key: str, job_id: str) -> int:
        """Revoke the open review links of one of this browser's videos; how many there were."""
        return self.reviews.stop_sharing(owner_key, job_id)

    def shares(self, owner_key: str) -> dict[str, ShareLink]:
        """This browser's shared videos: job id → its latest review link (with any answer)."""
        return self.reviews.links(owner_key)

    def open_share(self, share_id: str) -> LinkState:
        """What a review link leads to (for whoever holds it): the video while it is open, or why not."""
        return self.reviews.open(share_id)

    def review(self, share_id: str, verdict: str, comment: object) -> ShareLink:
        """Keep a reviewer's answer ("approved" or "changes", with a comment) on an open link."""
        return self.reviews.review(share_id, verdict, comment)
