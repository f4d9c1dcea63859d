"""Gradio sessions in the studio (studio.ui.sessions): no per-block configuration copies, no
deep links, and Gradio still shaped the way the replacement assumes.

What an outsider's API calls cost in memory and files is tested from the outside in
tests/test_attack_surface.py; the CPU and memory per call, against Gradio's own sessions, are
measured by bench/bench_sessions.py (no timing here).
"""

from __future__ import annotations

import gradio as gr
import pytest
from gradio.state_holder import SessionState, StateHolder
from starlette.testclient import TestClient

from studio.config import Settings
from studio.jobs.service import Studio
from studio.ui import create_server
from studio.ui.sessions import DEEP_LINK_PATH, LeanSessionState, LeanStateHolder, lean_sessions


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One studio server for the module (building one takes about two seconds)."""
    studio = Studio.connect(Settings(data_dir=tmp_path_factory.mktemp("sessions")), offline=True, render=False)
    made = create_server(studio)
    yield made
    made.close()


def test_gradio_still_has_what_the_studio_replaces(server):
    """A Gradio upgrade that adds to a session, or stops keeping sessions in ``session_data``,
    fails here instead of silently breaking the lean sessions."""
    demo = server.demo
    assert set(vars(SessionState(demo))) == set(vars(LeanSessionState(demo)))
    for name in ("_update_config", "_update_value_in_config", "components", "__setitem__"):
        assert name in vars(SessionState), name
    assert {"session_data", "SessionState"} <= set(StateHolder.__getitem__.__code__.co_names)
    assert {"default_config", "config_values"} <= set(SessionState.__init__.__code__.co_names)
    # What LeanSessionState.__setitem__ does, and the configuration it leaves out.
    assert set(SessionState.__setitem__.__code__.co_names) == {
        "gradio.components", "State", "blocks_config", "blocks", "get", "isinstance", "time_to_live",
        "datetime", "now", "_state_ttl", "state_data", "config_values", "config_for_block",
    }


def test_a_served_studio_makes_lean_sessions_that_keep_their_own_blocks(server):
    holder = server.demo.state_holder
    assert type(holder) is LeanStateHolder
    session = holder["a-visitor"]
    assert type(session) is LeanSessionState and session.config_values == {}
    assert holder["a-visitor"] is session and "a-visitor" in holder.session_data
    # A component a handler changed (gr.update) is this session's own, as in Gradio's.
    block_id, block = next((i, b) for i, b in server.demo.blocks.items() if isinstance(b, gr.Textbox))
    changed = gr.Textbox(label="changed", render=False)
    session[block_id] = changed
    assert session[block_id] is changed and holder["another-visitor"][block_id] is block
    assert server.demo.blocks[block_id] is block and session.config_values == {}
    assert list(session.components) == []


def test_sessions_made_before_are_made_lean_too(server):
    holder = server.demo.state_holder
    holder.__class__ = StateHolder  # as Gradio made it, with a session of Gradio's own
    holder.session_data["early"] = SessionState(server.demo)
    assert holder.session_data["early"].config_values
    lean_sessions(server.demo)
    assert type(holder) is LeanStateHolder
    assert type(holder["early"]) is LeanSessionState and holder["early"].config_values == {}


def test_the_deep_link_route_writes_nothing(server):
    with TestClient(server.app) as client:
        answer = client.get(DEEP_LINK_PATH, params={"session_hash": "a-visitor"})
    assert answer.status_code == 404 and answer.json() == {"error": "this studio has no deep links"}
