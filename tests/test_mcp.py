"""The studio's MCP server through the `mcp` client package, against a running studio (offline).

An agent lists the tools (the deliberate set, described; never the page's events), quotes,
validates, generates, follows the job to a video it downloads by its signed link, plans and
runs a storyboard, and is refused over the caps with nothing submitted; another owner key sees
none of it. Streamable HTTP at /gradio_api/mcp/ (what the README's client configuration names)
and SSE at /gradio_api/mcp/sse.
"""

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import httpx
import pytest
from mcp import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

from studio.config import Settings
from studio.domain.catalog import find_endpoint
from studio.domain.payload import request_from_input
from studio.domain.pricing import quote_request
from studio.jobs.budget import BudgetLimits
from studio.jobs.service import Studio
from studio.ui.agent_tools import TOOL_NAMES

from .studio_support import served

MODEL = "kling/kling-3.0/standard/text-to-video"
OWNER = "mcp-test-owner-" + "7" * 24
CAP = Decimal("3.00")


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    """A running studio (offline, fast simulator, a $3 cap per owner key): its base URL and server."""
    home = tmp_path_factory.mktemp("home")
    built = Studio.connect(Settings(data_dir=home), offline=True, queue_seconds=0.2, run_seconds=0.3, render=False, budget=BudgetLimits(session_usd=CAP))
    with served(built) as running:
        yield running


@asynccontextmanager
async def agent(base: str) -> AsyncIterator[ClientSession]:
    async with streamable_http_client(base + "/gradio_api/mcp/") as (read, write, _), ClientSession(read, write) as session:
        await session.initialize()
        yield session


async def call(session: ClientSession, tool: str, **arguments) -> dict:
    """A tool's JSON answer; a refusal fails the test with its text."""
    result = await session.call_tool(tool, arguments)
    assert not result.isError, f"{tool}: {result.content[0].text}"
    return json.loads(result.content[0].text)


async def refused(session: ClientSession, tool: str, **arguments) -> str:
    """A refusal's text (the call must be refused)."""
    result = await session.call_tool(tool, arguments)
    assert result.isError, f"{tool} was not refused: {result.content[0].text[:200]}"
    return result.content[0].text


def jobs_in_journal(server) -> int:
    return len(server.manager.studio.journal.find(limit=10_000))


def download(url: str) -> httpx.Response:
    return httpx.get(url, timeout=30)


async def test_the_tools_are_the_deliberate_set_and_nothing_of_the_page(studio):
    base, _ = studio
    async with agent(base) as session:
        listed = (await session.list_tools()).tools
        assert [t.name for t in listed] == list(TOOL_NAMES)
        for tool in listed:
            assert len(tool.description or "") > 60, tool.name
            assert all(spec.get("description") for spec in tool.inputSchema["properties"].values()), tool.name
        for page_event in ("generate", "on_load", "refresh", "act", "submit_request", "quote", "list_jobs"):
            assert "Unknown tool" in await refused(session, page_event)
    schema = httpx.get(base + "/gradio_api/mcp/schema", timeout=10).json()
    assert [t["name"] for t in schema] == list(TOOL_NAMES)


async def test_sse_transport_offers_the_same_tools(studio):
    base, _ = studio
    async with sse_client(base + "/gradio_api/mcp/sse") as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        assert [t.name for t in (await session.list_tools()).tools] == list(TOOL_NAMES)


async def test_quote_validate_generate_status_and_the_video(studio):
    """The acceptance path: quote → generate → status → video, offline."""
    base, _ = studio
    request = {"prompt": "Wide shot, slow push-in on a lighthouse at dusk", "duration": 3}
    async with agent(base) as session:
        catalog = await call(session, "list_endpoints")
        assert catalog["studio"]["live"] is False and len(catalog["endpoints"]) == 6
        ep = find_endpoint(MODEL)
        quote = await call(session, "quote_request", model_id=MODEL, request=request)
        assert quote["total_usd"] == str(quote_request(request_from_input(request, ep), ep).total) == "0.252"

        checked = await call(session, "validate_request", model_id=MODEL, request={"prompt": "", "duration": 16, "resolution": "4k"})
        assert checked["valid"] is False
        assert {p["field"] for p in checked["problems"]} >= {"request.prompt", "request.duration", "request.resolution"}

        job = await call(session, "generate_video", owner_key=OWNER, model_id=MODEL, request=request)
        [job_id] = job["job_ids"]
        assert job["total_usd"] == "0.252" and job["live"] is False
        for _ in range(300):
            status = await call(session, "job_status", owner_key=OWNER, job_id=job_id)
            if status["finished"]:
                break
            await asyncio.sleep(0.05)
        assert status["status"] == "succeeded", status

        videos = (await call(session, "list_my_videos", owner_key=OWNER))["videos"]
        [video] = [v for v in videos if v["job_id"] == job_id]
        assert video["video_url"] == status["video_url"] and video["video_url"].startswith(base + "/studio/media/")
        film = download(video["video_url"])
        assert film.status_code == 200 and film.headers["content-type"] == "video/mp4" and film.content[4:8] == b"ftyp"
        assert download(video["video_url"][:-4] + "0000").status_code == 404  # a changed signature

        # Another owner key sees nothing of it.
        other = "someone-else-" + "9" * 24
        assert await call(session, "list_my_videos", owner_key=other) == {"videos": [], "films": []}
        assert (await refused(session, "job_status", owner_key=other, job_id=job_id)).startswith("job_id: no such job")


