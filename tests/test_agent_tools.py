"""The MCP server's tool set, built but not served: exactly the deliberate tools (never the page's
events), described by their docstrings, every argument checked naming its field, caps and the
confirmation held before anything is submitted, and each owner key seeing only its own jobs.

tests/test_mcp.py drives the same tools through a real MCP client against a running studio.
"""

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from studio.config import Settings
from studio.domain.catalog import find_endpoint
from studio.domain.payload import request_from_input
from studio.domain.pricing import quote_request
from studio.errors import ConfigError
from studio.jobs.budget import BudgetLimits
from studio.jobs.service import Studio
from studio.ui import create_server
from studio.ui.agent_args import Refusal
from studio.ui.agent_tools import TOOL_NAMES
from studio.ui.mcp_server import argument_problems, mcp_wanted, narrow_mcp

PAGE_EVENTS = ("/load", "/generate", "/generate_confirmed", "/jobs", "/act")
JSON_TWIN = ("/quote", "/submit_request", "/list_jobs", "/cancel_job", "/storyboard_quote", "/run_storyboard", "/storyboard_status")
MODEL = "kling/kling-3.0/standard/text-to-video"
CAP = Decimal("1.00")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    studio = Studio.connect(Settings(data_dir=home), offline=True, queue_seconds=0.2, run_seconds=0.3, render=False, budget=BudgetLimits(session_usd=CAP))
    server = create_server(studio)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def tools(built):
    [fn] = [f for f in built.demo.fns.values() if f.api_name == "generate_video"]
    return fn.fn.__self__


def _rows(built) -> int:
    return len(built.manager.studio.journal.find(limit=10_000))


# -- the tool set -------------------------------------------------------------------------------


def test_the_mcp_server_offers_exactly_the_tools(built):
    server = built.demo.mcp_server_obj
    assert list(server.tool_to_endpoint) == list(TOOL_NAMES)
    assert set(server.tool_to_endpoint.values()) == {"/" + n for n in TOOL_NAMES}
    # The page's events and the JSON twin stay public to gradio_client, but are no tools.
    public = set(built.demo.get_api_info()["named_endpoints"])
    assert set(PAGE_EVENTS) | set(JSON_TWIN) <= public
    assert not (set(PAGE_EVENTS) | set(JSON_TWIN)) & set(server.tool_to_endpoint.values())


def test_every_tool_and_argument_is_described_by_its_docstring(built):
    server = built.demo.mcp_server_obj
    for name, endpoint in server.tool_to_endpoint.items():
        description, params = server.get_fn_description(server.get_block_fn_from_endpoint_name(endpoint), name)
        assert len(description) > 60 and "Returns:" in description, name
        schema, _ = server.get_input_schema(name, params)
        for arg, spec in schema["properties"].items():
            assert spec.get("description"), f"{name}({arg}) has no description"
        assert "request" not in schema["properties"] or name in ("quote_request", "validate_request", "generate_video"), name


def test_answers_reach_the_client_as_json_text(built):
    [content] = built.demo.mcp_server_obj.postprocess_output_data([{"total_usd": "0.42", "live": False, "error": None}], "http://h")
    assert json.loads(content.text) == {"total_usd": "0.42", "live": False, "error": None}


def test_arguments_of_the_wrong_type_or_name_are_refused_naming_them(built):
    server = built.demo.mcp_server_obj
    found = argument_problems(server, "quote_request", {"model_id": 5, "request": "A" * 100_000, "takes": "x", "bogus": 1})
    assert found[0] == "model_id: must be text" and "request: must be an object {...}" in found
    assert "takes: must be a whole number" in found and any(p.startswith("'bogus': not an argument") for p in found)
    assert all(len(p) < 300 for p in found)  # the value is never echoed
    assert argument_problems(server, "generate_video", {}) == ["owner_key: is required", "model_id: is required", "request: is required"]
    assert argument_problems(server, "generate", {"anything": 1}) == []  # an unknown tool: Gradio says so


def test_narrowing_refuses_a_server_it_does_not_know_and_a_missing_tool():
    narrow_mcp(SimpleNamespace(mcp_server_obj=None))  # MCP off: nothing to do
    with pytest.raises(ConfigError, match="tool table"):
        narrow_mcp(SimpleNamespace(mcp_server_obj=SimpleNamespace()))
    with pytest.raises(ConfigError, match="/quote_request"):
        narrow_mcp(SimpleNamespace(mcp_server_obj=SimpleNamespace(tool_to_endpoint={"generate": "/generate"})), ["quote_request"])


def test_the_server_is_on_unless_turned_off():
    assert mcp_wanted({}) and mcp_wanted({"GRADIO_MCP_SERVER": "true"})
    assert not mcp_wanted({"GRADIO_MCP_SERVER": "False"}) and not mcp_wanted({"GRADIO_MCP_SERVER": "0"})


# -- the tools ----------------------------------------------------------------------------------


def test_a_quote_is_the_pricing_modules_figure(tools):
    request = {"prompt": "Wide shot", "duration": 8, "generate_audio": True}
    answer = tools.quote_request("kling/kling-3.0/pro/text-to-video", request, 2)
    ep = find_endpoint("kling/kling-3.0/pro/text-to-video")
    assert answer["total_usd"] == "2.688" == str(quote_request(request_from_input(request, ep), ep, variants=2).total)
    assert answer["needs_confirmation"] is False
    assert tools.quote_request(MODEL, json.dumps(request))["total_usd"] == "1.008"  # the JSON text of an object too


