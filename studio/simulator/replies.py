"""What every simulator route shares: the state object, RunComfy's error body and the token check.

Errors have RunComfy's shape ``{"error_code": int, "error_message": str, "detail": [...]}``.
A missing or wrong token gets HTTP 401 (``error_code`` 401001) or, in the documented
alternative style, HTTP 400 with ``error_code`` 400004 (UserAccountError); an unknown model id
gets 404 (404001) or 400 (400001). No route logic lives here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from studio.simulator.config import SimulatorConfig
from studio.simulator.faults import FaultBook
from studio.simulator.jobs import JobStore
from studio.simulator.requestlog import RequestLog

__all__ = ["SimState", "sim", "error", "authorize", "bad_model", "fault_kind"]


@dataclass
class SimState:
    """What the routes share: the current config, the jobs, the fault rules and the log."""

    config: SimulatorConfig
    store: JobStore
    faults: FaultBook
    log: RequestLog
    initial_config: SimulatorConfig

    def set_config(self, config: SimulatorConfig) -> None:
        """Switch every part of the simulator to ``config``."""
        self.config = config
        self.store.config = config


def sim(request: Request) -> SimState:
    """The simulator state of the app serving ``request``."""
    state: SimState = request.app.state.sim
    return state


def error(status: int, code: int, message: str, detail: list[Any] | None = None, **headers: str) -> JSONResponse:
    """RunComfy's error body: ``{"error_code", "error_message", "detail"}``."""
    body = {"error_code": code, "error_message": message, "detail": detail or []}
    return JSONResponse(body, status_code=status, headers=headers or None)


def authorize(request: Request) -> str | Response:
    """The caller's token, or the configured 401 / 400004 answer."""
    cfg = sim(request).config
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and cfg.accepts(token):
        return token
    why = "missing Authorization header" if "authorization" not in request.headers else "invalid or expired token"
    if cfg.auth_error_style == "400004":
        return error(400, 400004, f"UserAccountError: {why}")
    return error(401, 401001, f"Unauthorized: {why}", None, **{"WWW-Authenticate": "Bearer"})


def bad_model(request: Request, model_id: str) -> JSONResponse:
    """The configured answer for an unknown model id."""
    if sim(request).config.bad_model_style == "400001":
        return error(400, 400001, f"InvalidResourceIdentifier: unknown model_id {model_id!r}")
    return error(404, 404001, f"model {model_id!r} not found")


def fault_kind(request: Request) -> str | None:
    """The kind of the fault the gateway picked for this call, if any."""
    rule = (request.scope.get("sim") or {}).get("fault")
    return rule.kind if rule is not None else None
