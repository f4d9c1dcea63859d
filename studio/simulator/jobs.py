"""The simulator's job store: who owns which request, and where each one is in its life.

A job moves ``in_queue`` (``queue_position`` falling to 1) → ``in_progress`` (with an
``instance_id``; its MP4 is rendered in a worker thread from this moment) → ``completed`` or
``failed``, or to ``cancelled`` if cancelled while still queued. Moves are driven by the injected
clock (``now``) whenever the store is touched or :meth:`JobStore.advance` is called; a job
only succeeds once its file is on disk. Test scripts can :meth:`~JobStore.freeze` a job in any
state and :meth:`~JobStore.release` it (frozen time does not count). Jobs are forgotten after
``retention_seconds``. This module knows nothing about HTTP.
"""

from __future__ import annotations

import shutil
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from studio.domain.catalog import Endpoint
from studio.simulator.config import SimulatorConfig
from studio.simulator.job import STATES, TERMINAL, Job, NotOwner, UnknownJob, job_cost
from studio.simulator.persist import load_jobs, save_jobs
from studio.simulator.rendering import JobError, render_job, tiny_video

__all__ = ["STATES", "Job", "JobStore", "UnknownJob", "NotOwner", "job_cost"]

FREEZE_ALIASES = {"succeeded": "completed", "canceled": "cancelled"}
RENDER_WAIT = 600.0  # seconds a freeze into "completed" waits for the file


