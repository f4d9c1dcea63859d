"""The simulated RunComfy Model API as a Starlette app: :func:`create_app`.

Routes follow ``shared/docs/runcomfy-api.md`` §2–§4: submit, status, result, cancel, the
catalog and the balance, every one behind ``Authorization: Bearer <token>``, with RunComfy's
error bodies (``error_code``, ``error_message``, ``detail``). Result files are served by
:mod:`studio.simulator.files`, uploaded input images by :mod:`studio.simulator.uploads`, test
controls by :mod:`studio.simulator.control`, and logging and transport faults by
:mod:`studio.simulator.gateway`, which wraps the whole app. Job timing
lives in :mod:`studio.simulator.jobs`; this module only speaks the protocol.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from studio.domain.catalog import ENDPOINTS, Endpoint
from studio.simulator import catalog_routes, control, files, uploads
from studio.simulator.catalog_source import catalog_entry
from studio.simulator.config import SimulatorConfig
from studio.simulator.faults import FaultBook
from studio.simulator.gateway import Gateway
from studio.simulator.jobs import Job, JobStore, NotOwner, UnknownJob, job_cost
from studio.simulator.replies import (
    SimState,
    authorize,
    bad_model,
    error,
    fault_kind,
    sim,
)
from studio.simulator.requestlog import RequestLog
from studio.simulator.schema_check import check_body, problem

__all__ = ["SimulatorApp", "create_app"]


def _api_base(request: Request) -> str:
    return sim(request).config.api_base_url or str(request.base_url).rstrip("/")


def _urls(request: Request, request_id: str) -> dict[str, str]:
    base = f"{_api_base(request)}/v1/requests/{request_id}"
    return {"status_url": f"{base}/status", "result_url": f"{base}/result", "cancel_url": f"{base}/cancel"}


def _endpoint(model_id: str) -> Endpoint | None:
    return next((e for e in ENDPOINTS if e.model_id == model_id), None)


def _iso(t: float | None) -> str | None:
    return None if t is None else datetime.fromtimestamp(t, UTC).isoformat(timespec="microseconds")


async def submit(request: Request) -> Response:
    """``POST /v1/models/{model_id}``: validate the bare JSON body and queue a job."""
    token = authorize(request)
    if isinstance(token, Response):
        return token
    state, model_id, fault = sim(request), request.path_params["model_id"], fault_kind(request)
    endpoint = _endpoint(model_id)
    entry = catalog_entry(model_id, state.config.catalog_file)
    if endpoint is None or entry is None or fault == "bad_model":
        return bad_model(request, model_id)
    schema = entry.get("input_schema") or {}
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError as exc:
        return error(422, 422001, "the body is not valid JSON", [problem([], str(exc), "json_invalid")])
    cfg = state.config
    if fault == "insufficient_balance":
        return _insufficient(cfg)
    problems = check_body(
        body,
        schema,
        strict=cfg.strict,
        allow_data_uris=cfg.allow_data_uris,
        http_image_hosts=cfg.http_image_hosts,
    )
    if problems:
        fields = ", ".join(".".join(str(p) for p in d["loc"][1:]) or "body" for d in problems)
        return error(422, 422001, f"input did not match the model's schema: {fields}", problems)
    if not cfg.strict:
        body = {k: v for k, v in body.items() if k in (schema.get("properties") or {})}
    if cfg.enforce_balance and job_cost(endpoint, body) > cfg.balance_usd - state.store.spent_usd:
        return _insufficient(cfg)
    job_fault = fault if fault in ("job_failed", "job_stuck") else None
    job = state.store.submit(endpoint, body, token, fault=job_fault)
    return JSONResponse({"request_id": job.request_id, **_urls(request, job.request_id)})


def _insufficient(cfg: SimulatorConfig) -> JSONResponse:
    message = "InsufficientResources: the account balance is too low for this request"
    return error(400 if cfg.insufficient_balance_style == "400002" else 402, 400002, message)


def _lookup(request: Request) -> tuple[str, Job] | Response:
    """The caller's token and the job the path names, or the error answer (401/403/404)."""
    token = authorize(request)
    if isinstance(token, Response):
        return token
    request_id = request.path_params["request_id"]
    try:
        return token, sim(request).store.get(request_id, token)
    except UnknownJob:
        return error(404, 404001, f"ResourceNotFound: request {request_id} is unknown or expired")
    except NotOwner:
        return error(403, 403001, f"PermissionDeniedError: request {request_id} belongs to another account")


def _status_word(job: Job, cfg: SimulatorConfig) -> str:
    return cfg.status_failure_spelling if job.state == "failed" else job.state


