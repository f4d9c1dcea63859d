"""Gradio's web app made once per studio (studio.ui.one_app), the queue on the mounted app, and
Gradio still shaped the way that relies on. The CPU a start saves is measured by
bench/bench_boot.py (no timing here)."""

from __future__ import annotations

import json

import gradio.blocks
import gradio.routes
import httpx
import pytest

from studio.config import Settings
from studio.jobs.service import Studio
from studio.ui.one_app import adopt_mounted_app, one_gradio_app
from tests import gradio_http
from tests.studio_support import served


def test_gradio_still_makes_its_apps_where_the_window_expects():
    """A Gradio upgrade that makes the app elsewhere, or imports ``App`` differently, fails here
    instead of silently making the throwaway apps again (or none at all)."""
    assert gradio.blocks.App is gradio.routes.App
    for function in (gradio.blocks.Blocks.queue, gradio.blocks.Blocks.__exit__):
        assert "App" in function.__code__.co_names and "create_app" in function.__code__.co_names, function
    assert "queue" in gradio.blocks.Blocks.__init__.__code__.co_names  # the first of the four


def test_the_window_makes_no_app_and_always_closes():
    with one_gradio_app():
        with gradio.blocks.Blocks() as demo:
            gradio.Textbox()
        demo.queue(default_concurrency_limit=2)
        assert demo.app is None
    assert gradio.blocks.App is gradio.routes.App
    with pytest.raises(ZeroDivisionError), one_gradio_app():
        1 / 0  # noqa: B018
    assert gradio.blocks.App is gradio.routes.App


def test_adopting_refuses_an_app_that_is_not_the_mounted_one():
    from fastapi import FastAPI

    with gradio.blocks.Blocks() as other:
        gradio.Textbox()
    with pytest.raises(RuntimeError, match="not mounted as expected"):
        adopt_mounted_app(other, FastAPI())


def test_a_served_studio_makes_one_app_and_its_queue_uses_it(tmp_path, monkeypatch):
    made = []
    create_app = gradio.routes.App.create_app

    def counted(*args, **kwargs):
        made.append(create_app(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(gradio.routes.App, "create_app", staticmethod(counted))
    studio = Studio.connect(Settings(data_dir=tmp_path / "home", poll_interval=0.05), offline=True, queue_seconds=0.1, run_seconds=0.1, render=False)
    with served(studio) as (url, server):
        assert len(made) == 1 and server.demo.app is made[0]  # Gradio's own build made four
        with httpx.Client(base_url=url, timeout=30) as client:
            request = json.dumps({"prompt": "wide shot, a red lighthouse", "duration": 5})
            kind, answer = gradio_http.call(client, "quote", ["kling/kling-3.0/pro/text-to-video", request, 1])  # a queued event
            assert kind == "complete" and answer[0]["total_usd"] == "0.56", answer
            assert client.get("/").status_code == 200
