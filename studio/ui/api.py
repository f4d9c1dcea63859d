"""The studio's programmatic twin: JSON endpoints for the Gradio client, beside the UI.

``gradio_client.Client(url).predict(..., api_name="/submit_request")`` and friends do what the
page does, with the same owner isolation: every call names the caller's owner key, and only
that owner's jobs are listed, cancelled or returned. Requests are JSON in either vocabulary.
"""

from __future__ import annotations

import json
from typing import Any

import gradio as gr

from ..catalog import find_endpoint
from ..errors import StudioError, ValidationError
from ..manager import JobManager
from ..payload import request_from_input
from ..pricing import quote_request, usd_text
from ..journal import JobRecord
from .handlers import friendly

__all__ = ["register_api", "job_summary"]


def job_summary(record: JobRecord) -> dict[str, Any]:
    """A job as the API shows it: never the owner, never a token."""
    return {
        "job_id": record.job_id,
        "request_id": record.request_id,
        "model_id": record.model_id,
        "status": record.status,
        "queue_position": record.queue_position,
        "quote_usd": record.quote_usd,
        "cost_usd": record.cost_usd,
        "error": record.error,
        "request": record.request,
        "has_video": bool(record.files),
        "created_at": record.created_at,
    }


def _parse(model_id: str, request_json: str) -> tuple[Any, Any]:
    endpoint = find_endpoint(model_id)
    if endpoint is None:
        raise ValidationError([_p("model_id", f"{model_id!r} is not a Kling 3.0 endpoint")])
    try:
        data = json.loads(request_json)
    except json.JSONDecodeError as exc:
        raise ValidationError([_p("request_json", f"is not valid JSON ({exc.msg} at column {exc.colno})")]) from None
    return endpoint, request_from_input(data, endpoint)


def _p(field: str, message: str) -> Any:
    from ..errors import Problem

    return Problem(field, message)


def register_api(manager: JobManager) -> None:
    """Add the JSON endpoints to the Blocks being built."""

    def quote(model_id: str, request_json: str, takes: int = 1) -> dict[str, Any]:
        """The price of a request before paying (takes: 1-8)."""
        try:
            endpoint, request = _parse(model_id, request_json)
            q = quote_request(request, endpoint, variants=max(1, min(8, int(takes))))
        except StudioError as exc:
            raise friendly(exc) from None
        return {"model_id": endpoint.model_id, **q.as_json()}

    def submit_request(owner_key: str, model_id: str, request_json: str, api_key: str = "") -> dict[str, Any]:
        """Submit one job (images as https URLs); returns the job."""
        if not owner_key.strip():
            raise gr.Error("owner_key: give a private random string; your jobs are listed under it")
        try:
            endpoint, request = _parse(model_id, request_json)
            record = manager.submit_request(endpoint, request, owner_key, visitor_token=api_key or None)
        except StudioError as exc:
            raise friendly(exc) from None
        return job_summary(record) | {"quote_usd": usd_text(quote_request(request, endpoint).total)}

    def list_jobs(owner_key: str) -> list[dict[str, Any]]:
        """This owner's jobs, newest first."""
        return [job_summary(r) for r, _ in manager.jobs(owner_key)] if owner_key.strip() else []

    def cancel_job(owner_key: str, job_id: str, api_key: str = "") -> str:
        """Cancel a queued job of this owner; says so when it is already running."""
        try:
            return manager.cancel(owner_key, job_id, api_key or None)
        except StudioError as exc:
            raise friendly(exc) from None

    gr.api(quote, api_name="quote")
    gr.api(submit_request, api_name="submit_request", concurrency_limit=16)
    gr.api(list_jobs, api_name="list_jobs", concurrency_limit=None)
    gr.api(cancel_job, api_name="cancel_job")
