"""Running the simulator: :class:`SimulatorServer` (uvicorn in a daemon thread) and :func:`main`.

``SimulatorServer(...).start()`` binds a real TCP socket (port 0 picks a free one), serves the
app from :func:`studio.simulator.app.create_app` and returns once connections are accepted;
``.base_url`` and ``.api_base`` say where. A ticker thread moves jobs along the clock even when
nobody polls, so renders start when a job enters ``in_progress``. In-process tests reach the
parts directly: ``.store``, ``.faults``, ``.log``, ``.config`` / :meth:`~SimulatorServer.set_config`.
:func:`main` serves in the foreground for ``python -m studio simulator``.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from studio.simulator.app import SimulatorApp, create_app
from studio.simulator.config import SimulatorConfig
from studio.simulator.faults import FaultBook
from studio.simulator.jobs import JobStore
from studio.simulator.requestlog import RequestLog

__all__ = ["SimulatorServer", "main", "add_arguments", "DEFAULT_PORT"]

DEFAULT_PORT = 8765  # for the foreground command; tests use port 0
START_TIMEOUT = 10.0  # seconds start() waits for uvicorn to accept connections
TICK_SECONDS = 0.05  # how often the ticker moves jobs along the clock


class SimulatorServer:
    """A real local RunComfy-compatible HTTP server, for tests and for offline use."""

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        data_dir: Path | str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: tuple[Path | str, Path | str] | None = None,
    ) -> None:
        """``tls``: (certificate file, key file) to serve https:// instead of http://."""
        self._own_dir = data_dir is None
        self.tls = tls
        self.data_dir = Path(tempfile.mkdtemp(prefix="kling-sim-") if data_dir is None else data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.host, self.port = host, port
        config = config or SimulatorConfig()
        self.store = JobStore(config, self.data_dir)
        self.faults = FaultBook()
        self.log = RequestLog()
        self.app: SimulatorApp = create_app(config, self.store, self.faults, self.log)
        self._server: Any = None  # a uvicorn.Server while running
        self._thread: threading.Thread | None = None
        self._ticker: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- where -------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://HOST:PORT``, or ``https://`` when serving TLS (after :meth:`start`)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    @property
    def api_base(self) -> str:
        """The Model API base, ``base_url + "/v1"``."""
        return f"{self.base_url}/v1"

    @property
    def account_base(self) -> str:
        """The balance API base, ``base_url + "/prod/v2"``."""
        return f"{self.base_url}/prod/v2"

    @property
    def token(self) -> str:
        """The bearer token the simulator accepts."""
        return self.config.token

    # -- config ------------------------------------------------------------------------
    @property
    def config(self) -> SimulatorConfig:
        """The current config (change it with :meth:`set_config`)."""
        return self.app.state.sim.config

    def set_config(self, config: SimulatorConfig | None = None, **changes: Any) -> SimulatorConfig:
        """Replace the config (or change some of its fields); returns the new config."""
        new = (config or self.config).with_changes(**changes)
        self.app.state.sim.set_config(new)
        return new

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> SimulatorServer:
        """Bind, serve in a daemon thread, and return once connections are accepted."""
        if self._thread is not None:
            return self
        import uvicorn  # lazily: building the parser for other commands must not load it

        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP
        # (with proto 0, every answer waits out a 40 ms delayed ACK).
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            http="h11",
            lifespan="off",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=1,
            ssl_certfile=str(self.tls[0]) if self.tls else None,
            ssl_keyfile=str(self.tls[1]) if self.tls else None,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="sim-uvicorn", daemon=True
        )
        self._thread.start()
        self._stopping.clear()
        self._ticker = threading.Thread(target=self._tick, name="sim-ticker", daemon=True)
        self._ticker.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the simulator did not start on {self.host}:{self.port}")
            time.sleep(0.01)
        self.store.resume_renders()
        return self

    def _tick(self) -> None:
        while not self._stopping.wait(TICK_SECONDS):
            self.store.advance()

    def stop(self) -> None:
        """Stop serving, stop the workers and (if it made one) delete the data dir."""
        self._stopping.set()
        if self._server is not None:
            self._server.should_exit = True
        for thread in (self._thread, self._ticker):
            if thread is not None:
                thread.join(timeout=10)
        self._thread = self._ticker = self._server = None
        self.store.shutdown()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The foreground command's options."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any free)")
    parser.add_argument("--queue-seconds", type=float, default=SimulatorConfig.queue_seconds, metavar="S")
    parser.add_argument("--run-seconds", type=float, default=SimulatorConfig.run_seconds, metavar="S")
    parser.add_argument("--token", default=SimulatorConfig.token, help="the bearer token to accept")
    parser.add_argument("--data-dir", type=Path, default=None, help="where rendered videos go (default: a temp dir)")
    parser.add_argument("--no-render", action="store_true", help="serve one tiny MP4 instead of rendering")
    parser.add_argument("--tls-cert", type=Path, default=None, metavar="PEM", help="serve https:// with this certificate (with --tls-key)")
    parser.add_argument("--tls-key", type=Path, default=None, metavar="PEM", help="the certificate's private key")


def serve(args: argparse.Namespace) -> int:
    """Serve in the foreground until Ctrl-C; print the base URL and token first."""
    try:
        config = SimulatorConfig(
            token=args.token,
            queue_seconds=args.queue_seconds,
            run_seconds=args.run_seconds,
            render=not args.no_render,
        )
        if (args.tls_cert is None) != (args.tls_key is None):
            raise ValueError("--tls-cert and --tls-key go together")
        tls = (args.tls_cert, args.tls_key) if args.tls_cert else None
        server = SimulatorServer(config, data_dir=args.data_dir, host=args.host, port=args.port, tls=tls).start()
    except (ValueError, OSError, RuntimeError) as exc:
        print(f"simulator: {exc}", file=sys.stderr)
        return 69  # EX_UNAVAILABLE
    # The handlers go in before the ready line is printed: whoever waits for that line (a test,
    # a supervisor) may signal the moment it reads it, and the server must then stop cleanly.
    # SIGINT is set too, not left to Python's default: a process started from a background job
    # of a non-interactive shell inherits SIGINT ignored, and Ctrl-C would not stop it.
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(f"RunComfy simulator at {server.base_url}", flush=True)
        print(f"  model API base: {server.api_base}", flush=True)
        print(f"  balance base:   {server.account_base}", flush=True)
        print(f"  token:          {server.token}", flush=True)
        print("Ctrl-C stops it.", flush=True)
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stop()
    return 0


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m studio.simulator [--host H] [--port N] ...``: serve until Ctrl-C (or SIGTERM)."""
    parser = argparse.ArgumentParser(
        prog="python -m studio simulator", description="Serve the local RunComfy simulator until Ctrl-C."
    )
    add_arguments(parser)
    return serve(parser.parse_args(argv))