async def test_over_the_cap_or_the_limit_nothing_is_submitted(studio):
    base, server = studio
    owner = "cap-owner-" + "5" * 24
    request = {"prompt": "Aerial shot over a glacier", "duration": 15}
    async with agent(base) as session:
        before = jobs_in_journal(server)
        quote = await call(session, "quote_request", model_id="kling/kling-3.0/4k/text-to-video", request=request)
        assert quote["total_usd"] == "6.30" and quote["needs_confirmation"] is True
        text = await refused(session, "generate_video", owner_key=owner, model_id="kling/kling-3.0/4k/text-to-video", request=request)
        assert text.startswith("confirm_total_usd: this costs 6.30 USD") and text.endswith("Nothing was submitted.")
        text = await refused(session, "generate_video", owner_key=owner, model_id="kling/kling-3.0/4k/text-to-video", request=request, confirm_total_usd="6.30")
        assert text.startswith("budget: this clip costs $6.30") and "$3.00 cap" in text and text.endswith("Nothing was submitted.")
        text = await refused(session, "generate_video", owner_key=owner, model_id=MODEL, request={"prompt": "x", "duration": 3}, takes=9)
        assert text.startswith("takes: 9 is more than 8")
        text = await refused(session, "generate_video", owner_key=owner, model_id=MODEL, request={"prompt": "x", "duration": 3}, takes="many")
        assert text == "takes: must be a whole number"
        assert jobs_in_journal(server) == before
        assert await call(session, "list_my_videos", owner_key=owner) == {"videos": [], "films": []}


async def test_a_storyboard_is_planned_run_and_stitched(studio):
    base, _ = studio
    owner = "board-owner-" + "3" * 24
    board = {"title": "Harbour", "continuity": False, "shots": [{"prompt": f"the harbour, shot {i}", "duration": 4} for i in range(5)]}
    async with agent(base) as session:
        planned = await call(session, "plan_storyboard", storyboard=board)
        assert [c["seconds"] for c in planned["clips"]] == [12, 8] and planned["total_usd"] == "1.68"
        run = await call(session, "start_storyboard", owner_key=owner, storyboard=board)
        assert run["total_usd"] == "1.68" and run["clips"] == 2
        for _ in range(600):
            state = await call(session, "storyboard_progress", owner_key=owner, run_id=run["run_id"])
            if state.get("done"):
                break
            await asyncio.sleep(0.1)
        assert state["stage"] == "done" and "file" not in state, state
        assert download(state["video_url"]).content[4:8] == b"ftyp"
        [film] = (await call(session, "list_my_videos", owner_key=owner))["films"]
        assert film["run_id"] == run["run_id"] and film["video_url"] == state["video_url"] and len(film["clip_job_ids"]) == 2
        assert (await refused(session, "storyboard_progress", owner_key="not-" + owner, run_id=run["run_id"])).startswith("run_id:")


async def test_a_visitors_own_key_is_never_logged_stored_or_returned(studio, caplog):
    """Offline the key is not even used; it must still leave no trace."""
    base, server = studio
    key = "rc-visitor-key-" + "Z" * 24
    owner = "key-owner-" + "1" * 24
    caplog.set_level(logging.DEBUG)
    async with agent(base) as session:
        job = await call(session, "generate_video", owner_key=owner, model_id=MODEL, request={"prompt": "a fox in snow", "duration": 3}, runcomfy_api_key=key)
        status = await call(session, "job_status", owner_key=owner, job_id=job["job_ids"][0], runcomfy_api_key=key)
        text = await refused(session, "generate_video", owner_key=owner, model_id=MODEL, request={"prompt": "", "duration": 3}, runcomfy_api_key=key)
    assert key not in json.dumps(job) + json.dumps(status) + text
    # The test's own MCP client logs what it sends at DEBUG; the studio's side logs nothing of it.
    assert not [r.name for r in caplog.records if key in r.getMessage() and not r.name.startswith("mcp.client")]
    home = server.manager.settings.data_dir
    assert not any(key.encode() in f.read_bytes() for f in home.rglob("*") if f.is_file())
