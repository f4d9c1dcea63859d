"""Keeping the simulator's jobs across restarts (offline mode), as RunComfy keeps them.

The store writes every job's record to ``jobs.json`` in its data directory after each change
of state, atomically, and reads it back on start. A job that was rendering when the process
died is rendered again. Only the simulator's own data is written; no client token exists here
(a job's owner is one of the simulator's own tokens).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from studio.domain.catalog import find_endpoint
from studio.simulator.job import Job

__all__ = ["save_jobs", "load_jobs"]

_FIELDS = (
    "request_id", "owner", "body", "submitted_at", "queue_seconds", "run_seconds", "queue_start_position",
    "render", "image_fetch", "cost_usd", "fault", "state", "queue_ends_at", "run_started_at", "run_ends_at",
    "finished_at", "instance_id", "error", "render_done_at", "frozen_at", "cancel_requests", "sig",
)


def save_jobs(path: Path, jobs: Iterable[Job]) -> None:
    """Write the jobs' records to ``path`` (temp file, fsync, rename)."""
    records = []
    for job in jobs:
        data: dict[str, Any] = {name: getattr(job, name) for name in _FIELDS}
        data["model_id"] = job.model_id
        data["output"] = str(job.output) if job.output else None
        records.append(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(records, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_jobs(path: Path) -> list[Job]:
    """The jobs saved at ``path``; unreadable entries are skipped."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    jobs = []
    for data in records if isinstance(records, list) else []:
        endpoint = find_endpoint(str(data.get("model_id", "")))
        if endpoint is None:
            continue
        try:
            job = Job(endpoint=endpoint, **{k: data[k] for k in _FIELDS})
        except (KeyError, TypeError):
            continue
        output = data.get("output")
        if output and Path(output).is_file():
            job.output = Path(output)
            job.rendered.set()
            job.render_started = True
        jobs.append(job)
    return jobs
