"""The studio's MCP server: Gradio's own (``gradio[mcp]``, at ``/gradio_api/mcp/``), narrowed
to the agent tools of :mod:`studio.ui.agent_tools`.

Gradio makes every public endpoint with an ``api_name`` an MCP tool, so the page's own events
(``/generate``, ``/load``, ``/jobs``, ``/act`` …) and the JSON twin would all be tools.
:func:`narrow_mcp` keeps only the deliberate set in the server's tool table, which listing the
tools and calling one both read: any other name is an unknown tool. The page's events stay
public to ``gradio_client`` as before. It also makes each answer JSON text (Gradio writes a
returned dict as Python's ``str()``) and refuses an argument of the wrong type or name with a
message naming it (the MCP library's own check names no field and echoes the value).

These reach into Gradio 6.31's ``GradioMCPServer`` (``tool_to_endpoint``,
``postprocess_output_data``, ``get_input_schema``, ``mcp_server``); tests/test_agent_tools.py
fails when an upgrade renames one, and :func:`narrow_mcp` refuses to start rather than serve
the page's events as tools.
"""

from __future__ import annotations

import importlib.util
import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import gradio as gr

from studio.domain import bounds
from studio.errors import ConfigError
from studio.ui.agent_tools import TOOL_NAMES

__all__ = ["MCP_PATH", "mcp_wanted", "narrow_mcp", "argument_problems"]

log = logging.getLogger("studio.ui")

MCP_PATH = "/gradio_api/mcp/"
_OFF = ("0", "false", "no", "off")
_TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false", "object": "an object {...}", "array": "a list"}


def mcp_wanted(env: Mapping[str, str]) -> bool:
    """Whether to serve the MCP server: on, unless ``GRADIO_MCP_SERVER`` says false or the
    ``mcp`` package (``gradio[mcp]``) is missing."""
    if env.get("GRADIO_MCP_SERVER", "").strip().lower() in _OFF:
        return False
    if importlib.util.find_spec("mcp") is None:
        log.warning("the MCP server is off: its package is missing (pip install 'gradio[mcp]')")
        return False
    return True


def narrow_mcp(demo: gr.Blocks, tools: Iterable[str] = TOOL_NAMES) -> None:
    """Make the mounted app's MCP server offer ``tools`` (api names) and nothing else."""
    server = getattr(demo, "mcp_server_obj", None)
    if server is None:  # no MCP server (turned off, or Gradio could not start it): nothing to narrow
        if getattr(demo, "mcp_error", None):
            log.warning("%s", demo.mcp_error)
        return
    table = getattr(server, "tool_to_endpoint", None)
    if not isinstance(table, dict):
        raise ConfigError("this Gradio's MCP server has no tool table the studio can narrow; it would offer the page's events as tools")
    wanted = {"/" + name for name in tools}
    kept = {tool: endpoint for tool, endpoint in table.items() if endpoint in wanted}
    missing = wanted - set(kept.values())
    if missing:
        raise ConfigError(f"the MCP server lacks the tools {', '.join(sorted(missing))}")
    table.clear()
    table.update(kept)
    try:
        _answer_json(server)
        _check_arguments(server)
    except (AttributeError, ImportError, KeyError) as exc:  # still safe: only the tools are there
        log.warning("the MCP server answers as Gradio does (%s)", exc)


def _answer_json(server: Any) -> None:
    """Each dict or list a tool returns reaches the client as JSON text."""
    original = server.postprocess_output_data

    def as_json(data: list[Any], root_url: str) -> Any:
        return original([json.dumps(d, ensure_ascii=False) if isinstance(d, (dict, list)) else d for d in data], root_url)

    server.postprocess_output_data = as_json


def _check_arguments(server: Any) -> None:
    """Arguments are checked against the tool's schema first, each problem naming its argument."""
    from mcp import types

    lowlevel = server.mcp_server
    inner = lowlevel.request_handlers[types.CallToolRequest]

    async def checked(req: Any) -> Any:
        problems = argument_problems(server, req.params.name, req.params.arguments)
        if problems:
            text = "; ".join(problems)
            return types.ServerResult(types.CallToolResult(content=[types.TextContent(type="text", text=text)], isError=True))
        return await inner(req)

    lowlevel.request_handlers[types.CallToolRequest] = checked


def argument_problems(server: Any, tool: str, arguments: Any) -> list[str]:
    """``argument: what it must be`` for each missing, unknown or wrongly typed argument of
    ``tool`` (an unknown tool is left to Gradio, which says so)."""
    if tool not in server.tool_to_endpoint:
        return []
    import jsonschema

    schema, _ = server.get_input_schema(tool)
    props: dict[str, Any] = schema.get("properties", {})
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        return ["arguments: must be an object naming each argument"]
    problems = [f"{name}: is required" for name in schema.get("required", []) if name not in arguments]
    for name, value in arguments.items():
        spec = props.get(name)
        if spec is None:
            known = ", ".join(props) or "none"
            problems.append(f"{bounds.shown(name)}: not an argument of {tool} (its arguments: {known})")
        elif not jsonschema.validators.validator_for(spec)(spec).is_valid(value):
            problems.append(f"{name}: must be {_TYPE_WORDS.get(str(spec.get('type')), 'of the type its description gives')}")
    return problems
