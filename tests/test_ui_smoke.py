"""The browser studio through Gradio's own client (its programmatic twin), offline."""

import json
import time

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from studio.config import Settings
from studio.jobs.service import Studio

from .studio_support import served


@pytest.fixture
def studio_url(tmp_path):
    studio = Studio.connect(Settings(data_dir=tmp_path), offline=True, queue_seconds=0.2, run_seconds=0.3, render=False)
    with served(studio) as (url, _):
        yield url


def test_every_action_is_named(studio_url):
    names = set(Client(studio_url, verbose=False).view_api(return_format="dict")["named_endpoints"])
    assert {"/generate", "/jobs", "/act", "/load", "/quote", "/submit_request", "/list_jobs", "/cancel_job"} <= names


def test_json_twin_quotes_submits_and_isolates(studio_url):
    client = Client(studio_url, verbose=False)
    quote = client.predict("kling/kling-3.0/pro/text-to-video", json.dumps({"prompt": "x", "duration": 8, "generate_audio": True}), 2, api_name="/quote")
    assert quote["total_usd"] == "2.688"
    job = client.predict("alice", "kling/kling-3.0/standard/text-to-video", json.dumps({"prompt": "wide shot", "duration": 3}), "", api_name="/submit_request")
    assert job["status"] == "queued" and job["quote_usd"] == "0.252"
    for _ in range(200):
        jobs = client.predict("alice", api_name="/list_jobs")
        if jobs[0]["status"] == "succeeded":
            break
        time.sleep(0.05)
    assert jobs[0]["has_video"] and "owner" not in jobs[0]
    assert client.predict("bob", api_name="/list_jobs") == []
    with pytest.raises(Exception, match="duration"):
        client.predict("kling/kling-3.0/pro/text-to-video", json.dumps({"prompt": "x", "duration": 16}), 1, api_name="/quote")


def test_storyboards_variants_and_recipes_through_the_api(studio_url, tmp_path):
    client = Client(studio_url, verbose=False)
    board = json.dumps({"shots": [{"prompt": f"shot {i}", "duration": 4} for i in range(5)], "continuity": False})
    price = client.predict(board, api_name="/storyboard_quote")
    assert price["clips"] == [12, 8] and price["total_usd"] == "1.68"
    run = client.predict("alice", board, "", api_name="/run_storyboard")
    started = time.monotonic()
    for _ in range(200):
        state = client.predict("alice", run["run_id"], api_name="/storyboard_status")
        if state.get("done"):
            break
        time.sleep(0.1)
    print("storyboard took", time.monotonic() - started)
    assert state["stage"] == "done" and "file" not in state, state  # never a server path
    film = httpx.get(studio_url.rstrip("/") + state["video_url"], timeout=30)
    assert film.status_code == 200 and film.headers["content-type"] == "video/mp4" and len(film.content) > 1000
    assert sorted((c["clip"], c["status"]) for c in state["clips"]) == [(0, "succeeded"), (1, "succeeded")]
    with pytest.raises(AppError):  # another owner's run is refused
        client.predict("bob", run["run_id"], api_name="/storyboard_status")
    jobs = client.predict("carol", "kling/kling-3.0/standard/text-to-video", json.dumps({"prompt": "wide shot", "duration": 3}), "tier", json.dumps(["standard", "pro"]), "", api_name="/run_variants")
    assert [j["variant"] for j in jobs] == ["tier standard", "tier pro"]
    assert [j["model_id"].split("/")[2] for j in jobs] == ["standard", "pro"]
    recipe = client.predict("carol", jobs[0]["job_id"], api_name="/export_recipe")
    assert recipe["kind"] == "kling-studio/job" and recipe["request"]["prompt"] == "wide shot"
    with pytest.raises(AppError):  # another owner's job is refused
        client.predict("mallory", jobs[0]["job_id"], api_name="/export_recipe")
