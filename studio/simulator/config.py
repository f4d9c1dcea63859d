"""The simulator's knobs: one frozen :class:`SimulatorConfig`, changed only by replacement.

Each field picks one documented reading of the RunComfy protocol where the sources disagree
(for example whether a failed job says ``failed`` or ``completed`` on /status), or sets a
timing, so the studio's client can be tested against every variant. This module only holds
values and checks them; it does no I/O.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

__all__ = ["SimulatorConfig", "CHOICES"]

# The allowed values of every enumerated field; the first one is the default.
CHOICES: Mapping[str, tuple[str, ...]] = {
    "status_failure_spelling": ("failed", "completed"),
    "result_success_status": ("succeeded", "completed"),
    "output_shape": ("video", "videos", "url", "list"),
    "auth_error_style": ("401", "400004"),
    "insufficient_balance_style": ("402", "400002"),
    "bad_model_style": ("404", "400001"),
    "error_shape": ("string", "object", "top_level"),
    "image_fetch": ("placeholder", "required"),
}


@dataclass(frozen=True)
class SimulatorConfig:
    """How the simulated RunComfy Model API behaves. Change it with :meth:`with_changes`."""

    token: str = "sim-token"
    # Tokens of other valid accounts: accepted, but they do not own each other's jobs (403001).
    extra_tokens: tuple[str, ...] = ()
    queue_seconds: float = 2.0
    run_seconds: float = 3.0
    # queue_position counts down from here to 1 during the queue phase.
    queue_start_position: int = 3
    status_failure_spelling: Literal["failed", "completed"] = "failed"
    result_success_status: Literal["succeeded", "completed"] = "succeeded"
    # RunComfy documents output as an object, a bare URL string or an array of URLs.
    output_shape: Literal["video", "videos", "url", "list"] = "video"
    auth_error_style: Literal["401", "400004"] = "401"
    insufficient_balance_style: Literal["402", "400002"] = "402"
    bad_model_style: Literal["404", "400001"] = "404"
    # Unknown input keys are refused with 422 (True) or ignored (False).
    strict: bool = True
    allow_data_uris: bool = False
    retention_seconds: float = 86400.0
    balance_usd: float = 25.0
    # When True, a submit whose cost exceeds the remaining balance is refused.
    enforce_balance: bool = False
    echo_input: bool = False
    # A failed job's /result: "error" as a string, as an object, or error_code/error_message
    # at the top level of the 200 answer.
    error_shape: Literal["string", "object", "top_level"] = "string"
    # Result file downloads are paced to this many bytes per second (0: as fast as possible),
    # like a slow network, so a test can stop the studio in the middle of a download.
    download_bytes_per_second: float = 0.0
    # False: skip real encoding and serve one tiny MP4 made once with the renderer.
    render: bool = True
    image_fetch: Literal["placeholder", "required"] = "placeholder"
    # Exact hosts ("host" or "host:port") whose http:// image URLs are accepted, as the offline
    # studio's own upload host is; RunComfy itself accepts only https.
    http_image_hosts: tuple[str, ...] = ()
    # Keep jobs in data_dir/jobs.json across restarts (offline mode), as RunComfy keeps them.
    persist_jobs: bool = False
    # Base of output URLs; None means the base URL the client used to reach the server.
    file_base_url: str | None = None
    # Base (scheme://host[:port], without /v1) of status/result/cancel URLs; None means the
    # base URL the client used.
    api_base_url: str | None = None
    # A catalog file in RunComfy's published shape (``{"models": [...]}``, as
    # ``GET /v1/models?include_schema=true`` answers) to serve and enforce instead of the
    # studio's bundled snapshots. The tests point it at RunComfy's published catalog
    # (tests/fixtures/runcomfy_catalog.json) through STUDIO_SIM_CATALOG.
    catalog_file: str = field(default_factory=lambda: os.environ.get("STUDIO_SIM_CATALOG", ""))

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name}: {getattr(self, name)!r} is not one of {', '.join(allowed)}")
        for name in ("queue_seconds", "run_seconds", "retention_seconds", "balance_usd", "download_bytes_per_second"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name}: must be a number >= 0, not {value!r}")
        position = self.queue_start_position
        if isinstance(position, bool) or not isinstance(position, int) or position < 1:
            raise ValueError(f"queue_start_position: must be an integer >= 1, not {position!r}")
        for f in fields(self):
            if f.type == "bool" and not isinstance(getattr(self, f.name), bool):
                raise ValueError(f"{f.name}: must be true or false, not {getattr(self, f.name)!r}")
        hosts = self.http_image_hosts
        if not isinstance(hosts, tuple) or not all(isinstance(h, str) and h for h in hosts):
            raise ValueError(f"http_image_hosts: must be a list of host names, not {hosts!r}")
        if not isinstance(self.token, str) or not self.token:
            raise ValueError("token: must be a non-empty string")
        for name in ("file_base_url", "api_base_url"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, str) and value.startswith(("http://", "https://"))):
                raise ValueError(f"{name}: must be an http(s) URL or None, not {value!r}")

    def with_changes(self, **changes: Any) -> SimulatorConfig:
        """A copy with ``changes`` applied; unknown names or bad values raise ValueError."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown config field(s): {', '.join(unknown)}")
        for name in ("extra_tokens", "http_image_hosts"):
            if name in changes and not isinstance(changes[name], str):
                changes[name] = tuple(changes[name])
        for name in ("file_base_url", "api_base_url"):
            if isinstance(changes.get(name), str):
                changes[name] = changes[name].rstrip("/")
        return replace(self, **changes)

    def accepts(self, token: str | None) -> bool:
        """Whether ``token`` belongs to any simulated account."""
        return token is not None and (token == self.token or token in self.extra_tokens)

    def as_json(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["extra_tokens"] = list(self.extra_tokens)
        data["http_image_hosts"] = list(self.http_image_hosts)
        return data
