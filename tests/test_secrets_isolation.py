"""Secrets stay home and browsers stay apart, proved on a full live-style session.

The studio runs on its live code path against a simulator that accepts a distinctive token,
served by uvicorn and driven through ``gradio_client`` like any API user. Afterwards the
token (and a visitor's own key) must appear nowhere: not in logs (DEBUG), the journal, any
file under the data dir, Gradio's ``/config``, the page, or any API answer; and the
simulator's request log shows ``Authorization`` on API calls only, never on downloads.
Isolation: one owner never sees, cancels or fetches another owner's jobs or videos.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from gradio_client import Client

from studio.client.credentials import Token
from studio.config import Settings
from studio.jobs.manager import owner_id
from studio.jobs.service import Studio
from studio.simulator import SimulatorConfig, SimulatorServer
from studio.ui import create_server
from studio.ui.media import MediaSigner

SECRET = "tok_SECRET_" + secrets.token_hex(12)
VISITOR_KEY = "tok_VISITOR_" + secrets.token_hex(12)
WRONG_KEY = "tok_WRONG_" + secrets.token_hex(12)  # a visitor key RunComfy rejects
MEDIA_SECRET = secrets.token_hex(16)
T2V = "kling/kling-3.0/standard/text-to-video"
REQUEST = json.dumps({"prompt": "Wide shot, a lighthouse at dusk", "duration": 3})
API_OPS = {"submit", "status", "result", "cancel", "catalog", "balance"}


def sim_config(**changes: Any) -> SimulatorConfig:
    # The visitor's key is a second account of the simulated RunComfy.
    return SimulatorConfig(token=SECRET, extra_tokens=(VISITOR_KEY,), queue_seconds=0.3, run_seconds=0.3, render=False, **changes)


def live_studio(sim: SimulatorServer, data_dir: Path) -> Studio:
    settings = Settings(
        api_base=sim.api_base,
        account_base=sim.account_base,
        extra_download_hosts=("127.0.0.1",),
        data_dir=data_dir,
        poll_interval=0.05,
        backoff_base=0.01,
    )
    return Studio(settings, Token(SECRET, "test"))


class Served:
    """The studio's ASGI app on a free loopback port."""

    def __init__(self, studio: Studio) -> None:
        self.server = create_server(studio)
        config = uvicorn.Config(self.server.app, host="127.0.0.1", port=0, log_level="warning", timeout_graceful_shutdown=1)
        self.web = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.web.run, daemon=True)
        self.thread.start()
        while not self.web.started:
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{self.web.servers[0].sockets[0].getsockname()[1]}"

    def close(self) -> None:
        self.web.should_exit = True
        self.thread.join(10)
        self.server.close()


@pytest.fixture
def media_secret(monkeypatch):
    """The server's media signer secret, so the test can build signatures the way it does."""
    monkeypatch.setenv("STUDIO_MEDIA_SECRET", MEDIA_SECRET)
    return MediaSigner(MEDIA_SECRET)


