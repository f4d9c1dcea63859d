"""Copy as code, run as a user runs it: for the six skill examples, the studio's command and the
RunComfy command (through the studio's CLI: ``runcomfy`` is a shell function that runs
``python -m studio … --offline``, as the README says) each make an MP4 offline, and the
``gradio_client`` script submits all six to a running offline studio and downloads the videos.

The commands run in bash exactly as the snippets print them, in a scratch folder, with the
simulator's fast timings. The skill's example image URLs are not reachable here, so the
studio's image check is off and the simulator renders a stand-in for them
(``STUDIO_CHECK_IMAGE_URLS=0``, ``STUDIO_SIM_IMAGE_FETCH=placeholder``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.config import Settings
from studio.domain.catalog import find_endpoint
from studio.domain.code_snippets import OUTPUT_DIR, CodeJob, SnippetOptions, code_snippets, snippets_for
from studio.domain.payload import request_from_input
from studio.jobs.service import Studio

from .conftest import PUBLISHED_CATALOG
from .sim_support import stop_process
from .skill_examples import SKILL_EXAMPLES
from .studio_support import served

ROOT = Path(__file__).resolve().parents[1]
# How the README runs a `runcomfy run …` snippet on the studio's CLI, offline.
RUNCOMFY_ON_THE_STUDIO = 'runcomfy() { python -m studio "$@" --offline; }\n'


def child_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNCOMFY_", "STUDIO_", "GRADIO_"))}
    return env | {
        "PYTHONPATH": str(ROOT), "STUDIO_HOME": str(home), "STUDIO_SIM_CATALOG": str(PUBLISHED_CATALOG),
        "STUDIO_SIM_QUEUE_SECONDS": "0.1", "STUDIO_SIM_RUN_SECONDS": "0.2", "STUDIO_POLL_SECS": "0.1",
        "STUDIO_CHECK_IMAGE_URLS": "0", "STUDIO_SIM_IMAGE_FETCH": "placeholder",
    }


def mp4s(folder: Path) -> list[Path]:
    found = sorted((folder / OUTPUT_DIR).glob("*.mp4"))
    assert all(b"ftyp" in path.read_bytes()[:32] for path in found), found
    return found


def test_the_six_skill_examples_run_as_copied_and_make_videos(tmp_path):
    """Twelve commands at once (each its own folder and studio home), as bash runs them."""
    started = []
    for n, (model_id, data) in enumerate(SKILL_EXAMPLES):
        snippets = snippets_for(model_id, request_from_input(data, find_endpoint(model_id)), SnippetOptions(offline=True))
        for kind, script in (("studio", snippets.studio), ("runcomfy", RUNCOMFY_ON_THE_STUDIO + snippets.runcomfy)):
            folder = tmp_path / f"{kind}-{n}"
            folder.mkdir()
            proc = subprocess.Popen(
                ["bash", "-c", script], cwd=folder, env=child_env(folder / "home"),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            started.append((model_id, kind, folder, proc))
    try:
        for model_id, kind, folder, proc in started:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, (model_id, kind, err)
            [video] = mp4s(folder)
            assert out.strip() == str(video), (model_id, kind, out)
            assert "Offline preview" in err
    finally:
        for *_, proc in started:
            stop_process(proc, 5)


@pytest.fixture
def studio_url(tmp_path):
    studio = Studio.connect(
        Settings(data_dir=tmp_path / "studio", check_image_urls=False), offline=True,
        queue_seconds=0.1, run_seconds=0.2, render=False, image_fetch="placeholder",
    )
    with served(studio) as (url, _):
        yield url, studio


def test_the_gradio_client_script_submits_the_six_examples_and_saves_their_videos(studio_url, tmp_path):
    url, studio = studio_url
    jobs = [CodeJob(m, request_from_input(d, find_endpoint(m))) for m, d in SKILL_EXAMPLES]
    script = code_snippets(jobs, SnippetOptions(offline=True, studio_url=url)).python
    folder = tmp_path / "client"
    folder.mkdir()
    env = child_env(folder / "home") | {"STUDIO_OWNER_KEY": "copy-as-code-test-owner-key"}
    done = subprocess.run([sys.executable, "-c", script], cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    videos = mp4s(folder)
    assert len(videos) == 6 and sorted(done.stdout.split()) == [str(Path(OUTPUT_DIR) / v.name) for v in videos]
    records = studio.journal.find()
    assert sorted(r.model_id for r in records) == sorted(m for m, _ in SKILL_EXAMPLES)
    assert {r.status for r in records} == {"succeeded"}
    assert sorted(f"{r.job_id}.mp4" for r in records) == sorted(v.name for v in videos)
