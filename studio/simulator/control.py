"""Test-control endpoints under ``/_sim/``: no auth, never logged, never faulted.

``GET /_sim/log`` (``?since=SEQ&op=OP``), ``GET|POST /_sim/faults`` (replace the rule list),
``GET|POST /_sim/config`` (change fields), ``GET /_sim/jobs``, ``POST /_sim/jobs/{id}/freeze``
(``{"state": ..., "error": ...}``), ``POST /_sim/jobs/{id}/release`` and ``POST /_sim/reset``
(jobs, faults, log and config back to the start). Only scripts and tests use these; the
studio never does.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from studio.simulator.jobs import UnknownJob
from studio.simulator.replies import sim

__all__ = ["routes"]


def _bad(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _json(request: Request) -> Any:
    raw = await request.body()
    return json.loads(raw) if raw.strip() else None


async def get_log(request: Request) -> Response:
    q = request.query_params
    try:
        since = int(q.get("since", "0"))
    except ValueError:
        return _bad("since must be an integer")
    entries = sim(request).log.as_json(since=since, op=q.get("op") or None)
    return JSONResponse({"entries": entries})


async def get_faults(request: Request) -> Response:
    return JSONResponse({"rules": sim(request).faults.as_json()})


async def set_faults(request: Request) -> Response:
    try:
        data = await _json(request)
        rules = data.get("rules", []) if isinstance(data, dict) else (data or [])
        if not isinstance(rules, list):
            raise ValueError("send a list of rules, or {\"rules\": [...]}")
        sim(request).faults.set(rules)
    except (ValueError, TypeError) as exc:
        return _bad(str(exc))
    return await get_faults(request)


async def get_config(request: Request) -> Response:
    return JSONResponse({"config": sim(request).config.as_json()})


async def set_config(request: Request) -> Response:
    state = sim(request)
    try:
        changes = await _json(request) or {}
        if not isinstance(changes, dict):
            raise ValueError("send a JSON object of config fields")
        state.set_config(state.config.with_changes(**changes))
    except (ValueError, TypeError) as exc:
        return _bad(str(exc))
    return await get_config(request)


async def list_jobs(request: Request) -> Response:
    store = sim(request).store
    now = store.now()
    return JSONResponse({"jobs": [job.as_json(now) for job in store.jobs()]})


async def freeze(request: Request) -> Response:
    store = sim(request).store
    try:
        data = await _json(request) or {}
        if not isinstance(data, dict) or not isinstance(data.get("state"), str):
            raise ValueError('send {"state": "in_queue" | "in_progress" | "completed" | "failed" | "cancelled"}')
        error = data.get("error")
        job = await run_in_threadpool(store.freeze, request.path_params["request_id"], data["state"], error)
    except UnknownJob:
        return _bad("no such job", 404)
    except (ValueError, TypeError, TimeoutError) as exc:
        return _bad(str(exc))
    return JSONResponse(job.as_json(store.now()))


async def release(request: Request) -> Response:
    store = sim(request).store
    try:
        job = store.release(request.path_params["request_id"])
    except UnknownJob:
        return _bad("no such job", 404)
    return JSONResponse(job.as_json(store.now()))


async def reset(request: Request) -> Response:
    state = sim(request)
    state.store.reset()
    state.faults.clear()
    state.log.clear()
    state.set_config(state.initial_config)
    return JSONResponse({"reset": True})


def routes() -> list[Route]:
    """The ``/_sim/`` routes."""
    return [
        Route("/_sim/log", get_log, methods=["GET"]),
        Route("/_sim/faults", get_faults, methods=["GET"]),
        Route("/_sim/faults", set_faults, methods=["POST"]),
        Route("/_sim/config", get_config, methods=["GET"]),
        Route("/_sim/config", set_config, methods=["POST"]),
        Route("/_sim/jobs", list_jobs, methods=["GET"]),
        Route("/_sim/jobs/{request_id}/freeze", freeze, methods=["POST"]),
        Route("/_sim/jobs/{request_id}/release", release, methods=["POST"]),
        Route("/_sim/reset", reset, methods=["POST"]),
    ]
