"""Settings from the environment."""

from decimal import Decimal
from pathlib import Path

import pytest

from studio.config import DEFAULT_API_BASE, Settings
from studio.errors import ConfigError


def test_defaults_follow_the_official_cli():
    s = Settings.from_env({})
    assert s.api_base == DEFAULT_API_BASE == "https://model-api.runcomfy.net/v1"
    assert s.poll_interval == 2.0 and s.backend == "live"
    assert s.download_cap_bytes == 2 * 1024**3


def test_environment_overrides(tmp_path):
    s = Settings.from_env(
        {
            "RUNCOMFY_MODEL_API_BASE": " http://127.0.0.1:9/v1/ ",
            "STUDIO_HOME": str(tmp_path),
            "STUDIO_EXTRA_DOWNLOAD_HOSTS": "127.0.0.1, Files.Example.ORG ,",
            "STUDIO_POLL_SECS": "0.5",
        }
    )
    assert s.api_base == "http://127.0.0.1:9/v1"
    assert s.journal_path == tmp_path / "journal.sqlite3"
    assert s.extra_download_hosts == ("127.0.0.1", "files.example.org")
    assert s.poll_interval == 0.5


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
def test_bad_numbers_name_the_variable(value):
    with pytest.raises(ConfigError, match="STUDIO_POLL_SECS"):
        Settings.from_env({"STUDIO_POLL_SECS": value})


