"""Recipes: a job or a storyboard as JSON, to reproduce or edit. Never contains a token.

A job recipe is ``{"kind": "kling-studio/job", "version": 1, "model_id": …, "request": …}``
with the request in the studio's own vocabulary; a storyboard recipe is
``{"kind": "kling-studio/storyboard", "version": 1, "storyboard": …}``. Reading one validates it
fully and names every bad field. The gallery's "reuse settings" goes through the same format.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from studio.domain.catalog import Endpoint, find_endpoint
from studio.domain.models import GenerationRequest
from studio.domain.payload import request_from_input
from studio.domain.storyboard import Storyboard, storyboard_from_json
from studio.errors import Problem, ValidationError

if TYPE_CHECKING:  # a journal row is read, never imported at run time: the domain sits below the jobs
    from studio.jobs.journal import JobRecord

__all__ = ["JOB_KIND", "STORYBOARD_KIND", "VERSION", "job_recipe", "storyboard_recipe", "read_recipe", "read_recipe_text"]

JOB_KIND = "kling-studio/job"
STORYBOARD_KIND = "kling-studio/storyboard"
VERSION = 1


def job_recipe(record: JobRecord) -> dict[str, Any]:
    """A journal job as a recipe (its request, model and quote; no owner, no token)."""
    return {"kind": JOB_KIND, "version": VERSION, "model_id": record.model_id, "request": dict(record.request), "quote_usd": record.quote_usd}


def storyboard_recipe(board: Storyboard) -> dict[str, Any]:
    """A storyboard as a recipe."""
    return {"kind": STORYBOARD_KIND, "version": VERSION, "storyboard": board.as_json()}


def read_recipe(data: Any) -> tuple[Endpoint, GenerationRequest] | Storyboard:
    """The job (endpoint and request) or storyboard a recipe describes; raises ValidationError."""
    if not isinstance(data, dict):
        raise ValidationError([Problem("recipe", "must be a JSON object with a kind")])
    kind, version = data.get("kind"), data.get("version")
    if version != VERSION:
        raise ValidationError([Problem("version", f"{version!r} is not a recipe version this studio reads ({VERSION})")])
    if kind == STORYBOARD_KIND:
        return storyboard_from_json(data.get("storyboard"))
    if kind != JOB_KIND:
        raise ValidationError([Problem("kind", f"{kind!r} is not {JOB_KIND!r} or {STORYBOARD_KIND!r}")])
    unknown = [k for k in data if k not in ("kind", "version", "model_id", "request", "quote_usd")]
    if unknown:
        raise ValidationError([Problem(k or "\"\"", "unknown field in a recipe") for k in unknown])
    endpoint = find_endpoint(str(data.get("model_id", "")))
    if endpoint is None:
        raise ValidationError([Problem("model_id", f"{data.get('model_id')!r} is not a Kling 3.0 endpoint")])
    return endpoint, request_from_input(data.get("request"), endpoint)


def read_recipe_text(text: str) -> tuple[Endpoint, GenerationRequest] | Storyboard:
    """:func:`read_recipe` on the text of a recipe file; raises ValidationError, also for text that is not JSON."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, json.JSONDecodeError):
            reason = f"not JSON: the first error is at line {exc.lineno}, column {exc.colno}"
        else:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else "a number too long to read"
        raise ValidationError([Problem("recipe", f"this file is not a JSON recipe ({reason})")]) from None
    return read_recipe(data)
