"""A local RunComfy-compatible Model API server: the studio's test double and offline default.

It speaks the protocol of ``shared/docs/runcomfy-api.md`` over real HTTP (Starlette + uvicorn):
submit, status, result, cancel, catalog, balance and result-file downloads, with configurable
protocol variants (:class:`SimulatorConfig`), fault injection (:class:`FaultBook`), a request
log (:class:`RequestLog`) and clock-driven jobs that render real MP4 previews
(:class:`JobStore`). Start one with ``SimulatorServer(config).start()`` or
``python -m studio simulator``. It shares no client code with the studio (no httpx, no
``studio.domain.validation``); only the catalog's schemas and prices.
"""

from __future__ import annotations

from studio.simulator.app import SimulatorApp, create_app
from studio.simulator.config import SimulatorConfig
from studio.simulator.faults import FaultBook, FaultRule
from studio.simulator.jobs import Job, JobStore
from studio.simulator.requestlog import LogEntry, RequestLog
from studio.simulator.server import SimulatorServer, main

__all__ = [
    "SimulatorConfig",
    "SimulatorServer",
    "SimulatorApp",
    "create_app",
    "FaultBook",
    "FaultRule",
    "Job",
    "JobStore",
    "LogEntry",
    "RequestLog",
    "main",
]