def test_data_dir_on_a_space_with_persistent_storage(tmp_path):
    from studio.config import default_data_dir

    data = tmp_path / "data"
    space = {"SPACE_ID": "user/kling-studio", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    xdg = tmp_path / "xdg" / "kling-studio"
    assert default_data_dir(space, persistent=data) == xdg  # no /data: as anywhere else
    data.mkdir()
    assert default_data_dir(space, persistent=data) == data / "kling-studio"
    # STUDIO_HOME always wins; off a Space, /data is never used even when it exists.
    assert default_data_dir({**space, "STUDIO_HOME": str(tmp_path / "home")}, persistent=data) == tmp_path / "home"
    assert default_data_dir({"XDG_DATA_HOME": str(tmp_path / "xdg")}, persistent=data) == xdg
    (tmp_path / "file").write_text("")
    assert default_data_dir(space, persistent=tmp_path / "file") == xdg  # not a folder


def test_data_dir_skips_persistent_storage_it_cannot_write(tmp_path, monkeypatch):
    from studio import config
    from studio.config import default_data_dir

    data = tmp_path / "data"
    data.mkdir(mode=0o555)
    # The suite runs as root, who may write anywhere: the process's own answer is what counts.
    monkeypatch.setattr(config.os, "access", lambda path, mode: Path(path) != data)
    space = {"SPACE_ID": "user/kling-studio", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    assert default_data_dir(space, persistent=data) == tmp_path / "xdg" / "kling-studio"


def test_the_published_images_folder_and_the_secrets_file_are_in_the_data_dir(tmp_path):
    s = Settings(data_dir=tmp_path)
    assert s.public_images_dir == tmp_path / "public-images"
    assert s.secrets_path == tmp_path / "secrets.json"


# Every policy number's environment variable: (variable, field, a good value, what it reads as,
# values refused with a ConfigError naming the variable).
POLICY_VARIABLES = [
    ("STUDIO_CONNECT_TIMEOUT", "connect_timeout", "2.5", 2.5, ["0", "-1", "soon", "inf"]),
    ("STUDIO_READ_TIMEOUT", "read_timeout", "12", 12.0, ["0", "nan"]),
    ("STUDIO_SUBMIT_TIMEOUT", "submit_timeout", "90", 90.0, ["0", "later"]),
    ("STUDIO_DOWNLOAD_READ_TIMEOUT", "download_read_timeout", "300", 300.0, ["0", "-5", "x"]),
    ("STUDIO_POOL_TIMEOUT", "pool_timeout", "3", 3.0, ["0", "inf"]),
    ("STUDIO_MAX_RETRIES", "max_retries", "2", 2, ["-1", "2.5", "many", "inf"]),
    ("STUDIO_BACKOFF_BASE", "backoff_base", "0.01", 0.01, ["-0.5", "x"]),
    ("STUDIO_BACKOFF_CAP", "backoff_cap", "30", 30.0, ["-1", "x"]),
    ("STUDIO_MAX_RETRY_AFTER", "max_retry_after", "5", 5.0, ["-1", "nan"]),
    ("STUDIO_POLL_SECS", "poll_interval", "0.5", 0.5, ["-1", "soon"]),
    ("STUDIO_JOB_DEADLINE", "job_deadline", "600", 600.0, ["-1", "x"]),
    ("STUDIO_DOWNLOAD_CAP_BYTES", "download_cap_bytes", "8388608", 8 * 1024 * 1024, ["0", "1.5", "big"]),
    ("STUDIO_IMAGE_CHECK_TIMEOUT", "image_check_timeout", "4", 4.0, ["0", "x"]),
    ("STUDIO_IMAGE_CHECK_CAP_BYTES", "image_check_cap_bytes", "1048576", 1024 * 1024, ["0", "-1", "0.5", "x"]),
    ("STUDIO_FFMPEG_TIMEOUT", "ffmpeg_timeout", "900", 900.0, ["0", "-1", "x"]),
    ("STUDIO_CONFIRM_ABOVE_JOBS", "confirm_above_jobs", "10", 10, ["-1", "2.5", "x"]),
    ("STUDIO_VISITOR_CLIENTS", "visitor_clients", "8", 8, ["-1", "x"]),
    ("STUDIO_FRAMES_KEPT", "frames_kept", "4", 4, ["0", "-1", "2.5", "x"]),
    ("STUDIO_DOUBLE_SUBMIT_SECONDS", "double_submit_seconds", "3", 3.0, ["-1", "x"]),
    ("STUDIO_BALANCE_CACHE_SECONDS", "balance_cache_seconds", "120", 120.0, ["-1", "x"]),
    ("STUDIO_QUEUE_IDLE_POLL_SECONDS", "queue_idle_poll_seconds", "0.05", 0.05, ["0", "-1", "2", "x"]),
    ("STUDIO_CATALOG_TTL_SECONDS", "catalog_ttl_seconds", "60", 60.0, ["-1", "x"]),
    ("STUDIO_RUN_TIMES_SECONDS", "run_times_seconds", "5", 5.0, ["-1", "x"]),
    ("STUDIO_SHARE_DAYS", "share_days", "0.5", 0.5, ["0", "-1", "366", "inf", "x"]),
    ("STUDIO_UI_CONCURRENCY", "ui_concurrency", "2", 2, ["0", "1.5", "-1", "x"]),
    ("STUDIO_SUBMIT_CONCURRENCY", "submit_concurrency", "4", 4, ["0", "2.5", "x"]),
    ("STUDIO_QUEUE_SIZE", "queue_size", "200", 200, ["0", "-3", "inf", "x"]),
    ("STUDIO_PAGE_REFRESH_SECONDS", "page_refresh_seconds", "2", 2.0, ["0", "0.1", "61", "nan", "x"]),
]


@pytest.mark.parametrize("name, field, raw, expected, bad", POLICY_VARIABLES, ids=[v[0] for v in POLICY_VARIABLES])
def test_each_policy_number_is_read_from_its_variable(name, field, raw, expected, bad):
    default = getattr(Settings.from_env({}), field)
    assert default == getattr(Settings, field)  # unset: the named default
    assert getattr(Settings.from_env({name: f" {raw} "}), field) == expected != default
    assert type(getattr(Settings.from_env({name: raw}), field)) is type(default)
    for value in bad:
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({name: value})


def test_every_policy_number_in_settings_has_a_variable():
    """Every number in Settings is in the table above (or tested beside its feature), so none is
    added without its environment name and a test."""
    from dataclasses import fields

    numbers = {f.name for f in fields(Settings) if f.type in ("int", "float")}
    covered = {v[1] for v in POLICY_VARIABLES}
    elsewhere = {"confirm_above_usd", "s3_url_expires"}  # test_click_plan, test_images_s3
    assert numbers - elsewhere == covered


@pytest.mark.parametrize("name, field", [("STUDIO_SESSION_CAP_USD", "session_cap_usd"), ("STUDIO_DAILY_CAP_USD", "daily_cap_usd")])
def test_spending_caps_are_amounts_in_usd(name, field):
    assert getattr(Settings.from_env({}), field) is None  # unset: no cap
    assert getattr(Settings.from_env({name: " 12.50 "}), field) == Decimal("12.50")
    assert getattr(Settings.from_env({name: "0"}), field) == 0  # a cap of nothing: every paid submit refused
    for value in ["lots", "-1", "nan", "inf", "-0.01"]:
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({name: value})
