"""The life of one job: validate → quote → journal → submit → poll → result → download.

The journal row is written before the paid POST and updated the moment it returns, before any
waiting, so a crash at any point leaves either a request id to reattach to or a row that says
plainly the outcome is unknown (never resubmitted). Every wait has a deadline; a job still
unfinished at the deadline stays in the journal for :meth:`JobRunner.resume`.

Two steps are written once here for every caller: :meth:`JobRunner.finish` writes a job's end
(its final status, why, when) and reports it; :meth:`JobRunner.bring_home` carries a submitted
job on from wherever the journal says it is (follow it, or only download a finished one).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from studio.client.api import CancelOutcome, RunComfyApi
from studio.client.downloads import find_output_urls, host_allowed, safe_filename, unique_path
from studio.client.job_states import (
    Cancelled,
    Failed,
    JobState,
    Queued,
    Running,
    Succeeded,
    is_terminal,
)
from studio.config import Settings
from studio.domain.catalog import Endpoint
from studio.domain.job_status import FinalStatus, JobStatus
from studio.domain.models import GenerationRequest
from studio.domain.payload import build_payload
from studio.domain.pricing import quote_request, usd_text
from studio.domain.vocabulary import request_to_json
from studio.errors import (
    AuthError,
    DownloadError,
    JobFailed,
    JobTimeout,
    NotFound,
    StudioError,
    SubmitUnknown,
)
from studio.images import check_public_image
from studio.jobs.budget import BudgetGuard
from studio.jobs.interrupted import (
    INTERRUPTED_SUBMIT,
    SUBMITTER,
    InterruptedSubmits,
    submit_abandoned,
)
from studio.jobs.journal import JobRecord, Journal

__all__ = ["Progress", "JobRunner", "Interrupted", "INTERRUPTED_SUBMIT", "SUBMITTER", "submit_abandoned"]

log = logging.getLogger("studio.jobs.runner")

@dataclass(frozen=True)
class Progress:
    """One step of a job, for progress lines and job cards."""

    job_id: str
    stage: JobStatus
    request_id: str | None = None
    position: int | None = None
    elapsed: float | None = None
    bytes_done: int | None = None
    bytes_total: int | None = None
    message: str = ""


ProgressFn = Callable[[Progress], None]


class Interrupted(StudioError):
    """The caller asked to stop following a job; ``state`` is the last state seen."""

    def __init__(self, record: JobRecord, state: JobState | None) -> None:
        self.record = record
        self.state = state
        super().__init__(f"stopped following job {record.request_id}")


def _noop(_: Progress) -> None:
    return None


class JobRunner(InterruptedSubmits):
    """Runs jobs against the API, recording every step in the journal."""

    def __init__(
        self,
        api: RunComfyApi,
        journal: Journal,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        budget: BudgetGuard | None = None,
    ) -> None:
        self.api = api
        self.budget = budget
        self._budget_lock = asyncio.Lock()
        self.journal = journal
        self.settings = settings
        self._clock = clock
        self._sleep = sleep
        self._live: dict[str, tuple[float, Endpoint]] = {}

    async def live_endpoint(self, endpoint: Endpoint) -> Endpoint:
        """The endpoint with its live catalog entry (schema and price), cached for a while.

        When the catalog cannot be read (other than a rejected token), the bundled snapshot
        stands in, as RunComfy's schema rarely changes; the reason is logged.
        """
        cached = self._live.get(endpoint.model_id)
        if cached and self._clock() - cached[0] < self.settings.catalog_ttl_seconds:
            return cached[1]
        try:
            entry = await self.api.model(endpoint.model_id)
        except AuthError:
            raise
        except StudioError as exc:
            log.warning("using the bundled schema for %s: %s", endpoint.model_id, exc)
            return endpoint
        schema = entry.get("input_schema")
        if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
            log.warning("the live catalog entry for %s has no input schema; using the bundled one", endpoint.model_id)
            return endpoint
        live = endpoint.with_entry(entry)
        self._live[endpoint.model_id] = (self._clock(), live)
        return live

    async def submit(
        self,
        endpoint: Endpoint,
        request: GenerationRequest,
        *,
        owner: str | None = None,
        group_id: str | None = None,
        meta: dict[str, Any] | None = None,
        output_dir: Path | None = None,
    ) -> JobRecord:
        """Validate against the live schema, quote, journal and submit; returns the queued record.

        Raises ValidationError before anything is sent.

        ``output_dir`` (default: the job's folder under the data dir) is remembered, so a
        resumed job lands where the user asked.
        """
        endpoint = await self.live_endpoint(endpoint)
        payload = build_payload(request, endpoint, allow_http_hosts=self.settings.http_image_hosts)
        quote = quote_request(request, endpoint)
        await self._check_images(request)
        async with self._budget_lock:  # check and record as one step, so two submits can't both slip under a cap
            if self.budget is not None:
                self.budget.check(owner, quote.total)
            record = self._begin(endpoint, request, payload, quote.total, owner, group_id, meta, output_dir)
        try:
            handle = await self.api.submit(endpoint.model_id, payload)
        except SubmitUnknown as exc:
            self.finish(record, "unknown", str(exc))
            raise
        except StudioError as exc:
            self.finish(record, "failed", str(exc))
            raise
        return self.journal.update(
            record.job_id,
            status="queued",
            request_id=handle.request_id,
            submitted_at=time.time(),
            meta={**record.meta, "result_url": handle.result_url} if handle.result_url else record.meta,
        )

    async def _check_images(self, request: GenerationRequest) -> None:
        """No job is paid for with a broken image link: fetch each one anonymously first."""
        if not self.settings.check_image_urls:
            return
        for concept in ("start_image_url", "end_image_url"):
            url = getattr(request, concept)
            if url:
                await check_public_image(
                    self.api.http, url, allow_http_hosts=self.settings.http_image_hosts, field=request.name_of(concept)
                )

    def _begin(
        self,
        endpoint: Endpoint,
        request: GenerationRequest,
        payload: dict[str, Any],
        total: Decimal,
        owner: str | None,
        group_id: str | None,
        meta: dict[str, Any] | None,
        output_dir: Path | None,
    ) -> JobRecord:
        return self.journal.begin(
            model_id=endpoint.model_id,
            request=request_to_json(request),
            payload=payload,
            quote_usd=usd_text(total),
            owner=owner,
            group_id=group_id,
            meta={
                **(meta or {}),
                "backend": self.settings.backend,
                "submitter": SUBMITTER,
                **({"output_dir": str(output_dir.resolve())} if output_dir else {}),
            },
        )

    async def cancel(self, record: JobRecord) -> CancelOutcome:
        """Cancel a queued job (never charged); a running one answers not_cancellable."""
        assert record.request_id
        outcome = await self.api.cancel(record.request_id)
        if outcome.cancelled:
            self.finish(record, "cancelled", "cancelled while queued")
        return outcome

    def finish(self, record: JobRecord, status: FinalStatus, reason: str | None = None, *, emit: ProgressFn | None = None) -> JobRecord:
        """Write a job's end: its final ``status``, why (``reason``; None clears an earlier error),
        when, and no place in line; then report it. Every end a job can have is written here."""
        record = self.journal.update(record.job_id, status=status, error=reason, finished_at=time.time(), queue_position=None)
        message = reason if reason is not None else (record.files[0] if record.files else "")
        (emit or _noop)(Progress(record.job_id, status, record.request_id, message=message))
        return record

    async def bring_home(self, record: JobRecord, on_progress: ProgressFn | None = None) -> JobRecord:
        """Carry a submitted job on from where the journal left it: only download a finished
        one whose outputs are known, else follow it to its end (see :meth:`follow`)."""
        if record.status == "downloading" and record.output_urls:
            return await self.download(record, on_progress)
        return await self.follow(record, on_progress=on_progress)

    async def follow(
        self,
        record: JobRecord,
        *,
        on_progress: ProgressFn | None = None,
        stop: asyncio.Event | None = None,
    ) -> JobRecord:
        """Poll until the job ends, then fetch its result and download its video.

        Raises:
            JobFailed: the job failed or was cancelled (the journal says which).
            JobTimeout: still unfinished at the deadline; the journal keeps it for resume.
            Interrupted: ``stop`` was set; the caller decides whether to cancel.
        """
        assert record.request_id, "follow() needs a submitted job"
        request_id = record.request_id  # the journal's updates below keep it
        emit = on_progress or _noop
        deadline = self._clock() + self.settings.job_deadline
        started = self._clock()
        state: JobState | None = None
        while True:
            try:
                state = await self.api.status(record.request_id)
            except NotFound:
                reason = "RunComfy no longer knows this request (unknown or expired)"
                self.finish(record, "failed", reason, emit=emit)
                raise JobFailed(request_id, reason) from None
            record = self._note(record, state, emit)
            if is_terminal(state):
                break
            if stop is not None and stop.is_set():
                raise Interrupted(record, state)
            if self._clock() >= deadline:
                raise JobTimeout(request_id, self._clock() - started)
            await self._wait(stop)
            if stop is not None and stop.is_set():
                raise Interrupted(record, state)
        if isinstance(state, Succeeded):
            return await self._collect(record, emit, stop)
        if isinstance(state, Failed):
            state = await self._failure_detail(record, state)
        return self._end_unsuccessful(record, state, emit)

    async def _failure_detail(self, record: JobRecord, state: Failed) -> Failed:
        """/status rarely says why a job failed; /result does. Best effort: keep what we have."""
        assert record.request_id
        try:
            detailed = await self.api.result(record.request_id, record.meta.get("result_url"))
        except StudioError:
            return state
        return detailed if isinstance(detailed, Failed) else state

    async def _wait(self, stop: asyncio.Event | None) -> None:
        if stop is None:
            await self._sleep(self.settings.poll_interval)
            return
        try:
            await asyncio.wait_for(stop.wait(), timeout=self.settings.poll_interval)
        except TimeoutError:
            pass

    def _note(self, record: JobRecord, state: JobState, emit: ProgressFn) -> JobRecord:
        """Record a queued/running state in the journal (only when it changed) and report it."""
        if isinstance(state, Queued):
            if record.status != "queued" or record.queue_position != state.position:
                record = self.journal.update(record.job_id, status="queued", queue_position=state.position)
            emit(Progress(record.job_id, "queued", record.request_id, position=state.position))
        elif isinstance(state, Running):
            if record.status != "running":
                record = self.journal.update(record.job_id, status="running", queue_position=None, started_at=time.time())
            elapsed = time.time() - record.started_at if record.started_at else None
            emit(Progress(record.job_id, "running", record.request_id, elapsed=elapsed))
        return record

    def _end_unsuccessful(self, record: JobRecord, state: JobState | None, emit: ProgressFn) -> JobRecord:
        assert record.request_id
        request_id = record.request_id
        cancelled = isinstance(state, Cancelled)
        reason = state.reason if isinstance(state, Failed) else "cancelled"
        self.finish(record, "cancelled" if cancelled else "failed", reason, emit=emit)
        raise JobFailed(request_id, reason, cancelled=cancelled)

    async def _collect(self, record: JobRecord, emit: ProgressFn, stop: asyncio.Event | None) -> JobRecord:
        """Fetch a succeeded job's result (its output URLs and cost), then download it."""
        assert record.request_id
        state: JobState = await self.api.result(record.request_id, record.meta.get("result_url"))
        while isinstance(state, (Queued, Running)):  # /status ran ahead of /result
            await self._wait(stop)
            state = await self.api.result(record.request_id, record.meta.get("result_url"))
        if not isinstance(state, Succeeded):
            return self._end_unsuccessful(record, state, emit)
        urls = tuple(find_output_urls(state.output))
        record = self.journal.update(
            record.job_id,
            status="downloading",
            output_urls=urls,
            cost_usd=usd_text(state.cost) if state.cost is not None else None,
        )
        return await self.download(record, emit)

    def output_dir(self, record: JobRecord) -> Path:
        """Where a job's files go: the directory asked for at submit, else its own folder."""
        chosen = record.meta.get("output_dir")
        return Path(chosen) if isinstance(chosen, str) else self.settings.jobs_dir / record.job_id

    async def download(self, record: JobRecord, emit: ProgressFn | None = None) -> JobRecord:
        """Download a finished job's outputs (allowed hosts only); the record ends ``succeeded``."""
        emit = emit or _noop
        directory = self.output_dir(record)
        allowed = [u for u in record.output_urls if host_allowed(u, self.settings.extra_download_hosts)]
        refused = [u for u in record.output_urls if u not in allowed]
        for url in refused:
            log.warning("not downloaded (not a RunComfy file host): %s", url.split("?")[0])
        if not allowed:
            reason = "the result had no downloadable video" + (
                f" (refused hosts: {', '.join(u.split('?')[0] for u in refused)})" if refused else ""
            )
            self.finish(record, "failed", reason, emit=emit)
            raise DownloadError(reason)
        files = list(record.files)
        job_id, request_id = record.job_id, record.request_id  # the loop below re-reads ``record``; these stay
        for index in range(len(files), len(allowed)):
            def progress(done: int, total: int | None) -> None:
                emit(Progress(job_id, "downloading", request_id, bytes_done=done, bytes_total=total))

            record, name = self._reserve_name(record, index, allowed[index], directory)
            target = directory / name
            if target.is_file() and target.stat().st_size > 0:
                # An attempt killed after its rename but before the journal heard of it: the
                # file is complete (renamed only once fsynced); keep it, never fetch a copy.
                path = target
            else:
                emit(Progress(record.job_id, "downloading", record.request_id, bytes_done=0))
                path = await self.api.http.download(
                    allowed[index], directory, allowed=lambda u: host_allowed(u, self.settings.extra_download_hosts),
                    on_progress=progress, name=name,
                )
            files.append(str(path.resolve()))
            record = self.journal.update(record.job_id, files=tuple(files))
        return self.finish(record, "succeeded", emit=emit)

    def _reserve_name(self, record: JobRecord, index: int, url: str, directory: Path) -> tuple[JobRecord, str]:
        """The file name output ``index`` is saved under, written to the journal before the
        download starts, so a download started again after a kill lands on the same name."""
        reserved: dict[str, str] = dict(record.meta.get("download_names") or {})
        if str(index) not in reserved:
            reserved[str(index)] = unique_path(directory, safe_filename(url)).name
            record = self.journal.update(record.job_id, meta={**record.meta, "download_names": reserved})
        return record, reserved[str(index)]

    async def resume(self, *, on_progress: ProgressFn | None = None) -> list[JobRecord | BaseException]:
        """Reattach to every unfinished job in the journal and bring its video home.

        Rows a stopped studio left mid-submit are settled as ``unknown`` first.
        """
        self.settle_interrupted_submits()
        pending = [r for r in self.journal.unfinished() if r.meta.get("backend", "live") == self.settings.backend]
        return list(await asyncio.gather(*(self.bring_home(r, on_progress) for r in pending), return_exceptions=True))
