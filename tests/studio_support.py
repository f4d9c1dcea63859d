"""A studio (the real client) pointed at a module's simulator; the fixtures are in conftest.py.

A module using them declares ``SIM_CONFIG = QUICK``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from studio.client.credentials import Token
from studio.config import Settings
from studio.jobs.service import Studio
from studio.simulator import SimulatorConfig, SimulatorServer

from .conftest import PUBLISHED_CATALOG

SIM_TOKEN = "sim-token"
# The simulator timing of the studio-level tests (the module's SIM_CONFIG; conftest builds and resets to it).
QUICK = SimulatorConfig(queue_seconds=0.3, run_seconds=0.3, render=False)


def settings_for(server: SimulatorServer, data_dir: Path, **changes: Any) -> Settings:
    base = dict(
        api_base=server.api_base,
        account_base=f"{server.base_url}/prod/v2",
        data_dir=data_dir,
        extra_download_hosts=("127.0.0.1",),
        poll_interval=0.05,
        backoff_base=0.01,
    )
    return Settings(**{**base, **changes})


def studio_for(server: SimulatorServer, data_dir: Path, **changes: Any) -> Studio:
    return Studio(settings_for(server, data_dir, **changes), Token(SIM_TOKEN, "test"))


def studio_env(server: SimulatorServer, home: Path, **extra: str) -> dict[str, str]:
    """The variables that point ``python -m studio`` at the simulator, with ``home`` as STUDIO_HOME."""
    return {
        "RUNCOMFY_MODEL_API_BASE": server.api_base,
        "RUNCOMFY_SERVERLESS_API_BASE": f"{server.base_url}/prod/v2",
        "RUNCOMFY_TOKEN": SIM_TOKEN,
        "STUDIO_EXTRA_DOWNLOAD_HOSTS": "127.0.0.1",
        "STUDIO_HOME": str(home),
        "STUDIO_POLL_SECS": "0.05",
        "STUDIO_BACKOFF_BASE": "0.01",
        **extra,
    }


def cli_env(monkeypatch, server: SimulatorServer, home: Path, **extra: str) -> None:
    """Point ``python -m studio`` in this process at the simulator."""
    for k, v in studio_env(server, home, **extra).items():
        monkeypatch.setenv(k, v)


def child_env(server: SimulatorServer, home: Path, **extra: str) -> dict[str, str]:
    """The environment of a ``python -m studio`` child process pointed at the simulator."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("RUNCOMFY_", "STUDIO_", "GRADIO_"))}
    return inherited | {"STUDIO_SIM_CATALOG": str(PUBLISHED_CATALOG)} | studio_env(server, home, **extra)


def submits(server: SimulatorServer) -> int:
    return sum(1 for e in server.log.entries(op="submit") if e.method == "POST")


def downloads_carried_token(server: SimulatorServer) -> bool:
    return any(e.authorization for e in server.log.entries(op="download"))


@contextmanager
def served(studio: Studio, timeout: float = 30.0) -> Iterator[tuple[str, Any]]:
    """The browser studio (``create_server(studio)``) under uvicorn in a thread on a free
    loopback port: its base URL and the server; stopped and closed after."""
    import uvicorn

    from studio.ui import create_server

    server = create_server(studio)
    web = uvicorn.Server(uvicorn.Config(server.app, host="127.0.0.1", port=0, log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not web.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        if not web.started:
            raise RuntimeError("the studio did not start serving")
        yield f"http://127.0.0.1:{web.servers[0].sockets[0].getsockname()[1]}", server
    finally:
        web.should_exit = True
        thread.join(10)
        server.close()
