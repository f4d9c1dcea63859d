"""The studio's programmatic twin: JSON endpoints for the Gradio client, beside the UI.

``gradio_client.Client(url).predict(..., api_name="/submit_request")`` and friends do what the
page does, with the same owner isolation: every call names the caller's owner key, and only
that owner's jobs are listed, cancelled or returned. Requests are JSON in either vocabulary.
Every argument is bounded (:mod:`studio.domain.bounds`) before anything is parsed or built, and one
call submits at most eight paid jobs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import gradio as gr

from studio.domain import bounds
from studio.domain.catalog import find_endpoint
from studio.domain.payload import request_from_input
from studio.domain.pricing import quote_request
from studio.domain.recipes import job_recipe, read_recipe
from studio.domain.storyboard import Storyboard, plan, storyboard_from_json
from studio.domain.storyboard import quote as quote_board
from studio.domain.variants import Variant, by_prompt, by_seed, by_tier, takes
from studio.errors import Problem, ValidationError
from studio.jobs.journal import JobRecord
from studio.jobs.manager import JobManager, owner_id
from studio.ui.choices import TIER_KEYS
from studio.ui.media import MediaSigner
from studio.ui.messages import refusing

__all__ = ["register_api", "job_summary"]


def job_summary(record: JobRecord) -> dict[str, Any]:
    """A job as the API shows it: never the owner, never a token."""
    return {**record.summary(), "request": record.request, "has_video": bool(record.files)}


def _parse(model_id: Any, request_json: Any) -> tuple[Any, Any]:
    name = bounds.optional_text(model_id, "model_id", bounds.MAX_ID_CHARS)
    endpoint = find_endpoint(name)
    if endpoint is None:
        raise ValidationError([Problem("model_id", f"{bounds.shown(name)} is not a Kling 3.0 endpoint")])
    data = _load_json(request_json, "request_json", bounds.MAX_REQUEST_JSON_CHARS)
    return endpoint, request_from_input(data, endpoint)


def _storyboard(text: Any) -> Storyboard:
    data = _load_json(text, "storyboard_json", bounds.MAX_STORYBOARD_JSON_CHARS)
    found = read_recipe(data) if isinstance(data, dict) and "kind" in data else storyboard_from_json(data)
    if not isinstance(found, Storyboard):
        raise ValidationError([Problem("storyboard_json", "this recipe is a single job; use /submit_request")])
    return found


def _load_json(text: Any, field: str, max_chars: int) -> Any:
    """Parsed JSON, or ValidationError naming ``field`` (not text, too long, bad syntax, deep nesting)."""
    text = bounds.optional_text(text, field, max_chars)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError([Problem(field, f"is not valid JSON ({exc.msg} at column {exc.colno})")]) from None
    except (ValueError, RecursionError):
        raise ValidationError([Problem(field, "has a number too long or nesting too deep to read")]) from None


def _visitor_key(api_key: Any) -> str | None:
    return bounds.optional_text(api_key, "api_key", 4096).strip() or None


def _variants(endpoint: Any, request: Any, by: Any, values_json: Any) -> list[Variant]:
    """The variants ``by`` and ``values_json`` ask for, bounded before any is built."""
    if by not in ("tier", "prompt", "seed", "takes"):
        raise ValidationError([Problem("by", "choose tier, prompt, seed or takes")])
    values = _load_json(values_json, "values_json", bounds.MAX_REQUEST_JSON_CHARS)
    if by == "takes":
        return takes(endpoint, request, bounds.whole_number(values, "values_json (takes)", 2, bounds.MAX_JOBS_PER_ACTION))
    if not isinstance(values, list):
        raise ValidationError([Problem("values_json", f"must be a JSON list of {by}s, for example " + _EXAMPLES[by])])
    makers: dict[str, Callable[[Any, Any, list[Any]], list[Variant]]] = {"tier": by_tier, "prompt": by_prompt, "seed": by_seed}
    return makers[by](endpoint, request, values)


_EXAMPLES = {"tier": json.dumps(list(TIER_KEYS[:2])), "prompt": '["wide shot, dawn", "close-up, dusk"]', "seed": "[1, 2]"}


def _storyboard_api(manager: JobManager, signer: MediaSigner) -> None:
    """Price, start or resume a storyboard, and follow it (its film at a signed URL)."""

    def storyboard_quote(storyboard_json: str) -> dict[str, Any]:
        """Split a storyboard into clips and price it, before anything runs."""
        board = _storyboard(storyboard_json)
        clips, price = plan(board), quote_board(board)
        return {"key": board.key, "seconds": board.seconds, "clips": [c.seconds for c in clips], **price.as_json()}

    def run_storyboard(owner_key: str, storyboard_json: str, api_key: str = "") -> dict[str, Any]:
        """Start or resume a storyboard (finished clips are never paid again)."""
        owner, visitor = bounds.owner_key(owner_key), _visitor_key(api_key)
        board = _storyboard(storyboard_json)
        run_id = manager.run_storyboard(board, owner, visitor_token=visitor)
        return {"run_id": run_id, "total_usd": quote_board(board).as_json()["total_usd"]}

    def storyboard_status(owner_key: str, run_id: str) -> dict[str, Any]:
        """Clip k of n, and the stitched file when done."""
        owner, run = bounds.owner_key(owner_key), bounds.identifier(run_id, "run_id")
        state = manager.storyboard_state(owner, run)
        if state is None:
            raise ValidationError([Problem("run_id", "no such storyboard in this session")])
        # The film is served to its owner at a signed URL; the answer never names a server path.
        if state.pop("file", None):
            state["video_url"] = f"/studio/story/{run}?sig={signer.signature(run, owner_id(owner))}"
        return state

    gr.api(refusing(storyboard_quote), api_name="storyboard_quote")
    gr.api(refusing(run_storyboard), api_name="run_storyboard")
    gr.api(refusing(storyboard_status), api_name="storyboard_status", concurrency_limit=None)


def _variants_api(manager: JobManager) -> None:
    """Several versions of one request at once, and a job as a recipe."""

    def run_variants(owner_key: str, model_id: str, request_json: str, by: str, values_json: str, api_key: str = "") -> list[dict[str, Any]]:
        """2-8 versions of one request: by "tier" (JSON list of tiers), "prompt" (JSON list of prompts), "seed" (JSON list) or "takes" (a number)."""
        owner, visitor = bounds.owner_key(owner_key), _visitor_key(api_key)
        endpoint, request = _parse(model_id, request_json)
        variants = _variants(endpoint, request, by, values_json)
        records = [manager.submit_request(v.endpoint, v.request, owner, visitor_token=visitor, label=v.label) for v in variants]
        return [job_summary(r) | {"variant": v.label} for v, r in zip(variants, records, strict=True)]

    def export_recipe(owner_key: str, job_id: str) -> dict[str, Any]:
        """One of this owner's jobs as a recipe (never a token)."""
        record = manager.job(bounds.owner_key(owner_key), bounds.identifier(job_id, "job_id"))
        if record is None:
            raise ValidationError([Problem("job_id", "no such job in this session")])
        return job_recipe(record)

    gr.api(refusing(run_variants), api_name="run_variants", concurrency_limit=manager.settings.ui_concurrency)
    gr.api(refusing(export_recipe), api_name="export_recipe")


