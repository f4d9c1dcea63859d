"""The browser studio's jobs: submit, follow in the background, cancel and list, per owner.

Each browser is an *owner* (a random key kept in that browser); the journal stores only a hash
of it, and every read and action is filtered by it. A visitor's own RunComfy key is held in
memory only, in a runner of :class:`~studio.jobs.visitors.VisitorRunners`, leased for each use.
Jobs are submitted and followed on the :class:`~studio.jobs.worker.Worker`'s loop; their latest
progress is kept in memory (:class:`LiveState`, the journal holds the durable part). A second
identical click within ``settings.double_submit_seconds`` is refused (:class:`DoubleSubmitGuard`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from studio.client.api import RunComfyApi
from studio.client.http import HttpClient
from studio.domain.catalog import Endpoint
from studio.domain.forms import Form, form_to_request
from studio.domain.job_status import CANCELLABLE, IN_FLIGHT, JobStatus
from studio.domain.models import GenerationRequest
from studio.domain.validation import validate
from studio.errors import ConfigError, JobFailed, Problem, StudioError, ValidationError
from studio.images import PreparedImage
from studio.jobs.journal import JobRecord
from studio.jobs.owners import owner_id, token_id
from studio.jobs.publisher import Publisher
from studio.jobs.runner import JobRunner, Progress
from studio.jobs.service import Studio
from studio.jobs.visitors import VisitorRunners
from studio.jobs.worker import Worker

__all__ = ["JobService", "LiveState", "DoubleSubmitGuard"]

log = logging.getLogger("studio.jobs.manager")


@dataclass(frozen=True)
class LiveState:
    """The latest in-memory progress of a job (the journal holds the durable part)."""

    stage: JobStatus
    position: int | None = None
    running_since: float | None = None
    bytes_done: int | None = None
    bytes_total: int | None = None
    message: str = ""


class DoubleSubmitGuard:
    """Refuses a second identical submit from one owner within ``window`` seconds (a double click)."""

    def __init__(self, window: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self._clock = clock
        self._recent: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def check(self, owner: str, fingerprint: str, *, distinct: bool = False) -> None:
        """Note this submit; raise ValidationError when it repeats one a moment ago (unless ``distinct``)."""
        now = self._clock()
        with self._lock:
            # Only the window is remembered: older entries go, so the table stays small.
            self._recent = {k: t for k, t in self._recent.items() if now - t < self.window}
            if not distinct and (owner, fingerprint) in self._recent:
                raise ValidationError([Problem("generate", "this exact clip was submitted a moment ago; it is in your jobs")])
            self._recent[(owner, fingerprint)] = now


class JobService:
    """Submit, follow, cancel and list jobs for browser owners (on ``worker``'s loop)."""

    def __init__(self, studio: Studio, worker: Worker, publisher: Publisher, *, allow_operator_token: bool = True) -> None:
        self.studio = studio
        self.settings = studio.settings
        self.worker = worker
        self.publisher = publisher
        self.allow_operator_token = allow_operator_token
        self.guard = DoubleSubmitGuard(self.settings.double_submit_seconds)
        self._visitors = VisitorRunners(self._visitor_runner, self.settings.visitor_clients)
        self._live: dict[str, LiveState] = {}
        self._lock = threading.Lock()

    # -- runners ------------------------------------------------------------------------
    def _visitor_runner(self, visitor_token: str) -> JobRunner:
        http = HttpClient(self.settings, visitor_token)
        return JobRunner(RunComfyApi(http), self.studio.journal, self.settings, budget=self.studio.budget)

    def _close(self, runners: list[JobRunner]) -> None:
        """Close evicted visitor clients on the loop that owns them (from any thread)."""
        for runner in runners:
            self.worker.soon(runner.api.http.aclose())

    @contextmanager
    def runner_for(self, visitor_token: str | None) -> Iterator[JobRunner]:
        """The runner that pays: the visitor's own key when given (live), else the studio's.

        A visitor's runner is held while the block runs, so it is never closed in between.
        Raises ConfigError when live, no visitor key is given and the studio does not lend its own.
        """
        if visitor_token and self.studio.mode.live:
            key = token_id(visitor_token)
            runner, evicted = self._visitors.get(key, visitor_token)
            self._close(evicted)
            try:
                yield runner
            finally:
                self._close(self._visitors.release(key))
            return
        if self.studio.mode.live and not (self.allow_operator_token and self.studio.http.has_token):
            raise ConfigError("paste your RunComfy API key (Settings) to generate; this studio does not lend its own")
        yield self.studio.runner

    async def close(self) -> None:
        """Close every visitor's client (on the loop, at shutdown)."""
        for runner in self._visitors.drain():
            await runner.api.http.aclose()

    def live_endpoint(self, ep: Endpoint, visitor_token: str | None = None) -> Endpoint:
        """``ep`` with the rates and schema the submit will use (see :meth:`JobRunner.live_endpoint`)."""
        try:
            with self.runner_for(visitor_token) as runner:
                return self.worker.call(runner.live_endpoint(ep), timeout=15)
        except (StudioError, TimeoutError):
            return ep

    def _meta(self, visitor_token: str | None, label: str | None) -> dict[str, Any]:
        """What the journal keeps about whose key paid (never the key) and the variant label."""
        meta: dict[str, Any] = {"token": "visitor" if visitor_token and self.studio.mode.live else "operator"}
        if label:
            meta["variant"] = label
        return meta

    # -- submitting ---------------------------------------------------------------------
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
        """Validate, publish images, submit and follow; returns the queued record (see JobManager.submit)."""
        return self.worker.call(self._submit(form, owner_key, start_image, end_image, fit, visitor_token, distinct, label))

    def submit_request(
        self, endpoint: Endpoint, request: GenerationRequest, owner_key: str, *, visitor_token: str | None = None, label: str | None = None
    ) -> JobRecord:
        """Submit a ready request (images already as URLs) and follow it."""

        async def go() -> JobRecord:
            with self.runner_for(visitor_token) as runner:
                record = await runner.submit(endpoint, request, owner=owner_id(owner_key), meta=self._meta(visitor_token, label))
                self.follow(record, runner)
                return record

        return self.worker.call(go())

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
        label: str | None,
    ) -> JobRecord:
        owner = owner_id(owner_key)
        with self.runner_for(visitor_token) as runner:
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
            self.guard.check(owner, repr((ep.model_id, request)), distinct=distinct)
            record = await runner.submit(ep, request, owner=owner, meta=self._meta(visitor_token, label))
            self.follow(record, runner)
            return record

    # -- following ----------------------------------------------------------------------
    def follow(self, record: JobRecord, runner: JobRunner) -> None:
        """Follow ``record`` in the background with ``runner`` (call on the loop; held by the caller)."""

        def on_progress(p: Progress) -> None:
            with self._lock:
                current = self._live.get(p.job_id)
            since = current.running_since if current else None
            if p.stage == "running" and since is None:
                since = time.time() - (p.elapsed or 0.0)
            self._set_live(p.job_id, LiveState(p.stage, p.position, since, p.bytes_done, p.bytes_total, p.message))

        # Held from now (the caller still holds it), so the runner is never closed in between.
        held = self._visitors.hold(runner)

        async def follow() -> None:
            try:
                await runner.bring_home(record, on_progress)
            except JobFailed:
                pass
            except StudioError as exc:
                log.warning("job %s: %s", record.job_id, exc)
            except Exception:  # keep the worker alive; the journal keeps the job for resume
                log.exception("job %s: unexpected error", record.job_id)
            finally:
                self._set_live(record.job_id, None)
                self._close(self._visitors.release(held))

        if not self.worker.spawn(record.job_id, follow):  # already followed
            self._close(self._visitors.release(held))
            return
        # On the loop, before the task's first step: the card shows the journal's stage at once.
        self._set_live(record.job_id, LiveState(record.status))

    def _set_live(self, job_id: str, state: LiveState | None) -> None:
        with self._lock:
            if state is None:
                self._live.pop(job_id, None)
            else:
                self._live[job_id] = state

    def live(self, job_id: str) -> LiveState | None:
        with self._lock:
            return self._live.get(job_id)

    async def resume_operator_jobs(self) -> None:
        """Settle submits a stopped studio left, and follow the unfinished jobs the studio's key pays for."""
        runner = self.studio.runner
        runner.settle_interrupted_submits()
        # Rows another machine (or container) left mid-submit are settled once no submit can
        # still be running.
        asyncio.get_running_loop().call_later(runner.submit_window, runner.settle_interrupted_submits)
        for record in self.studio.journal.unfinished():
            if record.meta.get("backend", "live") != self.settings.backend or record.meta.get("token") == "visitor":
                continue
            if not self.worker.running(record.job_id):
                self.follow(record, runner)

    def attach(self, owner_key: str, visitor_token: str | None) -> int:
        """Reattach a returning visitor's unfinished jobs (their key is needed to poll them)."""
        if not (visitor_token and self.studio.mode.live):
            return 0

        async def go() -> int:
            count = 0
            with self.runner_for(visitor_token) as runner:
                for record in self.studio.journal.unfinished():
                    if record.owner == owner_id(owner_key) and not self.worker.running(record.job_id):
                        self.follow(record, runner)
                        count += 1
            return count

        return self.worker.call(go())

    # -- reading and cancelling ---------------------------------------------------------
    def jobs(self, owner_key: str, limit: int = 100) -> list[tuple[JobRecord, LiveState | None]]:
        """This browser's jobs, newest first, with live progress for those in flight."""
        records = self.studio.journal.find(owner=owner_id(owner_key), limit=limit)
        return [(r, self.live(r.job_id)) for r in records]

    def job(self, owner_key: str, job_id: str) -> JobRecord | None:
        """One of this browser's jobs, or None (also for another browser's job)."""
        record = self.studio.journal.get(job_id)
        return record if record is not None and record.owner == owner_id(owner_key) else None

    def cancel(self, owner_key: str, job_id: str, visitor_token: str | None = None) -> str:
        """Cancel a queued job; says honestly when it can no longer be cancelled."""
        record = self.job(owner_key, job_id)
        if record is None:
            raise ValidationError([Problem("job", "no such job in this browser")])
        if record.status not in CANCELLABLE:
            return "This job has already finished."
        with self.runner_for(visitor_token if record.meta.get("token") == "visitor" else None) as runner:
            outcome = self.worker.call(runner.cancel(record))
        if outcome.cancelled:
            return "Cancelled while queued: it never ran and is not charged."
        return "Too late to cancel: the job is already running and will be charged. Its video will arrive here."

    def busy(self, owner_key: str) -> bool:
        """Whether this browser has a job in flight."""
        owner = owner_id(owner_key)
        if self.studio.journal.find(owner=owner, statuses=IN_FLIGHT, limit=1):
            return True
        # A job the journal has settled may still show its last live stage until its follower ends.
        for record in self.studio.journal.find(owner=owner, limit=20):
            live = self.live(record.job_id)
            if (live is not None and live.stage in IN_FLIGHT) or self.worker.running(record.job_id):
                return True
        return False
