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
from ..errors import Problem, StudioError, ValidationError
from ..manager import JobManager
from ..payload import request_from_input
from ..pricing import quote_request, usd_text
from ..journal import JobRecord
from ..recipes import job_recipe, read_recipe
from ..storyboard import Storyboard, plan, storyboard_from_json
from ..storyboard import quote as quote_board
from ..variants import by_prompt, by_seed, by_tier, takes
from .handlers import friendly

__all__ = ["register_api", "job_summary"]


def job_summary(record: JobRecord) -> dict[str, Any]:
    """A job as the API shows it: never the owner, never a token."""
    return {**record.summary(), "request": record.request, "has_video": bool(record.files)}


def _parse(model_id: str, request_json: str) -> tuple[Any, Any]:
    endpoint = find_endpoint(model_id)
    if endpoint is None:
        raise ValidationError([Problem("model_id", f"{model_id!r} is not a Kling 3.0 endpoint")])
    data = _load_json(request_json, "request_json")
    return endpoint, request_from_input(data, endpoint)


def _storyboard(text: str) -> Storyboard:
    data = _load_json(text, "storyboard_json")
    found = read_recipe(data) if isinstance(data, dict) and "kind" in data else storyboard_from_json(data)
    if not isinstance(found, Storyboard):
        raise ValidationError([Problem("storyboard_json", "this recipe is a single job; use /submit_request")])
    return found


def _load_json(text: str, field: str) -> Any:
    """Parsed JSON, or ValidationError naming ``field`` (bad syntax, huge numbers, deep nesting)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError([Problem(field, f"is not valid JSON ({exc.msg} at column {exc.colno})")]) from None
    except (ValueError, RecursionError):
        raise ValidationError([Problem(field, "has a number too long or nesting too deep to read")]) from None


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

    def storyboard_quote(storyboard_json: str) -> dict[str, Any]:
        """Split a storyboard into clips and price it, before anything runs."""
        try:
            board = _storyboard(storyboard_json)
            clips, price = plan(board), quote_board(board)
        except StudioError as exc:
            raise friendly(exc) from None
        return {"key": board.key, "seconds": board.seconds, "clips": [c.seconds for c in clips], **price.as_json()}

    def run_storyboard(owner_key: str, storyboard_json: str, api_key: str = "") -> dict[str, Any]:
        """Start or resume a storyboard (finished clips are never paid again)."""
        if not owner_key.strip():
            raise gr.Error("owner_key: give a private random string; your jobs are listed under it")
        try:
            board = _storyboard(storyboard_json)
            run_id = manager.run_storyboard(board, owner_key, visitor_token=api_key or None)
        except StudioError as exc:
            raise friendly(exc) from None
        return {"run_id": run_id, "total_usd": quote_board(board).as_json()["total_usd"]}

    def storyboard_status(owner_key: str, run_id: str) -> dict[str, Any]:
        """Clip k of n, and the stitched file when done."""
        state = manager.storyboard_state(owner_key, run_id)
        if state is None:
            raise gr.Error("run_id: no such storyboard in this session")
        return state

    def run_variants(owner_key: str, model_id: str, request_json: str, by: str, values_json: str, api_key: str = "") -> list[dict[str, Any]]:
        """2-8 versions of one request: by "tier" (list of tiers), "prompt" (list of prompts), "seed" or "takes" (a number)."""
        try:
            endpoint, request = _parse(model_id, request_json)
            values = json.loads(values_json)
            makers = {"tier": lambda: by_tier(endpoint, request, values), "prompt": lambda: by_prompt(endpoint, request, values),
                      "seed": lambda: by_seed(endpoint, request, values), "takes": lambda: takes(endpoint, request, int(values))}
            if by not in makers:
                raise ValidationError([Problem("by", "choose tier, prompt, seed or takes")])
            variants = makers[by]()
            records = [manager.submit_request(v.endpoint, v.request, owner_key, visitor_token=api_key or None, label=v.label) for v in variants]
        except (json.JSONDecodeError, TypeError, ValueError) as exc:
            if isinstance(exc, StudioError):
                raise friendly(exc) from None
            raise gr.Error(f"values_json: {exc}") from None
        except StudioError as exc:
            raise friendly(exc) from None
        return [job_summary(r) | {"variant": v.label} for v, r in zip(variants, records)]

    def export_recipe(owner_key: str, job_id: str) -> dict[str, Any]:
        """One of this owner's jobs as a recipe (never a token)."""
        record = manager.job(owner_key, job_id)
        if record is None:
            raise gr.Error("job_id: no such job in this session")
        return job_recipe(record)

    gr.api(storyboard_quote, api_name="storyboard_quote")
    gr.api(run_storyboard, api_name="run_storyboard")
    gr.api(storyboard_status, api_name="storyboard_status", concurrency_limit=None)
    gr.api(run_variants, api_name="run_variants", concurrency_limit=8)
    gr.api(export_recipe, api_name="export_recipe")
    gr.api(quote, api_name="quote")
    gr.api(submit_request, api_name="submit_request", concurrency_limit=16)
    gr.api(list_jobs, api_name="list_jobs", concurrency_limit=None)
    gr.api(cancel_job, api_name="cancel_job")