def _jobs_api(manager: JobManager) -> None:
    """Price a request, submit it, list this owner's jobs and cancel one."""

    def quote(model_id: str, request_json: str, takes: int = 1) -> dict[str, Any]:
        """The price of a request before paying (takes: 1-8), at the rates a submit would use."""
        endpoint, request = _parse(model_id, request_json)
        count = bounds.whole_number(takes, "takes", 1, bounds.MAX_JOBS_PER_ACTION)
        live = manager.live_endpoint(endpoint)
        return {"model_id": endpoint.model_id, **quote_request(request, live, variants=count).as_json()}

    def submit_request(owner_key: str, model_id: str, request_json: str, api_key: str = "") -> dict[str, Any]:
        """Submit one job (images as https URLs); returns the job."""
        owner = bounds.owner_key(owner_key)
        visitor = _visitor_key(api_key)
        endpoint, request = _parse(model_id, request_json)
        record = manager.submit_request(endpoint, request, owner, visitor_token=visitor)
        return job_summary(record) | {"quote_usd": record.quote_usd}

    def list_jobs(owner_key: str) -> list[dict[str, Any]]:
        """This owner's jobs, newest first (an empty key lists nothing)."""
        if owner_key is None or owner_key == "":
            return []
        return [job_summary(r) for r, _ in manager.jobs(bounds.owner_key(owner_key))]

    def cancel_job(owner_key: str, job_id: str, api_key: str = "") -> str:
        """Cancel a queued job of this owner; says so when it is already running."""
        owner, job = bounds.owner_key(owner_key), bounds.identifier(job_id, "job_id")
        return manager.cancel(owner, job, _visitor_key(api_key))

    gr.api(refusing(quote), api_name="quote")
    gr.api(refusing(submit_request), api_name="submit_request", concurrency_limit=manager.settings.submit_concurrency)
    gr.api(refusing(list_jobs), api_name="list_jobs", concurrency_limit=None)
    gr.api(refusing(cancel_job), api_name="cancel_job")


def register_api(manager: JobManager, signer: MediaSigner) -> None:
    """Add the JSON endpoints to the Blocks being built. Every value is bounded before use.

    The groups register in this order, which is the order of the page's API endpoints."""
    _storyboard_api(manager, signer)
    _variants_api(manager)
    _jobs_api(manager)
