"""Shared bench plumbing: a simulator in its own process, and a studio pointed at it.

The simulator runs as ``python -m studio simulator`` in a separate process so the figures
for the studio process (CPU, RSS) are its own.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.client.credentials import Token  # noqa: E402
from studio.config import Settings  # noqa: E402
from studio.jobs.service import Studio  # noqa: E402

TOKEN = "bench-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def control(base: str, path: str, body: Any = None) -> Any:
    """Call a simulator test-control endpoint (``/_sim/...``); over https, ``SSL_CERT_FILE`` is trusted."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{base}{path}", data=data, method="POST" if data is not None else "GET")
    req.add_header("Content-Type", "application/json")
    context = ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE")) if base.startswith("https") else None
    with urllib.request.urlopen(req, timeout=30, context=context) as resp:
        return json.loads(resp.read() or b"null")


@contextmanager
def simulator(
    queue_seconds: float = 1.0, run_seconds: float = 2.0, render: bool = False, tls: tuple[Path, Path] | None = None
) -> Iterator[str]:
    """A simulator process on a free loopback port (https:// with ``tls`` = (cert, key)); yields its base URL."""
    port = free_port()
    extra = ["--tls-cert", str(tls[0]), "--tls-key", str(tls[1])] if tls else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "studio", "simulator", "--port", str(port), "--token", TOKEN,
         "--queue-seconds", str(queue_seconds), "--run-seconds", str(run_seconds), *extra],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"simulator did not start: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}") from None
                time.sleep(0.05)
        control(base, "/_sim/config", {"render": render})
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def studio_for(base: str, data_dir: Path, **settings: Any) -> Studio:
    """A studio on the live code path, pointed at the simulator at ``base``."""
    s = Settings(
        api_base=f"{base}/v1",
        account_base=f"{base}/prod/v2",
        data_dir=data_dir,
        extra_download_hosts=("127.0.0.1",),
        **settings,
    )
    return Studio(s, Token(TOKEN, "bench"))


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux ru_maxrss is in KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def env_without_tokens() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("RUNCOMFY_")}


def test_certificate(folder: Path) -> tuple[Path, Path, Path]:
    """(certificate, key, CA bundle) for 127.0.0.1 from a throw-away test CA (``trustme``)."""
    import trustme

    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1", "localhost")
    cert, key, bundle = folder / "cert.pem", folder / "key.pem", folder / "ca.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(bundle))
    return cert, key, bundle
