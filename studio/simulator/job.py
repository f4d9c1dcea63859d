"""One simulated job: its record, timeline, queue position and JSON view for ``/_sim/jobs``.

:class:`Job` is plain data (times are clock seconds); :class:`~studio.simulator.jobs.JobStore`
owns every change to it. :func:`job_cost` is what a successful job is charged, from the
catalog's rates.
"""

from __future__ import annotations

import math
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.domain.catalog import Endpoint
from studio.simulator.rendering import job_audio, job_duration

__all__ = ["STATES", "TERMINAL", "Job", "UnknownJob", "NotOwner", "job_cost"]

STATES = ("in_queue", "in_progress", "completed", "failed", "cancelled")
TERMINAL = ("completed", "failed", "cancelled")


def job_cost(endpoint: Endpoint, body: dict[str, Any]) -> float:
    """USD a successful job costs: the per-second rate (with or without audio) × duration."""
    return float(endpoint.rates.for_audio(job_audio(body, endpoint)) * job_duration(body, endpoint))


class UnknownJob(LookupError):
    """No such request id (never existed, or expired)."""


class NotOwner(PermissionError):
    """The request id belongs to another account's token."""


@dataclass(eq=False)
class Job:
    """One submitted request and its timeline (clock seconds)."""

    request_id: str
    endpoint: Endpoint = field(repr=False)
    owner: str = field(repr=False)
    body: dict[str, Any]
    submitted_at: float
    queue_seconds: float
    run_seconds: float
    queue_start_position: int
    render: bool
    image_fetch: str
    cost_usd: float
    fault: str | None = None
    state: str = "in_queue"
    queue_ends_at: float = 0.0
    run_started_at: float | None = None
    run_ends_at: float | None = None
    finished_at: float | None = None
    instance_id: str | None = None
    error: str | None = None
    output: Path | None = None
    render_started: bool = False
    render_done_at: float | None = None
    frozen_at: float | None = None
    cancel_requests: int = 0
    sig: str = field(default_factory=lambda: uuid.uuid4().hex)
    rendered: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def model_id(self) -> str:
        return self.endpoint.model_id

    @property
    def file_name(self) -> str:
        return f"{self.endpoint.tier.key}-{self.endpoint.mode.key}-{self.request_id[:8]}.mp4"

    def queue_position(self, now: float) -> int | None:
        """1-based place in the queue while ``in_queue``, falling evenly to 1; else None."""
        if self.state != "in_queue":
            return None
        clock = self.frozen_at if self.frozen_at is not None else now
        if self.queue_seconds <= 0:
            return 1
        fraction = max(0.0, self.queue_ends_at - clock) / self.queue_seconds
        return max(1, min(self.queue_start_position, math.ceil(fraction * self.queue_start_position)))

    def as_json(self, now: float) -> dict[str, Any]:
        """Everything a test or bench may want to know, times as float epoch seconds."""
        queue_ended = self.run_started_at if self.run_started_at is not None else (
            self.finished_at if self.state == "cancelled" else None
        )
        return {
            "request_id": self.request_id,
            "model_id": self.model_id,
            "state": self.state,
            "frozen": self.frozen_at is not None,
            "fault": self.fault,
            "body": self.body,
            "queue_position": self.queue_position(now),
            "instance_id": self.instance_id,
            "submitted_at": self.submitted_at,
            "phases": {
                "in_queue": {"began": self.submitted_at, "ended": queue_ended},
                "in_progress": {
                    "began": self.run_started_at,
                    "ended": self.finished_at if self.run_started_at is not None else None,
                },
            },
            "finished_at": self.finished_at,
            "render_done_at": self.render_done_at,
            "output_path": str(self.output) if self.output else None,
            "error": self.error,
            "cost_usd": self.cost_usd,
            "cancel_requests": self.cancel_requests,
        }
