"""Settings: base URLs, data directory, and every policy number (timeouts, retries, polling).

All numbers live here as named defaults, each overridable from the environment, so no other
module holds a timeout or a retry count. ``Settings`` never holds the API token; see
:mod:`studio.credentials`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from .errors import ConfigError

__all__ = ["Settings", "DEFAULT_API_BASE", "DEFAULT_ACCOUNT_BASE", "DOWNLOAD_CAP_BYTES", "default_data_dir"]

DEFAULT_API_BASE = "https://model-api.runcomfy.net/v1"
# Balance lives on the Serverless API host, one wallet for all products.
DEFAULT_ACCOUNT_BASE = "https://api.runcomfy.net/prod/v2"
# The official CLI refuses any single result download over 2 GiB.
DOWNLOAD_CAP_BYTES = 2 * 1024**3


def default_data_dir(env: Mapping[str, str]) -> Path:
    """``$STUDIO_HOME``, else ``$XDG_DATA_HOME/kling-studio``, else ``~/.local/share/kling-studio``."""
    if env.get("STUDIO_HOME"):
        return Path(env["STUDIO_HOME"]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "kling-studio"


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}: {raw!r} is not a number") from None
    if value < 0 or value != value:
        raise ConfigError(f"{name}: must be a number of at least 0, not {raw!r}")
    return value


def _base(env: Mapping[str, str], name: str, default: str) -> str:
    return (env.get(name, "").strip() or default).rstrip("/")


@dataclass(frozen=True)
class Settings:
    """Where the studio talks to and how patiently. Build with :meth:`from_env`."""

    # "live" (RunComfy) or "offline" (the local simulator); jobs are resumed only by their own backend.
    backend: str = "live"
    api_base: str = DEFAULT_API_BASE
    account_base: str = DEFAULT_ACCOUNT_BASE
    data_dir: Path = field(default_factory=lambda: default_data_dir(os.environ))
    extra_download_hosts: tuple[str, ...] = ()

    # Timeouts (seconds). Reads are short; a submit may take longer to be accepted.
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    submit_timeout: float = 60.0
    download_read_timeout: float = 120.0
    pool_timeout: float = 10.0

    # Retries of reads (status, result, catalog, downloads): capped exponential backoff.
    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    # A Retry-After longer than this is not waited out inside one call.
    max_retry_after: float = 60.0

    # Polling and deadlines.
    poll_interval: float = 2.0
    job_deadline: float = 3600.0

    download_cap_bytes: int = DOWNLOAD_CAP_BYTES

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from the environment (``os.environ`` by default)."""
        env = os.environ if env is None else env
        hosts = tuple(
            h.strip().lower() for h in env.get("STUDIO_EXTRA_DOWNLOAD_HOSTS", "").split(",") if h.strip()
        )
        return cls(
            api_base=_base(env, "RUNCOMFY_MODEL_API_BASE", DEFAULT_API_BASE),
            account_base=_base(env, "RUNCOMFY_SERVERLESS_API_BASE", DEFAULT_ACCOUNT_BASE),
            data_dir=default_data_dir(env),
            extra_download_hosts=hosts,
            poll_interval=_float(env, "STUDIO_POLL_SECS", cls.poll_interval),
            job_deadline=_float(env, "STUDIO_JOB_DEADLINE", cls.job_deadline),
            read_timeout=_float(env, "STUDIO_READ_TIMEOUT", cls.read_timeout),
            submit_timeout=_float(env, "STUDIO_SUBMIT_TIMEOUT", cls.submit_timeout),
            max_retries=int(_float(env, "STUDIO_MAX_RETRIES", cls.max_retries)),
            backoff_base=_float(env, "STUDIO_BACKOFF_BASE", cls.backoff_base),
            download_cap_bytes=int(_float(env, "STUDIO_DOWNLOAD_CAP_BYTES", cls.download_cap_bytes)),
        )

    def evolve(self, **changes: object) -> Settings:
        """A copy with some settings changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def journal_path(self) -> Path:
        return self.data_dir / "journal.sqlite3"

    @property
    def jobs_dir(self) -> Path:
        return self.data_dir / "jobs"
