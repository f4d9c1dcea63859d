"""Gradio sessions in the studio (studio.ui.sessions): no per-block configuration copies, no
deep links, and Gradio still shaped the way the replacement assumes.

What an outsider's API calls cost in memory and files is tested from the outside in
tests/test_attack_surface.py; the CPU and memory per call, against Gradio's own sessions, are
measured by bench/bench_sessions.py (no timing here).
"""

from __future__ import annotations

import gradio as gr
from gradio.state_holder import SessionState, StateHolder
from starlette.testclient import TestClient

from studio.config import Settings
from studio.jobs.service import Studio
from studio.ui import create_server
from studio.ui.sessions import DEEP_LINK_PATH, LeanSessionState, LeanStateHolder, lean_sessions


def _server(tmp_path):
    studio = Studio.connect(Settings(data_dir=tmp_path), offline=True, render=False)
    return create_server(studio)


def test_gradio_still_has_what_the_studio_replaces(tmp_path):
    """A Gradio upgrade that adds to a session, or stops keeping sessions in ``session_data``,
    fails here instead of silently breaking the lean sessions."""
    server = _server(tmp_path)
    try:
        demo = server.demo
        assert set(vars(SessionState(demo))) == set(vars(LeanSessionState(demo)))
        for name in ("_update_config", "_update_value_in_config", "components", "__setitem__"):
            assert name in vars(SessionState), name
        assert {"session_data", "SessionState"} <= set(StateHolder.__getitem__.__code__.co_names)
        assert {"default_config", "config_values"} <= set(SessionState.__init__.__code__.co_names)
    finally:
        server.close()


def test_a_served_studio_makes_lean_sessions_that_keep_their_own_blocks(tmp_path):
    server = _server(tmp_path)
    try:
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
    finally:
        server.close()


def test_sessions_made_before_are_made_lean_too(tmp_path):
    server = _server(tmp_path)
    try:
        holder = server.demo.state_holder
        holder.__class__ = StateHolder
        holder.session_data["early"] = SessionState(server.demo)
        assert holder.session_data["early"].config_values
        lean_sessions(server.demo)
        assert type(holder) is LeanStateHolder
        assert type(holder["early"]) is LeanSessionState and holder["early"].config_values == {}
    finally:
        server.close()


def test_the_deep_link_route_writes_nothing(tmp_path):
    server = _server(tmp_path)
    try:
        with TestClient(server.app) as client:
            answer = client.get(DEEP_LINK_PATH, params={"session_hash": "a-visitor"})
        assert answer.status_code == 404 and answer.json() == {"error": "this studio has no deep links"}
    finally:
        server.close()
