"""Offline mode: start the embedded RunComfy simulator on loopback and point the studio at it.

Nothing in the client changes: the simulator gets its own base URL, its own token, and its
loopback file host is added to the download allowlist (as ``STUDIO_EXTRA_DOWNLOAD_HOSTS``
would), so the same code path that talks to RunComfy talks to it.
"""

from __future__ import annotations

from typing import Any

from .config import Settings
from .credentials import Token

__all__ = ["start_simulator"]


def start_simulator(settings: Settings, **config: Any) -> tuple[Any, Settings, Token]:
    """A started simulator, settings that point at it, and the token it accepts."""
    from .simulator.config import SimulatorConfig
    from .simulator.server import SimulatorServer

    server = SimulatorServer(SimulatorConfig(**config), data_dir=settings.data_dir / "simulator").start()
    host = server.base_url.split("//", 1)[1].rsplit(":", 1)[0]
    sim_settings = settings.evolve(
        backend="offline",
        api_base=server.api_base,
        account_base=f"{server.base_url}/prod/v2",
        extra_download_hosts=tuple(dict.fromkeys((*settings.extra_download_hosts, host))),
    )
    return server, sim_settings, Token(server.config.token, "the local simulator")
