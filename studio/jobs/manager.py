"""The browser studio's service facade: jobs for many browser sessions, run in the background.

``JobManager`` owns one worker thread with its own event loop; every job is submitted and
followed there, so no browser request waits on RunComfy and a closed tab loses nothing. UI
handlers call its thread-safe methods, never HTTP. Each browser is an *owner* (a random key
kept in that browser); the journal stores only a hash of it, and every read and action is
filtered by it. A visitor's own RunComfy key is held in memory only, for the calls it makes.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import threading
import time
from collections.abc import Awaitable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from studio.client.api import RunComfyApi
from studio.client.http import HttpClient
from studio.domain.catalog import Endpoint
from studio.domain.forms import Form, form_to_request
from studio.domain.models import GenerationRequest
from studio.domain.validation import validate
from studio.errors import ConfigError, JobFailed, Problem, StudioError, ValidationError
from studio.images import PreparedImage
from studio.jobs.gallery_jobs import GalleryJobs
from studio.jobs.journal import JobRecord
from studio.jobs.owners import owner_id, token_id
from studio.jobs.publisher import Publisher
from studio.jobs.runner import JobRunner, Progress
from studio.jobs.service import Studio
from studio.jobs.storyboard_jobs import StoryboardJobs
from studio.jobs.visitors import VisitorRunners
from studio.media.stitch import last_frame

__all__ = ["JobManager", "LiveState", "owner_id"]

log = logging.getLogger("studio.jobs.manager")
T = TypeVar("T")
# A second identical submit from the same browser within this many seconds is a double click.
DOUBLE_SUBMIT_WINDOW = 10.0


@dataclass(frozen=True)
class LiveState:
    """The latest in-memory progress of a job (the journal holds the durable part)."""

    stage: str
    position: int | None = None
    running_since: float | None = None
    bytes_done: int | None = None
    bytes_total: int | None = None
    message: str = ""


class JobManager(StoryboardJobs, GalleryJobs):
    """Submit, follow, cancel and list jobs for browser sessions."""

    def __init__(self, studio: Studio, *, allow_operator_token: bool = True) -> None:
        self.studio = studio
        self.settings = studio.settings
        self.allow_operator_token = allow_operator_token
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kling-jobs", daemon=True)
        self._live: dict[str, LiveState] = {}
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._visitors = VisitorRunners(self._visitor_runner, studio.settings.visitor_clients)
        self._recent: dict[tuple[str, str], float] = {}
        self._stories: dict[str, dict[str, Any]] = {}
        self._balance: tuple[float, Decimal | None] | None = None
        self._lock = threading.Lock()
        self.publisher = Publisher(self.settings, studio.http, simulator_base=getattr(studio.simulator, "base_url", None))

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> JobManager:
        """Start the worker and reattach to the jobs the journal says are unfinished."""
        if not self._thread.is_alive():
            self._thread.start()
            self._call(self._resume_operator_jobs())  # only schedules the follow tasks
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._call(self._shutdown(), timeout=30)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    async def _shutdown(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        for runner in self._visitors.drain():
            await runner.api.http.aclose()
        await self.studio.aclose()

    def _call(self, coro: Awaitable[T], *, timeout: float = 120.0) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self._loop)  # type: ignore[arg-type]
        return future.result(timeout)

    def _meta(self, visitor_token: str | None, label: str | None) -> dict[str, Any]:
        """What the journal keeps about whose key paid (never the key) and the variant label."""
        meta: dict[str, Any] = {"token": "visitor" if visitor_token and self.studio.mode.live else "operator"}
        if label:
            meta["variant"] = label
        return meta

    # -- runners and tokens -----------------------------------------------------------
    def _visitor_runner(self, visitor_token: str) -> JobRunner:
        http = HttpClient(self.settings, visitor_token)
        return JobRunner(RunComfyApi(http), self.studio.journal, self.settings, budget=self.studio.budget)

    def _close_runners(self, runners: list[JobRunner]) -> None:
        """Close evicted visitor clients on the loop that owns them (from any thread)."""
        for runner in runners:
            asyncio.run_coroutine_threadsafe(runner.api.http.aclose(), self._loop)

    def _runner(self, visitor_token: str | None) -> JobRunner:
        if visitor_token and self.studio.mode.live:
            runner, evicted = self._visitors.get(token_id(visitor_token), visitor_token)
            self._close_runners(evicted)
            return runner
        if self.studio.mode.live and not (self.allow_operator_token and self.studio.http.has_token):
            raise ConfigError("paste your RunComfy API key (Settings) to generate; this studio does not lend its own")
        return self.studio.runner

    def live_endpoint(self, ep: Endpoint, visitor_token: str | None = None) -> Endpoint:
        """``ep`` with the rates and schema the submit will use (the catalog entry the runner
        caches; the bundled one when it cannot be read). Prices on the page come from here."""
        try:
            runner = self._runner(visitor_token)
        except ConfigError:
            return ep
        try:
            return self._call(runner.live_endpoint(ep), timeout=15)
        except (StudioError, TimeoutError):
            return ep

    # -- submitting -------------------------------------------------------------------
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
        return self._call(self._submit(form, owner_key, start_image, end_image, fit, visitor_token, distinct, label))

    def submit_request(
        self,
        endpoint: Endpoint,
        request: GenerationRequest,
        owner_key: str,
        *,
        visitor_token: str | None = None,
        label: str | None = None,
    ) -> JobRecord:
        """Submit a ready request (images already as URLs) for a browser or API owner.

        ``label`` names a variant ("tier pro", "take 2"); the gallery shows it.
        """

        async def go() -> JobRecord:
            runner = self._runner(visitor_token)
            record = await runner.submit(endpoint, request, owner=owner_id(owner_key), meta=self._meta(visitor_token, label))
            self._follow(record, runner)
            return record

        return self._call(go())

    async def _publish(self, form: Form, owner: str, start: Path | None, end: Path | None, fit: str) -> Form:
        if not form.endpoint.mode.needs_start_image or (start is None and end is None):
            return form
        out_dir = self.settings.data_dir / "uploads" / owner
        prepared: PreparedImage | None = None
        # In image-to-video the aspect ratio is not sent: it is the shape a crop or pad makes.
        shape = form.aspect_ratio if fit in ("crop", "pad") else None
        if start is not None:
            url, prepared = await self.publisher.publish(start, role="start", out_dir=out_dir, fit=fit, aspect_ratio=shape)
            form = replace(form, start_image_url=url)
        if end is not None:
            url, _ = await self.publisher.publish(
                end, role="end", out_dir=out_dir, fit=fit, aspect_ratio=shape if prepared is None else None, match=prepared
            )
            form = replace(form, end_image_url=url)
        return form

    async def _submit(
        self,
        form: Form,
        owner_key: str,
        start: Path | None,
        end: Path | None,
        fit: str,
        visitor_token: str | None,
        distinct: bool,
        label: str | None = None,
    ) -> JobRecord:
        owner = owner_id(owner_key)
        runner = self._runner(visitor_token)
        ep, request = form_to_request(form)
        if ep.mode.needs_start_image and start is None and not request.start_image_url:
            raise ValidationError([Problem("start image", "is required for image-to-video; upload one or paste its https URL")])
        # Everything is checked before anything is uploaded: an image the endpoint does not take
        # (an end frame on Standard) is refused by name, never uploaded first.
        start_url = "https://placeholder.invalid/start.png" if start is not None else request.start_image_url
        end_url = "https://placeholder.invalid/end.png" if end is not None else request.end_image_url
        problems = validate(request.evolve(start_image_url=start_url, end_image_url=end_url), ep, allow_http_hosts=self.settings.http_image_hosts)
        if problems:
            raise ValidationError(problems)
        form = await self._publish(form, owner, start, end, fit)
        ep, request = form_to_request(form)
        fingerprint = repr((ep.model_id, request))
        now = time.monotonic()
        with self._lock:
            # Only the guard's window is remembered: older entries go, so the table stays small.
            self._recent = {k: t for k, t in self._recent.items() if now - t < DOUBLE_SUBMIT_WINDOW}
            last = self._recent.get((owner, fingerprint))
            if not distinct and last is not None:
                raise ValidationError([Problem("generate", "this exact clip was submitted a moment ago; it is in your jobs")])
            self._recent[(owner, fingerprint)] = now
        record = await runner.submit(ep, request, owner=owner, meta=self._meta(visitor_token, label))
        self._follow(record, runner)
        return record

    def _follow(self, record: JobRecord, runner: JobRunner) -> None:
        self._live[record.job_id] = LiveState("queued")

        def on_progress(p: Progress) -> None:
            current = self._live.get(p.job_id)
            since = current.running_since if current else None
            if p.stage == "running" and since is None:
                since = time.time() - (p.elapsed or 0.0)
            self._live[p.job_id] = LiveState(p.stage, p.position, since, p.bytes_done, p.bytes_total, p.message)

        held = self._visitors.hold(runner)

        async def follow() -> None:
            try:
                if record.status == "downloading":
                    await runner.download(record, on_progress)
                else:
                    await runner.follow(record, on_progress=on_progress)
            except JobFailed:
                pass
            except StudioError as exc:
                log.warning("job %s: %s", record.job_id, exc)
            except Exception:  # keep the worker alive; the journal keeps the job for resume
                log.exception("job %s: unexpected error", record.job_id)
            finally:
                self._tasks.pop(record.job_id, None)
                self._live.pop(record.job_id, None)
                self._close_runners(self._visitors.release(held))

        self._tasks[record.job_id] = self._loop.create_task(follow())

    async def _resume_operator_jobs(self) -> None:
        runner = self.studio.runner
        runner.settle_interrupted_submits()
        # Rows another machine (or container) left mid-submit are settled once no submit can
        # still be running.
        asyncio.get_running_loop().call_later(runner.submit_window, runner.settle_interrupted_submits)
        for record in self.studio.journal.unfinished():
            if record.meta.get("backend", "live") != self.settings.backend or record.meta.get("token") == "visitor":
                continue
            if record.job_id not in self._tasks:
                self._follow(record, self.studio.runner)

    def attach(self, owner_key: str, visitor_token: str | None) -> int:
        """Reattach a returning visitor's unfinished jobs (their key is needed to poll them)."""
        if not (visitor_token and self.studio.mode.live):
            return 0

        async def go() -> int:
            runner = self._runner(visitor_token)
            count = 0
            for record in self.studio.journal.unfinished():
                if record.owner == owner_id(owner_key) and record.job_id not in self._tasks:
                    self._follow(record, runner)
                    count += 1
            return count

        return self._call(go())

    # -- reading and cancelling -------------------------------------------------------
    def jobs(self, owner_key: str, limit: int = 100) -> list[tuple[JobRecord, LiveState | None]]:
        """This browser's jobs, newest first, with live progress for those in flight."""
        records = self.studio.journal.find(owner=owner_id(owner_key), limit=limit)
        return [(r, self._live.get(r.job_id)) for r in records]

    def job(self, owner_key: str, job_id: str) -> JobRecord | None:
        """One of this browser's jobs, or None (also for another browser's job)."""
        record = self.studio.journal.get(job_id)
        return record if record is not None and record.owner == owner_id(owner_key) else None

    def last_frame(self, owner_key: str, job_id: str) -> Path:
        """The last frame of one of this browser's finished videos, as a PNG in a temporary folder.

        Raises ValidationError when the job is not this browser's or its video is gone.
        """
        record = self.job(owner_key, job_id)
        if record is None or record.status != "succeeded" or not record.files or not Path(record.files[0]).is_file():
            raise ValidationError([Problem("job", "this video is not in this browser, or not on disk any more")])
        return last_frame(Path(record.files[0]), Path(tempfile.mkdtemp(prefix="kling-frame-")) / "last-frame.png")

    def cancel(self, owner_key: str, job_id: str, visitor_token: str | None = None) -> str:
        """Cancel a queued job; says honestly when it can no longer be cancelled."""
        record = self.job(owner_key, job_id)
        if record is None:
            raise ValidationError([Problem("job", "no such job in this browser")])
        if record.status not in ("queued", "running"):
            return "This job has already finished."
        runner = self._runner(visitor_token if record.meta.get("token") == "visitor" else None)
        outcome = self._call(runner.cancel(record))
        if outcome.cancelled:
            return "Cancelled while queued: it never ran and is not charged."
        return "Too late to cancel: the job is already running and will be charged. Its video will arrive here."

    def balance(self) -> Decimal | None:
        """The RunComfy account balance (live mode), refreshed at most once a minute; None if unknown."""
        if not self.studio.mode.live:
            return None
        now = time.monotonic()
        if self._balance is not None and now - self._balance[0] < 60:
            return self._balance[1]
        try:
            value: Decimal | None = self._call(self.studio.api.balance(), timeout=15)
        except (StudioError, TimeoutError):
            value = None
        self._balance = (now, value)
        return value

    def busy(self, owner_key: str) -> bool:
        """Whether this browser has a job or a storyboard in flight (the page polls only then)."""
        owner = owner_id(owner_key)
        in_flight = ("submitting", "queued", "running", "downloading")
        if self.studio.journal.find(owner=owner, statuses=in_flight, limit=1):
            return True
        # A job the journal has settled may still show its last live stage until its follower ends.
        for record in self.studio.journal.find(owner=owner, limit=20):
            live = self._live.get(record.job_id)
            if (live is not None and live.stage in in_flight) or record.job_id in self._tasks:
                return True
        return any(run_id.endswith(owner[:12]) and not state.get("done", True) for run_id, state in list(self._stories.items()))

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Wait until no job is being followed (tests and shutdown)."""
        deadline = time.monotonic() + timeout
        while self._tasks and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self._tasks
