"""Typed job states and handles, parsed in one place from either status vocabulary. Pure.

RunComfy's ``/status`` says ``completed`` where ``/result`` says ``succeeded``; ``cancelled`` is
also spelled ``canceled``; RunComfy's own nodes also see ``pending``, ``waiting``, ``starting``
and ``processing``. :func:`parse_state` accepts all of them, case-insensitively, and raises on
anything else rather than guessing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from studio.errors import ApiError

__all__ = [
    "JobHandle",
    "Queued",
    "Running",
    "Succeeded",
    "Failed",
    "Cancelled",
    "JobState",
    "parse_state",
    "is_terminal",
    "valid_request_id",
]

_REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def valid_request_id(value: object) -> bool:
    """Whether a request id is safe to put in a URL path (``[A-Za-z0-9_-]{1,128}``)."""
    return isinstance(value, str) and bool(_REQUEST_ID.match(value))


@dataclass(frozen=True)
class JobHandle:
    """A submitted job: its request id, model id and the result URL the API gave."""

    request_id: str
    model_id: str
    result_url: str | None = None


@dataclass(frozen=True)
class Queued:
    """Waiting in RunComfy's queue; cancellable."""

    position: int | None = None


@dataclass(frozen=True)
class Running:
    """Generating; no longer cancellable, will be charged."""

    instance_id: str | None = None


@dataclass(frozen=True)
class Succeeded:
    """Done. ``output`` and ``cost`` are known only from /result (None from /status).

    ``output`` is as RunComfy sent it: an object (``{"video": url}``, ``{"videos": [url]}``, any
    key), a bare URL string, or a list of URLs; every shape is read for URLs downstream.
    """

    output: Mapping[str, Any] | str | list[Any] | None = None
    cost: Decimal | None = None


@dataclass(frozen=True)
class Failed:
    """The job ran and failed."""

    reason: str


@dataclass(frozen=True)
class Cancelled:
    """Cancelled while queued; never ran, never charged."""


JobState = Queued | Running | Succeeded | Failed | Cancelled

_QUEUED = {"in_queue", "queued", "pending", "waiting", "starting"}
_RUNNING = {"in_progress", "running", "processing"}
_SUCCESS = {"completed", "succeeded", "success"}
_FAILED = {"failed", "error"}
_CANCELLED = {"cancelled", "canceled"}


def is_terminal(state: JobState) -> bool:
    return isinstance(state, (Succeeded, Failed, Cancelled))


def _reason(error: Any) -> str:
    if isinstance(error, str) and error.strip():
        return error.strip()[:500]
    if isinstance(error, Mapping):
        for key in ("error_message", "message", "error", "detail"):
            if isinstance(error.get(key), str):
                return str(error[key])[:500]
    if isinstance(error, list) and error:
        return "; ".join(_reason(e) for e in error[:3])
    return "RunComfy reported the job as failed without a reason"


def _cost(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        cost = Decimal(str(value))
    except InvalidOperation:
        return None
    return cost if cost.is_finite() and cost >= 0 else None


def parse_state(payload: Any) -> JobState:
    """The typed state in a /status or /result body; raises ApiError for an unknown status."""
    if not isinstance(payload, Mapping):
        raise ApiError("RunComfy sent a status that is not a JSON object", status_code=200)
    raw = payload.get("status")
    status = raw.strip().lower() if isinstance(raw, str) else ""
    if status in _QUEUED:
        position = payload.get("queue_position")
        return Queued(position if isinstance(position, int) and not isinstance(position, bool) else None)
    if status in _RUNNING:
        instance = payload.get("instance_id")
        return Running(instance if isinstance(instance, str) else None)
    if status in _SUCCESS:
        if payload.get("error") and not payload.get("output"):
            return Failed(_reason(payload["error"]))
        output = payload.get("output")
        return Succeeded(output if isinstance(output, (Mapping, str, list)) else None, _cost(payload.get("cost")))
    if status in _FAILED:
        reason = _reason(payload.get("error") or payload.get("error_message") or payload)
        code = payload.get("error_code")
        return Failed(f"{reason} (RunComfy error {code})" if isinstance(code, (int, str)) and str(code).isdigit() else reason)
    if status in _CANCELLED:
        return Cancelled()
    raise ApiError(f"RunComfy sent an unexpected job status {raw!r}", status_code=200, body=payload)
