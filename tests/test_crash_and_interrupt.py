"""The headless twin as a real process: killed mid-job it loses nothing; Ctrl-C cancels only
what can be cancelled."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studio.jobs.journal import open_journal

from .sim_support import wait_until
from .studio_support import QUICK, child_env, submits

# The simulator timing the conftest fixtures (simulator, sim) build and reset to.
SIM_CONFIG = QUICK

ROOT = Path(__file__).resolve().parents[1]
T2V = "kling/kling-3.0/standard/text-to-video"
INPUT = json.dumps({"prompt": "wide shot of a harbour at dawn", "duration": 3})


def env_for(server, home):
    return child_env(server, home, STUDIO_POLL_SECS="0.1")


def start(server, home, out, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "studio", "run", T2V, "--input", INPUT, "--output-dir", str(out), *args],
        cwd=ROOT,
        env=env_for(server, home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def journal_rows(home):
    path = home / "journal.sqlite3"
    if not path.exists():
        return []
    journal = open_journal(path)
    try:
        return journal.find()
    finally:
        journal.close()


@pytest.mark.parametrize("phase", ["queued", "running"])
def test_sigkill_mid_job_then_resume_delivers_the_video(sim, tmp_path, phase):
    sim.set_config(queue_seconds=1.5, run_seconds=1.5)
    home, out = tmp_path / "home", tmp_path / "out"
    proc = start(sim, home, out)
    wait_until(lambda: any(r.status == phase for r in journal_rows(home)), timeout=20, interval=0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert not list(out.glob("*.mp4"))
    resumed = subprocess.run(
        [sys.executable, "-m", "studio", "resume", "--json"],
        cwd=ROOT, env=env_for(sim, home), capture_output=True, text=True, timeout=60,
    )
    assert resumed.returncode == 0, resumed.stderr
    [row] = journal_rows(home)
    assert row.status == "succeeded"
    assert [Path(f).parent for f in row.files] == [out.resolve()]
    assert Path(row.files[0]).stat().st_size > 0
    assert json.loads(resumed.stdout.splitlines()[0])["files"] == list(row.files)
    assert submits(sim) == 1


def test_ctrl_c_while_queued_cancels_before_billing(sim, tmp_path):
    sim.set_config(queue_seconds=30)
    home, out = tmp_path / "home", tmp_path / "out"
    proc = start(sim, home, out)
    wait_until(lambda: any(r.status == "queued" for r in journal_rows(home)), timeout=20, interval=0.05)
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 1, err
    assert "cancelled while queued" in err and "not charged" in err
    assert [e.method for e in sim.log.entries(op="cancel")] == ["POST"]
    [row] = journal_rows(home)
    assert row.status == "cancelled"
    assert sim.store.get(row.request_id).state == "cancelled"


def test_ctrl_c_while_running_says_it_will_be_charged_and_keeps_the_job(sim, tmp_path):
    sim.set_config(queue_seconds=0, run_seconds=30)
    home, out = tmp_path / "home", tmp_path / "out"
    proc = start(sim, home, out)
    wait_until(lambda: any(r.status == "running" for r in journal_rows(home)), timeout=20, interval=0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 1
    assert "can no longer be cancelled" in err and "will be charged" in err and "resume" in err
    assert sim.log.entries(op="cancel") == []
    [row] = journal_rows(home)
    assert row.status == "running"


def test_offline_run_killed_mid_job_is_resumed_offline(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNCOMFY_")}
    env.update(STUDIO_HOME=str(tmp_path / "home"), STUDIO_SIM_QUEUE_SECONDS="0.5", STUDIO_SIM_RUN_SECONDS="2", STUDIO_POLL_SECS="0.1")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "studio", "run", T2V, "--offline", "--input", INPUT, "--output-dir", str(out)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    wait_until(lambda: any(r.status == "running" for r in journal_rows(tmp_path / "home")), timeout=30, interval=0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    resumed = subprocess.run(
        [sys.executable, "-m", "studio", "resume", "--offline", "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert resumed.returncode == 0, resumed.stderr
    [row] = journal_rows(tmp_path / "home")
    assert row.status == "succeeded" and Path(row.files[0]).parent == out.resolve()