async def status(request: Request) -> Response:
    """``GET /v1/requests/{id}/status``."""
    found = _lookup(request)
    if isinstance(found, Response):
        return found
    _, job = found
    store, urls = sim(request).store, _urls(request, job.request_id)
    body: dict[str, Any] = {"request_id": job.request_id, "status": _status_word(job, store.config)}
    if job.state == "in_queue":
        body["queue_position"] = job.queue_position(store.now())
    if job.state == "in_progress" and job.instance_id:
        body["instance_id"] = job.instance_id
    body.update(status_url=urls["status_url"], result_url=urls["result_url"])
    return JSONResponse(body)


async def result(request: Request) -> Response:
    """``GET /v1/requests/{id}/result[?include_cost=true]``: 200 at any time."""
    found = _lookup(request)
    if isinstance(found, Response):
        return found
    _, job = found
    cfg = sim(request).config
    body: dict[str, Any] = {"request_id": job.request_id, "status": job.state}
    if job.state in ("in_queue", "in_progress"):
        return JSONResponse(body)
    body.update(model_id=job.model_id, created_at=_iso(job.submitted_at), finished_at=_iso(job.finished_at))
    if job.state == "completed":
        base = cfg.file_base_url or str(request.base_url).rstrip("/")
        url = f"{base}/files/{job.request_id}/{job.file_name}?sig={job.sig}"
        body["status"] = cfg.result_success_status
        body["output"] = {"video": {"video": url}, "videos": {"videos": [url]}, "url": url, "list": [url]}[cfg.output_shape]
        if request.query_params.get("include_cost", "").lower() in ("true", "1"):
            body["cost"] = job.cost_usd
    elif job.state == "failed":
        reason = job.error or "generation failed"
        if cfg.error_shape == "top_level":
            body.update(error_code=500001, error_message=reason)
        else:
            body["error"] = reason if cfg.error_shape == "string" else {"error_code": 500001, "error_message": reason}
    if cfg.echo_input:
        body["input"] = job.body
    return JSONResponse(body)


async def cancel(request: Request) -> Response:
    """``POST /v1/requests/{id}/cancel``: 202; only ``in_queue`` jobs are cancelled."""
    found = _lookup(request)
    if isinstance(found, Response):
        return found
    token, job = found
    store = sim(request).store
    job, outcome = store.cancel(job.request_id, token)
    body = {"request_id": job.request_id, "status": _status_word(job, store.config), "outcome": outcome}
    return JSONResponse(body, status_code=202)


async def balance(request: Request) -> Response:
    """``GET /prod/v2/balance``: the configured balance minus what finished jobs cost."""
    token = authorize(request)
    if isinstance(token, Response):
        return token
    state = sim(request)
    left = round(state.config.balance_usd - state.store.spent_usd, 6)
    return JSONResponse({"balance_usd": left, "currency": "USD"})


async def _not_found(request: Request, exc: Exception) -> Response:
    code = getattr(exc, "status_code", 404)
    return error(code, code * 1000 + 1, f"{request.method} {request.url.path}: {getattr(exc, 'detail', '')}")


class SimulatorApp(Starlette):
    """A Starlette app whose every request first passes the logging/fault :class:`Gateway`.

    The gateway runs before Starlette's own middleware so that it holds the server's original
    ``send`` and can really drop a connection. Shared state is ``app.state.sim``.
    """

    def __init__(self, state: SimState, routes: list[Route]) -> None:
        super().__init__(routes=routes, exception_handlers={HTTPException: _not_found})
        self.state.sim = state
        tokens = lambda: (state.config.token, *state.config.extra_tokens)  # noqa: E731
        self.gateway = Gateway(super().__call__, state.faults, state.log, tokens)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.gateway(scope, receive, send)


def create_app(config: SimulatorConfig, store: JobStore, faults: FaultBook, log: RequestLog) -> SimulatorApp:
    """The whole simulator as one Starlette app (see :class:`SimulatorApp`)."""
    store.config = config
    routes = [
        Route("/v1/models", catalog_routes.list_models, methods=["GET"]),
        Route("/v1/models/categories", catalog_routes.categories, methods=["GET"]),
        Route("/v1/models/{model_id:path}", submit, methods=["POST"]),
        Route("/v1/models/{model_id:path}", catalog_routes.one_model, methods=["GET"]),
        Route("/v1/requests/{request_id}/status", status, methods=["GET"]),
        Route("/v1/requests/{request_id}/result", result, methods=["GET"]),
        Route("/v1/requests/{request_id}/cancel", cancel, methods=["POST"]),
        Route("/prod/v2/balance", balance, methods=["GET"]),
        Route("/files/blob/{size:int}.bin", files.blob, methods=["GET"]),
        Route("/files/{request_id}/{name}", files.job_file, methods=["GET"]),
        Route("/uploads/{key}", uploads.put_upload, methods=["PUT"]),
        Route("/uploads/{key}", uploads.get_upload, methods=["GET", "HEAD"]),
        *control.routes(),
    ]
    return SimulatorApp(SimState(config, store, faults, log, initial_config=config), routes)
