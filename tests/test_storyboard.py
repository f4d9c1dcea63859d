"""Long storyboards: splitting, pricing, continuity, stitching and resuming without re-paying."""

import json
import os
import signal
import subprocess
import sys
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import av
import numpy as np
import pytest

from studio.config import Settings
from studio.domain.catalog import endpoint
from studio.domain.models import Shot
from studio.domain.storyboard import (
    Storyboard,
    plan,
    quote,
    split,
    storyboard_from_json,
)
from studio.errors import ValidationError
from studio.jobs.publisher import Publisher
from studio.jobs.service import Studio
from studio.jobs.storyboard_run import StoryboardRunner

from .sim_support import wait_until

ROOT = Path(__file__).resolve().parents[1]
BOARD_FILE = ROOT / "tests" / "data" / "storyboard_40s.json"


def shots(*seconds):
    return tuple(Shot(f"shot {i}", s) for i, s in enumerate(seconds, 1))


@pytest.mark.parametrize(
    "seconds, clips",
    [
        ((5, 5, 4, 5, 4, 5, 4, 4, 4), [(5, 5, 4), (5, 4, 5), (4, 4, 4)]),
        ((15, 15), [(15,), (15,)]),
        ((3,), [(3,)]),
        ((1,) * 8, [(1,) * 5, (1, 1, 1)]),  # at most 6 shots; the 2 s tail borrows a shot
        ((10, 4, 2), [(10,), (4, 2)]),  # a tail under 3 s borrows from the clip before
        ((5, 5, 4, 2), [(5, 5), (4, 2)]),
    ],
)
def test_split_packs_in_order_at_shot_boundaries(seconds, clips):
    assert [tuple(s.duration for s in c) for c in split(shots(*seconds))] == clips


def test_a_tail_that_cannot_borrow_is_a_problem():
    with pytest.raises(ValidationError, match="at least 3 s"):
        split(shots(15, 2))


@pytest.mark.parametrize(
    "board, field",
    [
        (Storyboard(shots=shots(16)), "shots[1].duration"),
        (Storyboard(shots=shots(*(15,) * 9)), "shots"),
        (Storyboard(shots=()), "shots"),
        (Storyboard(shots=shots(5), mode="image-to-video"), "start_image_url"),
    ],
)
def test_bad_storyboards_name_the_field(board, field):
    with pytest.raises(ValidationError) as info:
        plan(board)
    assert field in [p.field for p in info.value.problems]


def test_plan_chains_clips_and_quotes_before_running():
    board = storyboard_from_json(json.loads(BOARD_FILE.read_text()))
    clips = plan(board)
    assert [c.seconds for c in clips] == [14, 14, 12] and board.seconds == 40
    assert [c.endpoint.mode.key for c in clips] == ["text-to-video", "image-to-video", "image-to-video"]
    assert [c.chained for c in clips] == [False, True, True]
    assert quote(board).total == Decimal("0.126") * 40
    unchained = Storyboard(shots=board.shots, continuity=False)
    assert {c.endpoint for c in plan(unchained)} == {endpoint("standard", "text-to-video")}


def test_storyboard_json_problems():
    with pytest.raises(ValidationError) as info:
        storyboard_from_json({"shots": [{"prompt": "a"}], "tier": "ultra", "colour": 1, "audio": "yes"})
    assert {p.field for p in info.value.problems} >= {"shots[1].duration", "tier", "colour", "audio"}


def _frame(path, which):
    with av.open(str(path)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    return frames[0 if which == "first" else -1].astype(float)


async def test_forty_second_storyboard_offline_end_to_end(tmp_path):
    studio = Studio.connect(Settings(data_dir=tmp_path / "home", poll_interval=0.1), offline=True, queue_seconds=0.2, run_seconds=0.3)
    try:
        publisher = Publisher(studio.settings, studio.http, simulator_base=studio.simulator.base_url)
        board = storyboard_from_json(json.loads(BOARD_FILE.read_text()))
        result = await StoryboardRunner(studio.runner, publisher).run(board, tmp_path / "out")
        submitted = [studio.simulator.store.get(r.request_id).body for r in result.clips]
    finally:
        await studio.aclose()
    assert len(result.clips) == 3
    with av.open(str(result.path)) as video:
        assert video.duration / 1_000_000 == pytest.approx(40, abs=0.2)
        assert video.streams.audio
    # Continuity: clips 2 and 3 start from the published last frame of the clip before.
    assert "start_image_url" not in submitted[0]
    for body in submitted[1:]:
        assert body["start_image_url"].startswith(studio.simulator.base_url + "/uploads/")
    for before, after in pairwise(result.clips):
        difference = np.abs(_frame(before.files[0], "last") - _frame(after.files[0], "first")).mean()
        assert difference < 12, difference


def test_killed_storyboard_resumes_without_repaying(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNCOMFY_")}
    env.update(STUDIO_HOME=str(tmp_path / "home"), STUDIO_SIM_QUEUE_SECONDS="0.3", STUDIO_SIM_RUN_SECONDS="1.5", STUDIO_POLL_SECS="0.1")
    command = [sys.executable, "-m", "studio", "storyboard", str(BOARD_FILE), "--offline", "--output-dir", str(tmp_path / "out"), "--json"]
    first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: _clip_states(tmp_path).get(1) == "running", timeout=60, interval=0.1)  # clip 1 done, clip 2 paid for
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert _clip_states(tmp_path)[0] == "succeeded"
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    result = json.loads(again.stdout)
    assert result["duration"] == pytest.approx(40, abs=0.2) and result["reused_clips"] == [1]
    assert "clip 1 of 3: already done (not paid again)" in again.stderr
    rows = _rows(tmp_path)
    assert sorted(r["clip"] for r in rows) == [0, 1, 2]  # one journal row, one submit, per clip
    simulator_jobs = json.loads((tmp_path / "home" / "simulator" / "jobs.json").read_text())
    assert len(simulator_jobs) == 3


def _rows(tmp_path):
    from studio.jobs.journal import open_journal

    path = tmp_path / "home" / "journal.sqlite3"
    if not path.exists():
        return []
    journal = open_journal(path)
    try:
        return [{"clip": r.meta.get("clip"), "status": r.status} for r in journal.find()]
    finally:
        journal.close()


def _clip_states(tmp_path):
    return {r["clip"]: r["status"] for r in _rows(tmp_path)}
