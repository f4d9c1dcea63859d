"""The simulator's parts without HTTP: the clock-driven job store, the schema check, config, CLI."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from studio.cli import simulator_cmd
from studio.domain.catalog import endpoint
from studio.simulator.config import SimulatorConfig
from studio.simulator.gateway import classify
from studio.simulator.jobs import JobStore, NotOwner, UnknownJob
from studio.simulator.requestlog import RequestLog
from studio.simulator.schema_check import check_body

PRO_T2V = endpoint("pro", "text-to-video")
STD_I2V = endpoint("standard", "image-to-video")
REPO = Path(__file__).resolve().parents[1]


class Clock:
    def __init__(self) -> None:
        self.t = 1_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    cfg = SimulatorConfig(queue_seconds=3, run_seconds=2, queue_start_position=3, render=False, retention_seconds=3600)
    s = JobStore(cfg, tmp_path, now=clock)
    yield s
    s.shutdown()


def _complete(store: JobStore, job) -> None:
    store.advance()
    assert job.rendered.wait(20)
    store.advance()


def test_queue_run_complete_on_the_clock(store, clock):
    job = store.submit(PRO_T2V, {"prompt": "p", "duration": 4}, "tok")
    positions = []
    for _ in range(6):
        positions.append(store.get(job.request_id).queue_position(clock()))
        clock.t += 0.5
    assert positions == [3, 3, 2, 2, 1, 1]
    clock.t = 1_003.0
    assert store.get(job.request_id).state == "in_progress" and job.run_started_at == 1_003.0
    assert job.instance_id
    clock.t = 1_005.0
    _complete(store, job)
    assert job.state == "completed" and job.finished_at == 1_005.0 and job.output and job.output.is_file()
    assert store.spent_usd == pytest.approx(0.168 * 4)  # schema default: audio on


def test_success_waits_for_the_file(store, clock):
    job = store.submit(PRO_T2V, {"prompt": "p"}, "tok")
    clock.t += 3
    store.advance()
    assert job.state == "in_progress"
    job.rendered.wait(20)
    clock.t += 100  # the render finished late on the clock
    store.advance()
    assert job.state == "completed"
    assert job.finished_at == max(job.run_ends_at, job.render_done_at)


def test_ownership_and_retention(store, clock):
    job = store.submit(PRO_T2V, {"prompt": "p"}, "tok")
    with pytest.raises(NotOwner):
        store.get(job.request_id, "someone-else")
    with pytest.raises(UnknownJob):
        store.get("nope")
    clock.t += 5
    _complete(store, job)
    clock.t = job.finished_at + 3599
    assert store.get(job.request_id, "tok") is job
    clock.t = job.finished_at + 3601
    with pytest.raises(UnknownJob):
        store.get(job.request_id)


def test_cancel_only_while_queued(store, clock):
    queued = store.submit(PRO_T2V, {"prompt": "p"}, "tok")
    assert store.cancel(queued.request_id)[1] == "cancelled"
    assert store.cancel(queued.request_id)[1] == "not_cancellable"
    clock.t += 10
    store.advance()
    assert queued.state == "cancelled" and queued.run_started_at is None and not queued.render_started
    running = store.submit(PRO_T2V, {"prompt": "p"}, "tok")
    clock.t += 3.5
    assert store.cancel(running.request_id)[1] == "not_cancellable"
    assert running.state == "in_progress" and running.cancel_requests == 1


def test_frozen_time_does_not_count(store, clock):
    job = store.submit(PRO_T2V, {"prompt": "p"}, "tok")
    clock.t += 1
    store.freeze(job.request_id, "in_queue")
    clock.t += 100
    assert store.get(job.request_id).state == "in_queue" and job.queue_position(clock()) == 2
    store.release(job.request_id)
    clock.t += 1.9
    assert store.get(job.request_id).state == "in_queue"
    clock.t += 0.2
    assert store.get(job.request_id).state == "in_progress"


def test_freeze_forces_states(store, clock):
    job = store.submit(PRO_T2V, {"prompt": "p"}, "tok")
    store.freeze(job.request_id, "in_progress")
    assert job.state == "in_progress" and job.instance_id
    clock.t += 50
    assert store.get(job.request_id).state == "in_progress"
    store.freeze(job.request_id, "succeeded")
    assert job.state == "completed" and job.output is not None
    with pytest.raises(ValueError):
        store.freeze(job.request_id, "paused")


@pytest.mark.parametrize("fault, state", [("job_failed", "failed"), ("job_stuck", "in_progress")])
def test_job_faults(store, clock, fault, state):
    job = store.submit(PRO_T2V, {"prompt": "p"}, "tok", fault=fault)
    clock.t += 1_000
    assert store.get(job.request_id).state == state and not job.render_started


# -- schema check ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ep, body, strict, data_uris, fields",
    [
        (PRO_T2V, {"prompt": "p"}, True, False, []),
        (PRO_T2V, {"prompt": "p", "seed": 1}, True, False, ["seed"]),
        (PRO_T2V, {"prompt": "p", "seed": 1}, False, False, []),
        (PRO_T2V, {"prompt": None}, True, False, ["prompt"]),
        (PRO_T2V, {"prompt": "p", "negative_prompt": None}, False, False, []),
        (PRO_T2V, {"prompt": "p", "duration": True}, True, False, ["duration"]),
        (PRO_T2V, {"prompt": "p", "cfg_scale": 1}, True, False, []),
        (PRO_T2V, {"prompt": "p", "cfg_scale": "0.5"}, True, False, ["cfg_scale"]),
        (PRO_T2V, {"prompt": "p", "multi_prompt": []}, True, False, ["multi_prompt"]),
        (PRO_T2V, {"prompt": "p", "multi_prompt": [{"prompt": "a", "duration": 5}]}, True, False, []),
        (PRO_T2V, {"prompt": "p", "multi_prompt": [{"prompt": "a", "duration": 0}]}, True, False, ["multi_prompt"]),
        (PRO_T2V, {"prompt": "p", "multi_prompt": [{"prompt": "a", "duration": 5, "x": 1}]}, True, False, ["multi_prompt"]),
        (PRO_T2V, {"prompt": "p", "multi_prompt": ["a"]}, True, False, ["multi_prompt"]),
        (STD_I2V, {"prompt": "p", "start_image_url": "https://h/a.png"}, True, False, []),
        (STD_I2V, {"prompt": "p", "start_image_url": "https:///a.png"}, True, False, ["start_image_url"]),
        (STD_I2V, {"prompt": "p", "start_image_url": "data:image/png;base64,AAAA"}, True, True, []),
        (STD_I2V, {"prompt": "p", "start_image_url": "data:image/png;base64,AAAA"}, True, False, ["start_image_url"]),
        (STD_I2V, {"prompt": "p", "start_image_url": "https://h/a.png", "multi_prompt": [{"prompt": "a", "duration": 9}]}, True, False, ["multi_prompt"]),  # default 10 s
    ],
)  # fmt: skip
def test_check_body(ep, body, strict, data_uris, fields):
    problems = check_body(body, ep.input_schema, strict=strict, allow_data_uris=data_uris)
    assert sorted({p["loc"][1] for p in problems}) == fields
    assert all(p["loc"][0] == "body" and p["msg"] and p["type"] for p in problems)


def test_check_body_refuses_non_objects():
    assert [p["loc"] for p in check_body([1], PRO_T2V.input_schema)] == [["body"]]


# -- config, log, routing --------------------------------------------------------------------


def test_config_changes_are_checked():
    cfg = SimulatorConfig()
    assert cfg.with_changes(extra_tokens=["a"], file_base_url="https://x.runcomfy.net/").extra_tokens == ("a",)
    assert cfg.with_changes(file_base_url="https://x.runcomfy.net/").file_base_url == "https://x.runcomfy.net"
    for bad in ({"nope": 1}, {"strict": "yes"}, {"error_shape": "list"}, {"queue_start_position": 0}):
        with pytest.raises(ValueError):
            cfg.with_changes(**bad)


def test_log_keeps_only_simulator_tokens():
    log = RequestLog()
    raw = [(b"Authorization", b"Bearer sim-token")]
    assert log.record("GET", "/", "", raw, b"", known_tokens=["sim-token"]).headers["authorization"] == "Bearer sim-token"
    real = log.record("GET", "/", "", [(b"authorization", b"Bearer rc_live_123")], b"", known_tokens=["sim-token"])
    assert "rc_live_123" not in str(real.as_json()) and real.authorization


@pytest.mark.parametrize(
    "method, path, op",
    [
        ("POST", "/v1/models/kling/kling-3.0/pro/text-to-video", "submit"),
        ("GET", "/v1/models/kling/kling-3.0/pro/text-to-video", "catalog"),
        ("GET", "/v1/models", "catalog"),
        ("GET", "/v1/requests/abc/status", "status"),
        ("GET", "/v1/requests/abc/result", "result"),
        ("POST", "/v1/requests/abc/cancel", "cancel"),
        ("GET", "/prod/v2/balance", "balance"),
        ("GET", "/files/abc/x.mp4", "download"),
        ("GET", "/elsewhere", None),
    ],
)
def test_classify(method, path, op):
    assert classify(method, path) == op


def test_cli_registration_parses_the_documented_options():
    parser = argparse.ArgumentParser()
    simulator_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["simulator", "--port", "0", "--queue-seconds", "0.5", "--run-seconds", "1", "--token", "t"])
    assert (args.host, args.port, args.queue_seconds, args.run_seconds, args.token) == ("127.0.0.1", 0, 0.5, 1.0, "t")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_foreground_server_prints_its_url_and_stops_cleanly(tmp_path, stop):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "studio.simulator", "--port", "0", "--token", "tok", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("RunComfy simulator at http://127.0.0.1:")
        lines = [proc.stdout.readline() for _ in range(4)]
        assert any("tok" in line for line in lines)
        proc.send_signal(stop)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
