"""Shared fixtures: every test runs with its own studio home and no real credentials."""

from __future__ import annotations

import pytest

_CREDENTIALS = ("RUNCOMFY_TOKEN", "RUNCOMFY_API_KEY", "RUNCOMFY_CONFIG_DIR", "RUNCOMFY_MODEL_API_BASE")


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """No token from the developer's machine, a private data dir and Gradio temp dir per test."""
    for name in _CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("STUDIO_HOME", str(tmp_path / "studio-home"))
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    yield
