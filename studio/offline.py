"""Offline mode: start the embedded RunComfy simulator on loopback and point the studio at it.

Nothing in the client changes: the simulator gets its own base URL, its own token, and its
loopback file host is added to the download allowlist (as ``STUDIO_EXTRA_DOWNLOAD_HOSTS``
would), so the same code path that talks to RunComfy talks to it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from studio.client.credentials import Token
from studio.config import Settings
from studio.errors import ConfigError

__all__ = ["start_simulator", "simulator_options_from_env"]


def simulator_options_from_env(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Phase times of the embedded simulator (``STUDIO_SIM_QUEUE_SECONDS``,
    ``STUDIO_SIM_RUN_SECONDS``), and ``STUDIO_SIM_IMAGE_FETCH=placeholder`` to render a stand-in
    for an image URL it cannot fetch (the default, ``required``, fails the job as RunComfy would)."""
    env = os.environ if env is None else env
    options: dict[str, Any] = {}
    fetch = env.get("STUDIO_SIM_IMAGE_FETCH", "").strip().lower()
    if fetch:
        if fetch not in ("placeholder", "required"):
            raise ConfigError(f"STUDIO_SIM_IMAGE_FETCH: {fetch!r} is not placeholder or required")
        options["image_fetch"] = fetch
    for name, key in (("STUDIO_SIM_QUEUE_SECONDS", "queue_seconds"), ("STUDIO_SIM_RUN_SECONDS", "run_seconds")):
        raw = env.get(name, "").strip()
        if raw:
            try:
                options[key] = float(raw)
            except ValueError:
                raise ConfigError(f"{name}: {raw!r} is not a number of seconds") from None
    return options


def _start_on_previous_port(server_cls: Any, config: Any, data_dir: Any, host: str) -> Any:
    """Start on the port used last time when it is free, so URLs it handed out (uploaded start
    images of jobs still in flight) keep working across restarts; else on any free port."""
    port_file = data_dir / "port"
    try:
        previous = int(port_file.read_text().strip())
    except (OSError, ValueError):
        previous = 0
    for port in ([previous] if previous else []) + [0]:
        try:
            server = server_cls(config, data_dir=data_dir, host=host, port=port).start()
        except OSError:
            continue
        port_file.write_text(str(server.port))
        return server
    raise ConfigError("could not start the local simulator on 127.0.0.1")


def start_simulator(settings: Settings, **config: Any) -> tuple[Any, Settings, Token]:
    """A started simulator, settings that point at it, and the token it accepts."""
    from studio.simulator.config import SimulatorConfig
    from studio.simulator.server import SimulatorServer

    host = "127.0.0.1"
    # It fetches the images it is given, as RunComfy does, from its own loopback upload host.
    options = {"image_fetch": "required", "http_image_hosts": (host,), "persist_jobs": True, **config}
    data_dir = settings.data_dir / "simulator"
    server = _start_on_previous_port(SimulatorServer, SimulatorConfig(**options), data_dir, host)
    # Only the simulator's own upload host is trusted over http (this host and this port), plus
    # the exact hosts the configuration names (STUDIO_HTTP_IMAGE_HOSTS: the studio's own file
    # route in a local test of the `space` image host), as the studio itself trusts them.
    own_host = f"{host}:{server.port}"
    if "http_image_hosts" not in config:
        trusted = tuple(dict.fromkeys((own_host, *settings.http_image_hosts)))
        server.set_config(server.config.with_changes(http_image_hosts=trusted))
    sim_settings = settings.evolve(
        http_image_hosts=tuple(dict.fromkeys((*settings.http_image_hosts, own_host))),
        backend="offline",
        api_base=server.api_base,
        account_base=f"{server.base_url}/prod/v2",
        extra_download_hosts=tuple(dict.fromkeys((*settings.extra_download_hosts, host))),
    )
    return server, sim_settings, Token(server.config.token, "the local simulator")
