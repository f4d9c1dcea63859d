"""Logging (studio.logs): ``--verbose`` / ``STUDIO_LOG_LEVEL``, one INFO line per API call, no token."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from studio.logs import configure_logging, level_from
from studio.simulator import SimulatorConfig, SimulatorServer

from .studio_support import child_env

ROOT = Path(__file__).resolve().parents[1]
T2V = "kling/kling-3.0/standard/text-to-video"
TOKEN = "sk-live-very-secret-0123456789"


@pytest.mark.parametrize(
    ("verbose", "env", "level"),
    [(False, {}, logging.WARNING), (True, {}, logging.INFO), (False, {"STUDIO_LOG_LEVEL": "debug"}, logging.DEBUG),
     (True, {"STUDIO_LOG_LEVEL": "ERROR"}, logging.INFO), (False, {"STUDIO_LOG_LEVEL": " "}, logging.WARNING)],
)
def test_the_level_comes_from_the_flag_then_the_environment(verbose, env, level):
    assert level_from(verbose, env) == level


def test_an_unknown_level_is_named_with_the_choices():
    with pytest.raises(ValueError, match=r"STUDIO_LOG_LEVEL: 'LOUD' is not a level; use one of DEBUG, INFO"):
        level_from(False, {"STUDIO_LOG_LEVEL": "loud"})


def test_configuring_twice_keeps_one_handler_and_masks_bearer_credentials(capsys):
    configure_logging(True, {})
    configure_logging(True, {})
    logger = logging.getLogger("studio.client.http")
    try:
        logger.info("sent %s", f"Authorization: Bearer {TOKEN}")
        err = capsys.readouterr().err
        assert err.count("INFO studio.client.http: sent Authorization: Bearer ***") == 1
        assert TOKEN not in err
    finally:
        root = logging.getLogger("studio")
        for handler in list(root.handlers):
            root.removeHandler(handler)
        root.setLevel(logging.NOTSET)


def _run(server: SimulatorServer, home: Path, *flags: str, **env: str) -> subprocess.CompletedProcess[str]:
    data = json.dumps({"prompt": "wide shot: a harbour at dawn", "duration": 3})
    return subprocess.run(
        [sys.executable, "-m", "studio", *flags, "run", T2V, "--input", data, "--output-dir", str(home / "out")],
        cwd=ROOT, env=child_env(server, home, RUNCOMFY_TOKEN=TOKEN, **env), capture_output=True, text=True, timeout=120,
    )


def test_verbose_logs_one_line_per_api_call_and_never_the_token(tmp_path):
    config = SimulatorConfig(queue_seconds=0.2, run_seconds=0.2, render=False, token=TOKEN)
    with SimulatorServer(config) as server:
        quiet = _run(server, tmp_path / "quiet")
        assert quiet.returncode == 0, quiet.stderr
        assert " INFO " not in quiet.stderr
        server.log.clear()
        loud = _run(server, tmp_path / "loud", "--verbose")
        assert loud.returncode == 0, loud.stderr
        calls = [e for e in server.log.entries() if not e.path.startswith("/_sim")]
    lines = [line for line in loud.stderr.splitlines() if " INFO studio.client.http: HTTP " in line]
    assert len(lines) == len(calls) >= 3  # the catalog or submit, status polls, result, the download
    assert any(f"HTTP POST /v1/models/{T2V} 200" in line for line in lines), lines
    assert TOKEN not in loud.stderr + loud.stdout and "Bearer" not in loud.stderr