class JobStore:
    """All jobs of one simulator, driven by the clock ``now``; safe to use from any thread."""

    def __init__(
        self, config: SimulatorConfig, data_dir: Path, *, now: Callable[[], float] = time.time, workers: int = 2
    ) -> None:
        self.config = config
        self.data_dir = Path(data_dir)
        self.now = now
        self._jobs: dict[str, Job] = {}
        self._lock = threading.RLock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sim-render")
        self.spent_usd = 0.0
        self._persist = self.data_dir / "jobs.json" if config.persist_jobs else None
        if self._persist is not None:
            for job in load_jobs(self._persist):
                self._jobs[job.request_id] = job
                if job.state == "in_progress" and not job.rendered.is_set():
                    job.render_started = False  # rendered again once the server listens

    def resume_renders(self) -> None:
        """Render the jobs that were in progress when the simulator last stopped (after start,
        so their input images on this simulator's own upload host can be fetched)."""
        with self._lock:
            for job in self._jobs.values():
                if job.state == "in_progress" and not job.render_started and job.fault not in ("job_failed", "job_stuck"):
                    self._start_render(job)

    def _save(self) -> None:
        if self._persist is not None:
            save_jobs(self._persist, list(self._jobs.values()))

    # -- lifecycle -------------------------------------------------------------------------
    def submit(self, endpoint: Endpoint, body: dict[str, Any], owner: str, *, fault: str | None = None) -> Job:
        """Accept a (valid) body: a new job at the back of the queue (its place in line starts
        behind every job still queued, and falls evenly to 1)."""
        with self._lock:
            self.advance()
            ahead = sum(1 for queued in self._jobs.values() if queued.state == "in_queue")
        cfg, now = self.config, self.now()
        job = Job(
            request_id=str(uuid.uuid4()),
            endpoint=endpoint,
            owner=owner,
            body=body,
            submitted_at=now,
            queue_seconds=float(cfg.queue_seconds),
            run_seconds=float(cfg.run_seconds),
            queue_start_position=cfg.queue_start_position + ahead,
            render=cfg.render,
            image_fetch=cfg.image_fetch,
            cost_usd=job_cost(endpoint, body),
            fault=fault,
            queue_ends_at=now + float(cfg.queue_seconds),
        )
        with self._lock:
            self._jobs[job.request_id] = job
            self._advance(job, now)
            self._save()
        return job

    def get(self, request_id: str, token: str | None = None) -> Job:
        """The job, advanced to now; raises UnknownJob, or NotOwner when ``token`` is not its owner's."""
        with self._lock:
            self.advance()
            job = self._jobs.get(request_id)
            if job is None:
                raise UnknownJob(request_id)
            if token is not None and token != job.owner:
                raise NotOwner(request_id)
            return job

    def cancel(self, request_id: str, token: str | None = None) -> tuple[Job, str]:
        """Cancel a queued job: ``(job, "cancelled")``; otherwise ``(job, "not_cancellable")``."""
        with self._lock:
            job = self.get(request_id, token)
            job.cancel_requests += 1
            if job.state != "in_queue":
                return job, "not_cancellable"
            job.state, job.finished_at, job.frozen_at = "cancelled", self.now(), None
            self._save()
            return job, "cancelled"

    def advance(self) -> None:
        """Move every job along the clock and forget expired ones."""
        with self._lock:
            now = self.now()
            for job in list(self._jobs.values()):
                if now > (job.finished_at or job.submitted_at) + self.config.retention_seconds:
                    del self._jobs[job.request_id]
                    shutil.rmtree(self._job_dir(job), ignore_errors=True)
                else:
                    self._advance(job, now)

    def _advance(self, job: Job, now: float) -> None:
        if job.frozen_at is not None or job.state in TERMINAL:
            return
        if job.state == "in_queue" and now >= job.queue_ends_at:
            self._start_run(job, job.queue_ends_at)
        if job.state != "in_progress" or job.fault == "job_stuck" or job.run_ends_at is None:
            return
        if now < job.run_ends_at:
            return
        if job.fault == "job_failed":
            self._finish(job, "failed", job.run_ends_at, "simulated generation failure (fault job_failed)")
        elif job.rendered.is_set():
            done = max(job.run_ends_at, job.render_done_at or job.run_ends_at)
            self._finish(job, "failed" if job.error else "completed", done, job.error)

    def _start_run(self, job: Job, at: float) -> None:
        job.state, job.run_started_at = "in_progress", at
        job.run_ends_at = at + job.run_seconds
        job.instance_id = str(uuid.uuid4())
        if job.fault not in ("job_failed", "job_stuck"):
            self._start_render(job)
        self._save()

    def _start_render(self, job: Job) -> None:
        if not job.render_started:
            job.render_started = True
            self._pool.submit(self._render, job)

    def _finish(self, job: Job, state: str, at: float, error: str | None = None) -> None:
        job.state, job.finished_at, job.error = state, at, error
        if state == "completed":
            self.spent_usd += job.cost_usd
        self._save()

    def _job_dir(self, job: Job) -> Path:
        return self.data_dir / "jobs" / job.request_id

    def _render(self, job: Job) -> None:
        """Worker thread: make the job's MP4 (or reuse the tiny one); record the file or the error."""
        output: Path | None = None
        error: str | None = None
        try:
            if job.render:
                out = self._job_dir(job) / job.file_name
                output = render_job(job.endpoint, job.body, out, image_fetch=job.image_fetch)
            else:
                output = tiny_video(self.data_dir / "tiny.mp4")
        except JobError as exc:
            error = str(exc)
        except Exception as exc:  # never let a worker die silently: the job fails visibly
            error = f"simulator render crashed: {exc!r}"
        with self._lock:
            job.output, job.render_done_at = output, self.now()
            if error and job.state not in TERMINAL:
                job.error = error
            job.rendered.set()
            self._advance(job, self.now())

    # -- test control ----------------------------------------------------------------------
    def freeze(self, request_id: str, state: str, error: str | None = None) -> Job:
        """Pin a job in ``state`` (any of :data:`STATES`) until :meth:`release`.

        Freezing into ``completed`` waits until the job's file is rendered; if rendering
        fails, the job is frozen as ``failed`` with the render error instead.
        """
        state = FREEZE_ALIASES.get(state, state)
        if state not in STATES:
            raise ValueError(f"state {state!r} is not one of {', '.join(STATES)}")
        with self._lock:
            job = self.get(request_id)
            now = self.now()
            if state == "completed" and not job.rendered.is_set():
                self._start_render(job)
        if state == "completed" and not job.rendered.wait(RENDER_WAIT):
            raise TimeoutError(f"job {request_id} was not rendered within {RENDER_WAIT:.0f} s")
        with self._lock:
            now = self.now()
            if state == "in_queue" and job.state != "in_queue":
                job.state, job.queue_ends_at = "in_queue", now + job.queue_seconds
                job.run_started_at = job.run_ends_at = job.finished_at = job.instance_id = None
            elif state == "in_progress" and job.state != "in_progress":
                job.finished_at = None
                self._start_run(job, now)
            elif state == "completed" and job.state != "completed":
                self._finish(job, "failed" if job.error else "completed", now, job.error)
            elif state in ("failed", "cancelled") and job.state != state:
                reason = (error or "frozen as failed by a test script") if state == "failed" else None
                self._finish(job, state, now, reason)
            job.frozen_at = now
            return job

    def release(self, request_id: str) -> Job:
        """Let a frozen job go on from where it was frozen (time spent frozen does not count)."""
        with self._lock:
            job = self.get(request_id)
            if job.frozen_at is not None:
                paused = self.now() - job.frozen_at
                job.frozen_at = None
                job.queue_ends_at += paused
                if job.run_ends_at is not None:
                    job.run_ends_at += paused
                self._advance(job, self.now())
            return job

    def jobs(self) -> list[Job]:
        """Every live job, oldest first."""
        with self._lock:
            self.advance()
            return sorted(self._jobs.values(), key=lambda j: j.submitted_at)

    def reset(self) -> None:
        """Forget every job and the money spent."""
        with self._lock:
            self._jobs.clear()
            self.spent_usd = 0.0
        shutil.rmtree(self.data_dir / "jobs", ignore_errors=True)

    def shutdown(self) -> None:
        """Stop the render workers (running renders finish first)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
