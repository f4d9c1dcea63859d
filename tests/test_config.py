"""Settings from the environment."""

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
