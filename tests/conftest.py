"""Shared fixtures: every test runs with its own studio home and no real credentials."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# RunComfy's catalog as published (tests/fixtures/README.md): every simulator a test starts, in
# this process or a child, serves and enforces it instead of the studio's bundled snapshots.
PUBLISHED_CATALOG = Path(__file__).resolve().parent / "fixtures" / "runcomfy_catalog.json"
# Set before any test module is imported: module-level SimulatorConfig()s read it when built.
os.environ["STUDIO_SIM_CATALOG"] = str(PUBLISHED_CATALOG)

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
    monkeypatch.setenv("STUDIO_SIM_CATALOG", str(PUBLISHED_CATALOG))
    yield