def test_validation_names_each_field_and_gives_the_body_when_valid(tools):
    bad = tools.validate_request(MODEL, {"prompt": "", "duration": 16, "voice_ids": ["x"]})
    assert bad["valid"] is False
    assert {p["field"] for p in bad["problems"]} >= {"request.duration", "request.voice_ids", "request.prompt"}
    good = tools.validate_request(MODEL, {"prompt": "Wide shot", "duration": 5, "generate_audio": True})
    assert good["valid"] is True and good["payload"]["sound"] is True and good["payload"]["duration"] == 5
    assert tools.validate_request("kling/kling-9", {})["problems"][0]["field"] == "model_id"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"owner_key": "", "model_id": MODEL, "request": {"prompt": "x", "duration": 3}}, "owner_key"),
        ({"owner_key": "o" * 257, "model_id": MODEL, "request": {"prompt": "x", "duration": 3}}, "owner_key"),
        ({"owner_key": "k" * 20, "model_id": 7, "request": {"prompt": "x", "duration": 3}}, "model_id"),
        ({"owner_key": "k" * 20, "model_id": MODEL, "request": [1, 2]}, "request"),
        ({"owner_key": "k" * 20, "model_id": MODEL, "request": {"prompt": "x", "duration": 99}}, "request.duration"),
        ({"owner_key": "k" * 20, "model_id": MODEL, "request": {"prompt": "x", "duration": 3}, "takes": 9}, "takes"),
        ({"owner_key": "k" * 20, "model_id": MODEL, "request": {"prompt": "x", "duration": 3}, "runcomfy_api_key": 5}, "runcomfy_api_key"),
    ],
)
def test_a_bad_generate_is_refused_naming_the_field_and_submits_nothing(built, tools, args, field):
    before = _rows(built)
    with pytest.raises(Refusal) as refused:
        tools.generate_video(**args)
    text = str(refused.value)
    assert text.startswith(field + ":") and text.endswith("Nothing was submitted.") and "Traceback" not in text
    assert _rows(built) == before


def test_a_big_spend_needs_its_total_and_a_cap_is_never_crossed(built, tools):
    owner, before = "confirm-owner-0123456789", _rows(built)
    request = {"prompt": "Wide shot", "duration": 15}
    with pytest.raises(Refusal, match=r'confirm_total_usd: this costs 6\.30 USD for 1 job\(s\).*"6\.30"'):
        tools.generate_video(owner, "kling/kling-3.0/4k/text-to-video", request)
    # Confirmed, it still crosses this studio's $1.00 session cap: refused with the figures.
    with pytest.raises(Refusal, match=r"budget: this clip costs \$6\.30; .* of its \$1\.00 cap"):
        tools.generate_video(owner, "kling/kling-3.0/4k/text-to-video", request, confirm_total_usd="$6.30")
    # Three takes of $0.42 would cross it together: refused as a whole, never two and then a refusal.
    with pytest.raises(Refusal, match=r"budget: .*\$1\.26"):
        tools.generate_video(owner, MODEL, {"prompt": "x", "duration": 5}, 3)
    assert _rows(built) == before


def test_generate_then_follow_and_each_owner_sees_only_its_own(built, tools):
    owner = "mcp-owner-" + "a" * 20
    answer = tools.generate_video(owner, MODEL, {"prompt": "Wide shot, dawn", "duration": 3}, 2)
    assert len(answer["job_ids"]) == 2 and answer["total_usd"] == "0.504" and answer["live"] is False
    assert [j["label"] for j in answer["jobs"]] == ["take 1 of 2", "take 2 of 2"]
    status = tools.job_status(owner, answer["job_ids"][0])
    assert status["job_id"] == answer["job_ids"][0] and status["model_id"] == MODEL and "owner" not in status
    with pytest.raises(Refusal, match=r"^request: this exact request was submitted"):  # an agent's retry
        tools.generate_video(owner, MODEL, {"prompt": "Wide shot, dawn", "duration": 3}, 2)
    with pytest.raises(Refusal, match=r"^job_id: no such job for this owner key"):
        tools.job_status("someone-else-0123456789", answer["job_ids"][0])
    assert tools.list_my_videos("someone-else-0123456789") == {"videos": [], "films": []}


def test_storyboards_are_planned_priced_and_checked_before_they_run(built, tools):
    board = {"title": "Harbour", "continuity": False, "shots": [{"prompt": f"shot {i}", "duration": 4} for i in range(5)]}
    planned = tools.plan_storyboard(board)
    assert [c["seconds"] for c in planned["clips"]] == [12, 8] and planned["total_usd"] == "1.68"
    assert planned["needs_confirmation"] is False
    with pytest.raises(Refusal, match=r"^storyboard\.shots\[2\]\.duration"):
        tools.plan_storyboard({"shots": [{"prompt": "a", "duration": 3}, {"prompt": "b", "duration": "long"}]})
    with pytest.raises(Refusal, match=r"^storyboard\.shots: 180 s in all"):
        tools.plan_storyboard({"shots": [{"prompt": "a", "duration": 10}] * 18})
    long = {"tier": "pro", "shots": [{"prompt": f"s{i}", "duration": 10} for i in range(12)]}
    before = _rows(built)
    with pytest.raises(Refusal, match=r"^confirm_total_usd: .*Nothing was submitted"):
        tools.start_storyboard("board-owner-0123456789", long)
    assert _rows(built) == before
    with pytest.raises(Refusal, match=r"^run_id: no such storyboard"):
        tools.storyboard_progress("board-owner-0123456789", "sb-nothing")
