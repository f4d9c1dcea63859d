"""Helpers for the simulator tests (real server, plain httpx clients); the fixtures are in conftest.py.

A module using them declares ``SIM_CONFIG = FAST``.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from typing import Any

import httpx

from studio.simulator import SimulatorConfig

TOKEN = "sim-token"
OTHER = "other-token"
T2V = "kling/kling-3.0/pro/text-to-video"
I2V = "kling/kling-3.0/standard/image-to-video"
I2V_PRO = "kling/kling-3.0/pro/image-to-video"  # the image-to-video tiers with an end image
T2V_4K = "kling/kling-3.0/4k/text-to-video"
# The simulator timing of the HTTP-level tests (the module's SIM_CONFIG; conftest builds and resets to it).
FAST = SimulatorConfig(queue_seconds=0.2, run_seconds=0.2, render=False, extra_tokens=(OTHER,))
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def submit(api: httpx.Client, body: dict[str, Any] | None = None, model: str = T2V) -> dict[str, Any]:
    response = api.post(f"/v1/models/{model}", json={"prompt": "a lighthouse at dusk", "duration": 3} if body is None else body)
    assert response.status_code == 200, response.text
    return response.json()


def wait_until(check: Callable[[], Any], timeout: float = 5.0, interval: float = 0.03) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (last value {value!r})")
        time.sleep(interval)


def status_of(api: httpx.Client, request_id: str) -> dict[str, Any]:
    response = api.get(f"/v1/requests/{request_id}/status")
    assert response.status_code == 200, response.text
    return response.json()


def wait_status(api: httpx.Client, request_id: str, *wanted: str, timeout: float = 5.0) -> dict[str, Any]:
    return wait_until(lambda: (s := status_of(api, request_id))["status"] in wanted and s, timeout)


def sim_job(anon: httpx.Client, request_id: str) -> dict[str, Any] | None:
    jobs = anon.get("/_sim/jobs").json()["jobs"]
    return next((j for j in jobs if j["request_id"] == request_id), None)


def finish(anon: httpx.Client, request_id: str) -> dict[str, Any]:
    """Jump a job straight to ``completed`` (its file rendered) through the control API."""
    response = anon.post(f"/_sim/jobs/{request_id}/freeze", json={"state": "completed"})
    assert response.status_code == 200 and response.json()["state"] == "completed", response.text
    return response.json()


def free_port() -> int:
    """A loopback port nothing listens on (free when asked)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_process(proc: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if it has not ended within ``timeout`` seconds; waits either way."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout)
