"""Settings: base URLs, data directory, and every policy number (timeouts, retries, polling, caps, limits).

All numbers live here as named defaults, each overridable from the environment variable named
in its comment (read in :meth:`Settings.from_env`; a bad value is a ConfigError naming the
variable), so no other module holds a timeout or a retry count. ``Settings`` never holds the
API token; see :mod:`studio.client.credentials`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from studio.errors import ConfigError

__all__ = [
    "Settings",
    "DEFAULT_API_BASE",
    "DEFAULT_ACCOUNT_BASE",
    "DOWNLOAD_CAP_BYTES",
    "FFMPEG_TIMEOUT",
    "IMAGE_HOSTS",
    "default_data_dir",
    "on_space",
    "persistent_root",
    "SPACES_PERSISTENT_ROOT",
]

DEFAULT_API_BASE = "https://model-api.runcomfy.net/v1"
# Balance lives on the Serverless API host, one wallet for all products.
DEFAULT_ACCOUNT_BASE = "https://api.runcomfy.net/prod/v2"
# The official CLI refuses any single result download over 2 GiB.
DOWNLOAD_CAP_BYTES = 2 * 1024**3
# Seconds one run of the bundled ffmpeg may take before it is killed: the default of
# Settings.ffmpeg_timeout, and of studio.media's functions when no settings are at hand.
FFMPEG_TIMEOUT = 300.0
# Where local start/end images are published so RunComfy can fetch them ("" = nowhere).
IMAGE_HOSTS = ("s3", "space", "url", "simulator")
# AWS SigV4 presigned URLs live at most 7 days; under a minute is too short for a queued job.
_S3_EXPIRES_RANGE = (60.0, 604800.0)
# The longest a review link may stay open (days).
_MAX_SHARE_DAYS = 365.0
# How long a job of each tier typically runs (seconds, running → done), for the progress bar
# until the journal has finished jobs of that model to learn from (see studio.jobs.run_times).
# RunComfy publishes no times; third-party figures: 45-90 s (720p) and 90-200 s (1080p) for a
# 5 s clip, 4K "several minutes" (docs/runcomfy-api.md §10).
TYPICAL_RUN_SECONDS = {"standard": 90.0, "pro": 150.0, "4k": 300.0}
# The typical time is the median of this many of a model's latest succeeded jobs.
TYPICAL_RUN_SAMPLE = 20


# A Hugging Face Space's persistent storage, when the Space has it (mounted at /data).
SPACES_PERSISTENT_ROOT = Path("/data")


def on_space(env: Mapping[str, str]) -> bool:
    """Whether the studio runs on a Hugging Face Space (which sets ``SPACE_ID``)."""
    return bool(env.get("SPACE_ID", "").strip())


def persistent_root(env: Mapping[str, str], root: Path = SPACES_PERSISTENT_ROOT) -> Path | None:
    """``root`` (a Space's ``/data``) when the studio runs on a Space that has persistent storage
    there (the folder exists and this process may write to it); else None."""
    if not on_space(env):
        return None
    try:
        return root if root.is_dir() and os.access(root, os.W_OK | os.X_OK) else None
    except OSError:
        return None


def default_data_dir(env: Mapping[str, str], *, persistent: Path = SPACES_PERSISTENT_ROOT) -> Path:
    """``$STUDIO_HOME``; else, on a Space with persistent storage, ``/data/kling-studio``; else
    ``$XDG_DATA_HOME/kling-studio``, else ``~/.local/share/kling-studio``.

    ``persistent`` is where a Space mounts its persistent storage (a parameter for tests).
    """
    if env.get("STUDIO_HOME"):
        return Path(env["STUDIO_HOME"]).expanduser()
    root = persistent_root(env, persistent)
    if root is not None:
        return root / "kling-studio"
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


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    """A number of seconds above 0 (a timeout of 0 would fail every call at once)."""
    value = _float(env, name, default)
    if value <= 0 or not math.isfinite(value):
        raise ConfigError(f"{name}: must be a number of seconds above 0, not {env.get(name, '').strip()!r}")
    return value


def _count(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    """A whole number of at least ``minimum``."""
    value = _float(env, name, default)
    if not math.isfinite(value) or value != int(value) or value < minimum:
        raise ConfigError(f"{name}: must be a whole number of at least {minimum}, not {env.get(name, '').strip()!r}")
    return int(value)


def _poll(env: Mapping[str, str], name: str, default: float) -> float:
    value = _positive(env, name, default)
    if value > 1.0:
        raise ConfigError(f"{name}: must be above 0 and at most 1 second, not {value:g}")
    return value


def _usd(env: Mapping[str, str], name: str) -> Decimal | None:
    """An amount in USD of at least 0, or None when unset (no cap)."""
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ConfigError(f"{name}: {raw!r} is not an amount in USD") from None
    if not value.is_finite() or value < 0:
        raise ConfigError(f"{name}: must be an amount of at least 0, not {raw!r}")
    return value


def _refresh(env: Mapping[str, str], name: str, default: float) -> float:
    """Seconds between a page's refreshes: 0.2-60 (faster floods the queue, slower looks stuck)."""
    value = _positive(env, name, default)
    if not 0.2 <= value <= 60:
        raise ConfigError(f"{name}: must be 0.2-60 seconds, not {value:g}")
    return value


def _base(env: Mapping[str, str], name: str, default: str) -> str:
    return (env.get(name, "").strip() or default).rstrip("/")


def _hosts(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(h.strip().lower() for h in env.get(name, "").split(",") if h.strip())


def _image_host(env: Mapping[str, str]) -> str:
    value = env.get("STUDIO_IMAGE_HOST", "").strip().lower()
    if value and value not in IMAGE_HOSTS:
        raise ConfigError(
            f"STUDIO_IMAGE_HOST: {value!r} is not one of {', '.join(IMAGE_HOSTS)} (or empty for none)"
        )
    return value


def _s3_expires(env: Mapping[str, str], default: float) -> float:
    value = _float(env, "STUDIO_S3_URL_EXPIRES", default)
    lo, hi = _S3_EXPIRES_RANGE
    if not lo <= value <= hi:
        raise ConfigError(f"STUDIO_S3_URL_EXPIRES: must be {lo:.0f}-{hi:.0f} seconds (7 days at most), not {value:g}")
    return value


def _share_days(env: Mapping[str, str], default: float) -> float:
    value = _positive(env, "STUDIO_SHARE_DAYS", default)
    if value > _MAX_SHARE_DAYS:
        raise ConfigError(f"STUDIO_SHARE_DAYS: must be above 0 and at most {_MAX_SHARE_DAYS:.0f} days, not {value:g}")
    return value


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
    connect_timeout: float = 5.0  # STUDIO_CONNECT_TIMEOUT: opening a connection
    read_timeout: float = 30.0  # STUDIO_READ_TIMEOUT: an API read's answer (and writes)
    submit_timeout: float = 60.0  # STUDIO_SUBMIT_TIMEOUT: the paid submit's answer
    download_read_timeout: float = 120.0  # STUDIO_DOWNLOAD_READ_TIMEOUT: silence mid-download
    pool_timeout: float = 10.0  # STUDIO_POOL_TIMEOUT: waiting for a free pooled connection

    # Retries of reads (status, result, catalog, downloads): capped exponential backoff
    # (studio.client.retry). A paid submit is retried only when it certainly was not accepted.
    max_retries: int = 4  # STUDIO_MAX_RETRIES: retries after the first try
    backoff_base: float = 0.5  # STUDIO_BACKOFF_BASE: the first wait; it doubles each retry
    backoff_cap: float = 8.0  # STUDIO_BACKOFF_CAP: the longest backoff wait
    # STUDIO_MAX_RETRY_AFTER: a Retry-After longer than this is not waited out inside one call.
    max_retry_after: float = 60.0

    # Polling and deadlines.
    poll_interval: float = 2.0  # STUDIO_POLL_SECS: between two status polls of a job
    job_deadline: float = 3600.0  # STUDIO_JOB_DEADLINE: how long one job is followed

    # STUDIO_DOWNLOAD_CAP_BYTES: the largest result file downloaded.
    download_cap_bytes: int = DOWNLOAD_CAP_BYTES
    # Fetch every image URL anonymously before a paid submit (STUDIO_CHECK_IMAGE_URLS=0 turns it off).
    check_image_urls: bool = True

    # Public URL host for local start/end images (see studio.images): one of IMAGE_HOSTS or "".
    image_host: str = ""
    s3_endpoint_url: str = ""
    s3_bucket: str = ""
    s3_access_key_id: str = field(default="", repr=False)
    s3_secret_access_key: str = field(default="", repr=False)
    s3_region: str = "auto"
    # How long a presigned image URL stays valid (seconds); long enough for a queued job.
    s3_url_expires: float = 6 * 3600.0
    # On a Hugging Face Space: "<owner>-<space>.hf.space" (the first of a comma-separated list).
    space_host: str = ""
    # The app's public https base URL; overrides SPACE_HOST for the `space` image host.
    public_base_url: str = ""
    # Exact hosts ("host" or "host:port") whose http:// image URLs are accepted (offline mode only).
    http_image_hosts: tuple[str, ...] = ()
    # The anonymous fetch check of an image URL: per-request timeout (STUDIO_IMAGE_CHECK_TIMEOUT)
    # and the most bytes it reads (STUDIO_IMAGE_CHECK_CAP_BYTES).
    image_check_timeout: float = 10.0
    image_check_cap_bytes: int = 20 * 1024 * 1024

    # STUDIO_FFMPEG_TIMEOUT: seconds one ffmpeg run (stitching a storyboard, taking a clip's
    # last frame) may take before it is killed.
    ffmpeg_timeout: float = FFMPEG_TIMEOUT
    # The last frames taken to continue from a video (a PNG each, up to ~10 MB at 4K) kept in
    # the process's temporary folder at most (STUDIO_FRAMES_KEPT), the oldest removed first.
    frames_kept: int = 16

    # The page asks before one click spends this much or more (USD, STUDIO_CONFIRM_ABOVE_USD) or
    # submits more jobs than ``confirm_above_jobs`` (STUDIO_CONFIRM_ABOVE_JOBS).
    confirm_above_usd: float = 5.0
    confirm_above_jobs: int = 4

    # Visitors' own RunComfy keys each get an HTTP client; at most this many are kept, the least
    # recently used closed first (STUDIO_VISITOR_CLIENTS). One with a job in flight is kept.
    visitor_clients: int = 64

    # A second identical submit from one browser within this many seconds is a double click
    # (STUDIO_DOUBLE_SUBMIT_SECONDS); the account balance is asked for at most this often
    # (STUDIO_BALANCE_CACHE_SECONDS).
    double_submit_seconds: float = 10.0
    balance_cache_seconds: float = 60.0

    # How often Gradio's queue wakes while it has nothing to do (STUDIO_QUEUE_IDLE_POLL_SECONDS), to
    # look for new events and for progress to send. Gradio's own 1 ms costs an idle studio about
    # 8 % of a core, 10 ms about 2 %, 50 ms about 1 %; but a queued call waits for the next look
    # (a queued /quote: 12 ms at 10 ms, 51 ms at 50 ms; bench/bench_idle_server.py), so 10 ms.
    queue_idle_poll_seconds: float = 0.01

    # A fetched catalog entry (schema and price) is trusted this long (STUDIO_CATALOG_TTL_SECONDS);
    # the typical run times the progress bars use are learnt again this often
    # (STUDIO_RUN_TIMES_SECONDS).
    catalog_ttl_seconds: float = 600.0
    run_times_seconds: float = 30.0

    # A "Share for review" link opens for this many days (STUDIO_SHARE_DAYS; fractions allowed,
    # at most a year), unless its owner stops sharing first.
    share_days: float = 7.0

    # Spending caps in USD, None for no cap (studio.jobs.budget): what one browser session (owner
    # key) may commit (STUDIO_SESSION_CAP_USD) and the whole deployment per UTC day
    # (STUDIO_DAILY_CAP_USD).
    session_cap_usd: Decimal | None = None
    daily_cap_usd: Decimal | None = None

    # The page's server side (Gradio's queue, for the events that cost: an image's decoding, a
    # recipe file, a job's action, a storyboard, the API's runs; what only reshapes the page is
    # answered at once): at most this many of one kind of event run at once
    # (STUDIO_UI_CONCURRENCY), Generate and the submit API at most ``submit_concurrency``
    # (STUDIO_SUBMIT_CONCURRENCY), and at most ``queue_size`` events wait (STUDIO_QUEUE_SIZE);
    # one more is refused with "the queue is full" rather than left waiting without end.
    ui_concurrency: int = 8
    submit_concurrency: int = 16
    queue_size: int = 64
    # While a visitor has jobs in flight, their page asks for news this often (STUDIO_PAGE_REFRESH_SECONDS).
    page_refresh_seconds: float = 1.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from the environment (``os.environ`` by default)."""
        env = os.environ if env is None else env
        hosts = _hosts(env, "STUDIO_EXTRA_DOWNLOAD_HOSTS")
        return cls(
            api_base=_base(env, "RUNCOMFY_MODEL_API_BASE", DEFAULT_API_BASE),
            account_base=_base(env, "RUNCOMFY_SERVERLESS_API_BASE", DEFAULT_ACCOUNT_BASE),
            data_dir=default_data_dir(env),
            extra_download_hosts=hosts,
            poll_interval=_float(env, "STUDIO_POLL_SECS", cls.poll_interval),
            job_deadline=_float(env, "STUDIO_JOB_DEADLINE", cls.job_deadline),
            connect_timeout=_positive(env, "STUDIO_CONNECT_TIMEOUT", cls.connect_timeout),
            read_timeout=_positive(env, "STUDIO_READ_TIMEOUT", cls.read_timeout),
            submit_timeout=_positive(env, "STUDIO_SUBMIT_TIMEOUT", cls.submit_timeout),
            download_read_timeout=_positive(env, "STUDIO_DOWNLOAD_READ_TIMEOUT", cls.download_read_timeout),
            pool_timeout=_positive(env, "STUDIO_POOL_TIMEOUT", cls.pool_timeout),
            max_retries=_count(env, "STUDIO_MAX_RETRIES", cls.max_retries),
            backoff_base=_float(env, "STUDIO_BACKOFF_BASE", cls.backoff_base),
            backoff_cap=_float(env, "STUDIO_BACKOFF_CAP", cls.backoff_cap),
            max_retry_after=_float(env, "STUDIO_MAX_RETRY_AFTER", cls.max_retry_after),
            download_cap_bytes=_count(env, "STUDIO_DOWNLOAD_CAP_BYTES", cls.download_cap_bytes, minimum=1),
            check_image_urls=env.get("STUDIO_CHECK_IMAGE_URLS", "1").strip() != "0",
            image_host=_image_host(env),
            s3_endpoint_url=env.get("STUDIO_S3_ENDPOINT_URL", "").strip().rstrip("/"),
            s3_bucket=env.get("STUDIO_S3_BUCKET", "").strip(),
            s3_access_key_id=env.get("STUDIO_S3_ACCESS_KEY_ID", "").strip(),
            s3_secret_access_key=env.get("STUDIO_S3_SECRET_ACCESS_KEY", "").strip(),
            s3_region=env.get("STUDIO_S3_REGION", "").strip() or cls.s3_region,
            s3_url_expires=_s3_expires(env, cls.s3_url_expires),
            space_host=env.get("SPACE_HOST", "").split(",")[0].strip(),
            public_base_url=env.get("STUDIO_PUBLIC_BASE_URL", "").strip().rstrip("/"),
            http_image_hosts=_hosts(env, "STUDIO_HTTP_IMAGE_HOSTS"),
            image_check_timeout=_positive(env, "STUDIO_IMAGE_CHECK_TIMEOUT", cls.image_check_timeout),
            image_check_cap_bytes=_count(env, "STUDIO_IMAGE_CHECK_CAP_BYTES", cls.image_check_cap_bytes, minimum=1),
            ffmpeg_timeout=_positive(env, "STUDIO_FFMPEG_TIMEOUT", cls.ffmpeg_timeout),
            frames_kept=_count(env, "STUDIO_FRAMES_KEPT", cls.frames_kept, minimum=1),
            confirm_above_usd=_float(env, "STUDIO_CONFIRM_ABOVE_USD", cls.confirm_above_usd),
            confirm_above_jobs=_count(env, "STUDIO_CONFIRM_ABOVE_JOBS", cls.confirm_above_jobs),
            visitor_clients=max(1, int(_float(env, "STUDIO_VISITOR_CLIENTS", cls.visitor_clients))),
            double_submit_seconds=_float(env, "STUDIO_DOUBLE_SUBMIT_SECONDS", cls.double_submit_seconds),
            balance_cache_seconds=_float(env, "STUDIO_BALANCE_CACHE_SECONDS", cls.balance_cache_seconds),
            queue_idle_poll_seconds=_poll(env, "STUDIO_QUEUE_IDLE_POLL_SECONDS", cls.queue_idle_poll_seconds),
            catalog_ttl_seconds=_float(env, "STUDIO_CATALOG_TTL_SECONDS", cls.catalog_ttl_seconds),
            run_times_seconds=_float(env, "STUDIO_RUN_TIMES_SECONDS", cls.run_times_seconds),
            share_days=_share_days(env, cls.share_days),
            session_cap_usd=_usd(env, "STUDIO_SESSION_CAP_USD"),
            daily_cap_usd=_usd(env, "STUDIO_DAILY_CAP_USD"),
            ui_concurrency=_count(env, "STUDIO_UI_CONCURRENCY", cls.ui_concurrency, minimum=1),
            submit_concurrency=_count(env, "STUDIO_SUBMIT_CONCURRENCY", cls.submit_concurrency, minimum=1),
            queue_size=_count(env, "STUDIO_QUEUE_SIZE", cls.queue_size, minimum=1),
            page_refresh_seconds=_refresh(env, "STUDIO_PAGE_REFRESH_SECONDS", cls.page_refresh_seconds),
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

    @property
    def public_images_dir(self) -> Path:
        """Where the ``space`` image host puts published (metadata-stripped) images: the one
        folder of the data dir that ``/gradio_api/file=`` serves, and only with that host."""
        return self.data_dir / "public-images"

    @property
    def secrets_path(self) -> Path:
        """The studio's own generated secrets (media links, browser state); never the API token."""
        return self.data_dir / "secrets.json"
