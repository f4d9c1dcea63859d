"""Settings from the environment."""

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