def wait_for(client: Client, owner: str, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        jobs = client.predict(owner, api_name="/list_jobs")
        if len(jobs) >= count and all(j["status"] in ("succeeded", "failed", "cancelled") for j in jobs):
            return jobs
        assert time.monotonic() < deadline, jobs
        time.sleep(0.1)


def files_under(root: Path) -> Iterator[Path]:
    return (p for p in root.rglob("*") if p.is_file())


# -- secrets ------------------------------------------------------------------------------------


def test_token_and_visitor_key_never_leave_the_api_calls(tmp_path, caplog, media_secret):
    caplog.set_level(logging.DEBUG)
    data_dir = tmp_path / "data"
    with SimulatorServer(sim_config()) as sim:
        served = Served(live_studio(sim, data_dir))
        try:
            client = Client(served.url, verbose=False)
            seen: list[Any] = []  # every answer an API user got
            seen.append(client.predict(T2V, REQUEST, 2, api_name="/quote"))
            for _ in range(2):
                seen.append(client.predict("owner-a", T2V, REQUEST, "", api_name="/submit_request"))
            # A visitor's own key: used for its calls, kept in memory only.
            seen.append(client.predict("owner-v", T2V, REQUEST, VISITOR_KEY, api_name="/submit_request"))
            with pytest.raises(Exception) as rejected:
                client.predict("owner-w", T2V, REQUEST, WRONG_KEY, api_name="/submit_request")
            seen.append(str(rejected.value))
            assert "token" in seen[-1].lower(), seen[-1]  # says what is wrong, without repeating the key
            seen.append(wait_for(client, "owner-a", 2))
            seen.append(wait_for(client, "owner-v", 1))
            seen.append(client.predict("owner-a", api_name="/jobs"))
            seen.append(client.predict("owner-v", api_name="/jobs"))
            served.server.manager.wait_idle(10)
            with httpx.Client(base_url=served.url, timeout=10) as web:
                page = web.get("/").text
                config = web.get("/config").text
                info = web.get("/gradio_api/info").text
                gallery = str(seen[-2])
                media = re.search(r'/studio/media/[0-9a-f]{32}\?sig=[0-9a-f]+', gallery)
                assert media, gallery
                video = web.get(media.group(0))
                assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
                assert "Authorization" not in video.request.headers
            # Recipes exported for every job, the operator's and the visitor's.
            recipes = [
                client.predict(owner, job["job_id"], api_name="/export_recipe")
                for owner, jobs in (("owner-a", seen[5]), ("owner-v", seen[6]))
                for job in jobs
            ]
            log_entries = sim.log.entries()
        finally:
            served.close()

    assert len(recipes) == 3 and all(r["kind"] == "kling-studio/job" and r["request"]["prompt"] for r in recipes)
    seen.append(recipes)

    assert [j["status"] for j in seen[5]] == ["succeeded", "succeeded"] and seen[6][0]["status"] == "succeeded"
    answers = json.dumps(seen, default=str)
    logs = "\n".join(f"{r.name} {r.levelname} {r.getMessage()}" for r in caplog.records) + caplog.text
    # The capture really saw the studio at work (one INFO line per request, DEBUG included).
    loggers = {r.name for r in caplog.records}
    assert {"studio.client.http"} <= loggers and any(r.levelno == logging.DEBUG for r in caplog.records), loggers
    for secret in (SECRET, VISITOR_KEY, WRONG_KEY):
        assert secret not in logs
        assert secret not in answers
        assert secret not in page and secret not in config and secret not in info
        journal_files = sorted(data_dir.glob("journal.sqlite3*"))
        assert journal_files, "the journal should exist"
        for path in [*files_under(data_dir), *files_under(tmp_path / "gradio")]:
            assert secret.encode() not in path.read_bytes(), path
    # Nothing under the data dir was even named after a key.
    assert not [p for p in data_dir.rglob("*") if "SECRET" in p.name or "VISITOR" in p.name]

    # Authorization: on every API call, never on a file download.
    downloads = [e for e in log_entries if e.op == "download"]
    api_calls = [e for e in log_entries if e.op in API_OPS]
    assert len(downloads) >= 3 and api_calls
    assert not [e.path for e in downloads if e.authorization or "authorization" in e.headers]
    assert all(e.authorization for e in api_calls)
    # The visitor's jobs went out with the visitor's key, the operator's with the operator's.
    submits = [e for e in api_calls if e.op == "submit"]
    assert sorted(e.headers["authorization"] for e in submits) == sorted(
        [f"Bearer {SECRET}"] * 2 + [f"Bearer {VISITOR_KEY}"]
    )


def test_reprs_hide_the_token(tmp_path):
    with SimulatorServer(sim_config()) as sim:
        studio = live_studio(sim, tmp_path)
        try:
            for text in (repr(studio), repr(studio.http), repr(studio.settings), str(Token(SECRET, "env"))):
                assert SECRET not in text
        finally:
            import asyncio

            asyncio.run(studio.aclose())


# -- isolation ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One live-style studio for the isolation tests: its URL, signer, data dir and simulator."""
    data_dir = tmp_path_factory.mktemp("iso")
    mp = pytest.MonkeyPatch()
    mp.setenv("STUDIO_MEDIA_SECRET", MEDIA_SECRET)
    with SimulatorServer(sim_config()) as sim:
        served = Served(live_studio(sim, data_dir))
        try:
            yield {"url": served.url, "signer": MediaSigner(MEDIA_SECRET), "data_dir": data_dir, "sim": sim, "served": served}
        finally:
            served.close()
            mp.undo()


@pytest.fixture(scope="module")
def a_job(shared):
    """Owner A's finished job, with its signed media URL and video path."""
    client = Client(shared["url"], verbose=False)
    job = client.predict("owner-A", T2V, REQUEST, "", api_name="/submit_request")
    [done] = wait_for(client, "owner-A", 1)
    assert done["status"] == "succeeded" and done["has_video"]
    gallery = str(client.predict("owner-A", api_name="/jobs"))
    url = re.search(rf'/studio/media/{job["job_id"]}\?sig=[0-9a-f]+', gallery)
    assert url, gallery
    record = shared["served"].server.manager.studio.journal.get(job["job_id"])
    return {"job_id": job["job_id"], "url": url.group(0), "path": Path(record.files[0]), "client": client}


def test_b_never_sees_a(shared, a_job):
    client = a_job["client"]
    assert all(j["job_id"] != a_job["job_id"] for j in client.predict("owner-B", api_name="/list_jobs"))
    assert a_job["job_id"] not in json.dumps(client.predict("owner-B", api_name="/jobs"))
    assert client.predict("", api_name="/list_jobs") == []
    assert all("owner" not in j for j in client.predict("owner-A", api_name="/list_jobs"))


def test_b_cannot_cancel_a(shared):
    sim: SimulatorServer = shared["sim"]
    sim.set_config(queue_seconds=3.0)  # A's job stays queued while B tries
    try:
        client = Client(shared["url"], verbose=False)
        job = client.predict("owner-A2", T2V, REQUEST, "", api_name="/submit_request")
        with pytest.raises(Exception, match="no such job in this browser"):
            client.predict("owner-B", job["job_id"], "", api_name="/cancel_job")
        with pytest.raises(Exception, match="no such job in this browser"):
            client.predict("owner-B", job["job_id"], VISITOR_KEY, api_name="/cancel_job")
        assert not [e for e in sim.log.entries(op="cancel")], "B's attempt must not reach RunComfy"
        [mine] = client.predict("owner-A2", api_name="/list_jobs")
        assert mine["status"] in ("queued", "running")
        # A itself may cancel it (queued: never charged).
        assert "Cancelled while queued" in client.predict("owner-A2", job["job_id"], "", api_name="/cancel_job")
    finally:
        sim.set_config(queue_seconds=0.3)


def test_signed_media_is_only_for_its_owner(shared, a_job):
    signer: MediaSigner = shared["signer"]
    job_id = a_job["job_id"]
    with httpx.Client(base_url=shared["url"], timeout=10) as web:
        assert web.get(a_job["url"]).status_code == 200
        b_sig = signer.signature(job_id, owner_id("owner-B"))
        for bad in (
            f"/studio/media/{job_id}?sig={b_sig}",  # signed, but for B
            f"/studio/media/{job_id}",  # no signature
            f"/studio/media/{job_id}?sig=",
            f"/studio/media/{job_id}?sig={'0' * 40}",
            f"/studio/media/{job_id}?sig={signer.signature(job_id, '')}",
            a_job["url"].replace(job_id, job_id[:-1] + ("0" if job_id[-1] != "0" else "1")),
        ):
            assert web.get(bad).status_code == 404, bad
        assert web.head(f"/studio/media/{job_id}?sig={b_sig}").status_code == 404


def test_gradio_file_route_does_not_serve_job_files(shared, a_job):
    path = a_job["path"].resolve()
    assert path.is_file() and path.stat().st_size > 0
    with httpx.Client(base_url=shared["url"], timeout=10) as web:
        for route in (f"/gradio_api/file={path}", f"/file={path}", f"/gradio_api/file={shared['data_dir'] / 'journal.sqlite3'}"):
            response = web.get(route)
            assert response.status_code in (403, 404), (route, response.status_code)
            assert response.content[:8] != path.read_bytes()[:8]


def test_operator_token_lending_off_switch(tmp_path, monkeypatch):
    """STUDIO_SHARE_OPERATOR_TOKEN=0: visitors must bring their own key; nothing is sent without one."""
    monkeypatch.setenv("STUDIO_SHARE_OPERATOR_TOKEN", "0")
    with SimulatorServer(sim_config()) as sim:
        served = Served(live_studio(sim, tmp_path / "data"))
        try:
            client = Client(served.url, verbose=False)
            with pytest.raises(Exception, match="paste your RunComfy API key"):
                client.predict("owner-x", T2V, REQUEST, "", api_name="/submit_request")
            assert not sim.log.entries(op="submit")
            job = client.predict("owner-x", T2V, REQUEST, VISITOR_KEY, api_name="/submit_request")
            assert job["status"] == "queued"
            [submit] = [e for e in sim.log.entries(op="submit") if e.method == "POST"]
            assert submit.headers["authorization"] == f"Bearer {VISITOR_KEY}"
        finally:
            served.close()
