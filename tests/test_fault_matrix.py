"""Every fault kind the simulator injects, through the headless twin: survived, or reported
with the right exit code; never a double submit, never a token sent to the file host."""

import json

import pytest

from studio.cli import main

from .sim_support import wait_until
from .studio_support import QUICK, cli_env, downloads_carried_token, submits

# The simulator timing the conftest fixtures (simulator, sim) build and reset to.
SIM_CONFIG = QUICK

T2V = "kling/kling-3.0/standard/text-to-video"
INPUT = json.dumps({"prompt": "wide shot of a lighthouse", "duration": 3})


def run_cli(monkeypatch, server, tmp_path, *extra, env=None):
    cli_env(monkeypatch, server, tmp_path / "home", STUDIO_READ_TIMEOUT="1", STUDIO_SUBMIT_TIMEOUT="1", **(env or {}))
    out = tmp_path / "out"
    code = main(["run", T2V, "--input", INPUT, "--output-dir", str(out), *extra])
    files = sorted(p.name for p in out.glob("*")) if out.exists() else []
    return code, files


# (op, kind, options, exit code, video arrives)
MATRIX = [
    ("status", "429", {"retry_after": 0.05}, 0, True),
    ("status", "408", {}, 0, True),
    ("status", "500", {}, 0, True),
    ("status", "502", {"times": 2}, 0, True),
    ("status", "503", {}, 0, True),
    ("status", "drop", {}, 0, True),
    ("status", "slow", {"delay": 1.5}, 0, True),
    ("status", "malformed", {}, 0, True),
    ("status", "error_code_200", {}, 0, True),
    ("status", "503", {"times": 0}, 69, False),
    ("status", "429", {"times": 0}, 75, False),
    ("status", "slow", {"times": 0, "delay": 1.5}, 75, False),
    ("result", "503", {}, 0, True),
    ("result", "drop", {}, 0, True),
    ("result", "malformed", {}, 0, True),
    ("submit", "429", {"retry_after": 0.05}, 0, True),
    ("submit", "429", {"times": 0}, 75, False),
    ("submit", "408", {}, 75, False),
    ("submit", "500", {}, 69, False),
    ("submit", "502", {}, 69, False),
    ("submit", "503", {}, 69, False),
    ("submit", "drop", {}, 69, False),
    ("submit", "drop_after_accept", {}, 69, False),
    ("submit", "slow", {"delay": 1.5}, 75, False),
    ("submit", "malformed", {}, 69, False),
    ("submit", "error_code_200", {}, 69, False),
    ("submit", "insufficient_balance", {}, 65, False),
    ("submit", "bad_model", {}, 65, False),
    ("submit", "job_failed", {}, 1, False),
    ("download", "truncated", {}, 0, True),
    ("download", "drop", {}, 0, True),
    ("download", "503", {}, 0, True),
    ("download", "redirect_onhost", {}, 0, True),
    ("download", "oversized", {}, 1, False),
    ("download", "huge_chunked", {}, 1, False),
    ("download", "redirect_offhost", {}, 1, False),
    ("download", "empty", {"times": 0}, 1, False),
    ("download", "expired", {}, 1, False),
]


@pytest.mark.parametrize("op, kind, options, code, arrives", MATRIX, ids=[f"{m[0]}-{m[1]}-{m[3]}" for m in MATRIX])
def test_fault(monkeypatch, sim, tmp_path, capsys, op, kind, options, code, arrives):
    sim.faults.add(op, kind, **options)
    env = {"STUDIO_DOWNLOAD_CAP_BYTES": str(8 * 1024 * 1024), "STUDIO_MAX_RETRIES": "2"}
    got, files = run_cli(monkeypatch, sim, tmp_path, env=env)
    err = capsys.readouterr().err
    assert got == code, err
    assert bool([f for f in files if f.endswith(".mp4")]) is arrives
    assert not any(f.endswith(".part") for f in files), files
    assert "Traceback" not in err
    if code:
        assert err.strip().splitlines()[-1].startswith("error: "), err
    if kind == "job_failed":
        assert "simulated generation failure" in err  # the reason from /result, not a shrug
    # A paid POST is sent twice only when the first was certainly refused (429).
    expected_posts = 2 if (op, kind) == ("submit", "429") and code == 0 else None
    if (op, kind) == ("submit", "429") and code == 75:
        expected_posts = 3  # refused every time: retried, never accepted
    assert submits(sim) == (expected_posts or 1)
    # Only a submit that got through creates a job; a slow one is created after the client gave
    # up, which is exactly why an ambiguous submit is never retried.
    refused = op == "submit" and code != 0 and kind not in ("drop_after_accept", "slow", "job_failed")
    expected_jobs = 0 if refused else 1
    if kind == "slow" and op == "submit":
        wait_until(lambda: len(sim.store.jobs()) == 1, timeout=5)
    assert len(sim.store.jobs()) == expected_jobs
    assert not downloads_carried_token(sim)


def test_ambiguous_submit_is_recorded_as_unknown(monkeypatch, sim, tmp_path, capsys):
    sim.faults.add("submit", "drop_after_accept")
    code, _ = run_cli(monkeypatch, sim, tmp_path)
    assert code == 69
    assert "not retried" in capsys.readouterr().err
    from studio.jobs.journal import open_journal

    journal = open_journal(tmp_path / "home" / "journal.sqlite3")
    [row] = journal.find()
    assert row.status == "unknown" and row.request_id is None
    journal.close()


@pytest.mark.parametrize("style", ["401", "400004"])
def test_rejected_token_exits_77(monkeypatch, sim, tmp_path, capsys, style):
    sim.set_config(auth_error_style=style)
    cli_env(monkeypatch, sim, tmp_path / "home", RUNCOMFY_TOKEN="wrong-token")
    assert main(["run", T2V, "--input", INPUT, "--output-dir", str(tmp_path)]) == 77
    assert "wrong-token" not in capsys.readouterr().err


def test_no_token_exits_77_with_advice(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("STUDIO_HOME", str(tmp_path))
    assert main(["run", T2V, "--input", INPUT]) == 77
    err = capsys.readouterr().err
    assert "RUNCOMFY_TOKEN" in err and "--offline" in err


def test_stuck_job_times_out_with_75_and_stays_resumable(monkeypatch, sim, tmp_path):
    sim.faults.add("submit", "job_stuck")
    code, files = run_cli(monkeypatch, sim, tmp_path, "--timeout", "0.5")
    assert code == 75 and files == []


UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    "op, kind, times, args, code",
    [
        ("catalog", "503", 1, ["models"], 0),
        ("catalog", "drop", 1, ["models"], 0),
        ("catalog", "503", 0, ["models"], 69),
        ("balance", "500", 1, ["balance"], 0),
        ("balance", "malformed", 1, ["balance"], 0),
        ("balance", "500", 0, ["balance"], 69),
        ("cancel", "502", 1, ["cancel", UNKNOWN_ID], 65),  # retried, then 404: unknown request id
        ("cancel", "502", 0, ["cancel", UNKNOWN_ID], 69),
        ("status", "429", 0, ["status", UNKNOWN_ID], 75),
    ],
)
def test_other_calls(monkeypatch, sim, tmp_path, capsys, op, kind, times, args, code):
    sim.faults.add(op, kind, times=times)
    cli_env(monkeypatch, sim, tmp_path / "home", STUDIO_MAX_RETRIES="2")
    assert main(args) == code
    assert "Traceback" not in capsys.readouterr().err
