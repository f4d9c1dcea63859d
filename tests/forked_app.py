"""``python app.py`` for the tests, forked from a process that has imported the app already.

Importing Gradio is most of a studio's boot: about 4.5 s of CPU here, against about 1.2 s for
building the page and starting the server, and the suite boots dozens of studios on two cores.
So each test process keeps one fork server (``python -m tests.forked_app``, which imports
``app`` once and then waits), and a studio is a child forked from it: a process of its own that
takes its own environment, working folder and output, then runs ``app.main()`` as
``python app.py`` does.

What differs from ``python app.py`` is only what was read when the modules were imported. The
studio reads its environment when it starts (``Settings.from_env``), never on import; of
Gradio's modules, several keep ``GRADIO_TEMP_DIR`` and one the server's address and ports as
constants, which :func:`_reread_gradio_constants` sets again from the studio's environment.
The tests of the command itself (a Space's start, ``tests/test_spaces.py``) still run
``python app.py``.

:func:`start` returns a :class:`Forked`, which answers what the tests ask of a
``subprocess.Popen``: ``pid``, ``poll``, ``wait``, ``returncode``, ``terminate``, ``kill`` and
``send_signal``. The server reaps its children and tells their exit codes; when the test process
ends (the server's stdin closes) it stops the studios still running and exits.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]


# -- in the test process --------------------------------------------------------------------------
class _Server:
    """The fork server of this test process, and one request at a time to it."""

    def __init__(self) -> None:
        self.log = Path(tempfile.mkdtemp(prefix="studio-fork-server-")) / "server.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.forked_app"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log
            )
        self.lock = threading.Lock()
        atexit.register(self.close)

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        with self.lock:
            try:
                self.proc.stdin.write(json.dumps(request).encode() + b"\n")
                self.proc.stdin.flush()
                line = self.proc.stdout.readline()
            except OSError:
                line = b""
        if not line:
            raise RuntimeError(f"the studio fork server ended:\n{self.log.read_text(errors='replace')[-4000:]}")
        return json.loads(line)  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.proc.poll() is None and self.proc.stdin is not None:
            self.proc.stdin.close()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.log.parent, ignore_errors=True)


_SERVER: _Server | None = None
_SERVER_LOCK = threading.Lock()


def _server() -> _Server:
    global _SERVER
    with _SERVER_LOCK:
        if _SERVER is None or _SERVER.proc.poll() is not None:
            _SERVER = _Server()
        return _SERVER


class Forked:
    """A forked studio, seen through the part of ``subprocess.Popen`` the tests use."""

    def __init__(self, server: _Server, pid: int) -> None:
        self._server = server
        self.pid = pid
        self.args = ["app.py"]
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._server.ask({"op": "poll", "pid": self.pid})["returncode"]
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
            time.sleep(0.05)
        return code

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:  # never a reaped process's number, which another may have now
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def start(env: dict[str, str], log_path: Path, argv: list[str] | None = None) -> Forked:
    """Start ``python app.py [argv]`` with exactly ``env``, in the project's folder, both its
    output streams appended to ``log_path``."""
    server = _server()
    answer = server.ask({"op": "start", "env": dict(env), "log": str(log_path), "argv": list(argv or [])})
    return Forked(server, int(answer["pid"]))


# -- in the fork server ---------------------------------------------------------------------------
def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """Import the app, then answer requests (one JSON object a line) until ``requests`` ends."""
    import app  # noqa: F401  (what every studio forked from here shares)

    ended: dict[int, int] = {}
    running: set[int] = set()

    def reap(*_: Any) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            running.discard(pid)
            ended[pid] = os.waitstatus_to_exitcode(status)

    # Reaped as soon as it ends: a killed studio must not linger as a zombie, which a restarted
    # one would take for a live process (studio.jobs.interrupted asks whether its pid is alive).
    signal.signal(signal.SIGCHLD, reap)
    for line in requests:
        request = json.loads(line)
        reap()
        if request["op"] == "start":
            pid = os.fork()
            if pid == 0:
                _child(request["env"], request["log"], request["argv"])
            running.add(pid)
            answer: dict[str, Any] = {"pid": pid}
        else:
            answer = {"returncode": ended.get(request["pid"])}
        answers.write(json.dumps(answer).encode() + b"\n")
        answers.flush()
    for pid in running:  # the test process has ended: so do its studios
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while running and time.monotonic() < deadline:
        time.sleep(0.05)
        reap()
    for pid in running:
        os.kill(pid, signal.SIGKILL)


def _child(env: dict[str, str], log_path: str, argv: list[str]) -> None:
    """In the forked child: become ``python app.py`` and run it; never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the studio's own children are its own business
        os.environ.clear()
        os.environ.update(env)
        os.chdir(ROOT)
        null = os.open(os.devnull, os.O_RDONLY)
        log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(null, 0)  # the server's request and answer pipes are not the studio's
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(null)
        os.close(log)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115 (the process's own streams)
        sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
        sys.argv = ["app.py", *argv]
        _reread_gradio_constants(env)
        import app

        app.main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        code = 130
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _reread_gradio_constants(env: dict[str, str]) -> None:
    """What Gradio's modules read from the environment when imported, read again: the upload
    folder (``GRADIO_TEMP_DIR``, kept by every module with a ``DEFAULT_TEMP_DIR``) and the server's address and ports."""
    import gradio.http_server as http_server

    tempfile.tempdir = None  # found again from this environment (TMPDIR)
    temp = env.get("GRADIO_TEMP_DIR") or str(Path(tempfile.gettempdir()) / "gradio")
    for name, module in list(sys.modules.items()):
        if name.startswith(("gradio.", "gradio_client.")) and hasattr(module, "DEFAULT_TEMP_DIR"):
            module.DEFAULT_TEMP_DIR = temp
    http_server.INITIAL_PORT_VALUE = int(env.get("GRADIO_SERVER_PORT", "7860"))
    http_server.TRY_NUM_PORTS = int(env.get("GRADIO_NUM_PORTS", "100"))
    http_server.LOCALHOST_NAME = env.get("GRADIO_SERVER_NAME", "127.0.0.1")


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
