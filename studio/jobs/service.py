"""The ``Studio`` facade: one object that owns the HTTP clients, the API, the journal and the runner.

The command line and the browser UI call this, never HTTP. ``Studio.connect`` decides between
live mode (a RunComfy token was found) and offline mode (the embedded simulator on loopback);
the client code path is the same in both, only the base URL, token and file host differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studio.client.api import RunComfyApi
from studio.client.credentials import Token, resolve_token
from studio.client.http import HttpClient
from studio.config import Settings
from studio.errors import ConfigError
from studio.jobs.budget import BudgetGuard, BudgetLimits
from studio.jobs.journal import Journal, open_journal
from studio.jobs.runner import JobRunner

__all__ = ["Studio", "Mode"]


@dataclass(frozen=True)
class Mode:
    """Live (RunComfy, real charges) or offline (local simulator, no charges)."""

    live: bool
    description: str


class Studio:
    """Everything a job needs, created once per process."""

    def __init__(
        self,
        settings: Settings,
        token: Token | None,
        *,
        mode: Mode | None = None,
        simulator: Any = None,
        transport: Any = None,
        public_transport: Any = None,
        budget: BudgetLimits | None = None,
    ) -> None:
        self.settings = settings
        self.mode = mode or Mode(live=True, description=f"Live: RunComfy at {settings.api_base}")
        self.simulator = simulator
        self.http = HttpClient(
            settings,
            token.value if token else None,
            transport=transport,
            public_transport=public_transport,
        )
        self.api = RunComfyApi(self.http)
        self.journal: Journal = open_journal(settings.journal_path)
        limits = budget if budget is not None else BudgetLimits.from_settings(settings)
        self.budget = BudgetGuard(self.journal, limits) if limits.any else None
        self.runner = JobRunner(self.api, self.journal, settings, budget=self.budget)

    def __repr__(self) -> str:
        return f"Studio({self.mode.description!r})"

    @classmethod
    def connect(
        cls,
        settings: Settings | None = None,
        *,
        offline: bool | None = None,
        budget: BudgetLimits | None = None,
        **sim_options: Any,
    ) -> Studio:
        """Live with a token; offline on the embedded simulator when asked, or when no token and
        ``offline`` is None. ``offline=False`` without a token raises ConfigError."""
        settings = settings or Settings.from_env()
        token = resolve_token()
        if offline is None:
            offline = token is None
        if offline:
            from studio.offline import simulator_options_from_env, start_simulator

            options = {**simulator_options_from_env(), **sim_options}
            server, sim_settings, sim_token = start_simulator(settings, **options)
            mode = Mode(live=False, description="Offline preview: local animatics, no charges")
            return cls(sim_settings, sim_token, mode=mode, simulator=server, budget=budget)
        if token is None:
            raise ConfigError(
                "no RunComfy token: set RUNCOMFY_TOKEN (or RUNCOMFY_API_KEY), or run `runcomfy login`; "
                "add --offline to preview on the local simulator"
            )
        return cls(settings, token, budget=budget)

    async def aclose(self) -> None:
        await self.http.aclose()
        self.journal.close()
        if self.simulator is not None:
            self.simulator.stop()

    async def __aenter__(self) -> Studio:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
