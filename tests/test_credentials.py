"""Token resolution order, and the token never showing up in text."""

import json

from studio.client.credentials import resolve_token, token_file


def write_token(directory, value):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "token.json").write_text(json.dumps({"access_token": value, "refresh_token": None}))


def test_order_env_then_api_key_then_file(tmp_path):
    write_token(tmp_path / "cfg", "from-file-token")
    env = {"RUNCOMFY_CONFIG_DIR": str(tmp_path / "cfg")}
    assert resolve_token(env).value == "from-file-token"
    assert resolve_token({**env, "RUNCOMFY_API_KEY": "key-token"}).value == "key-token"
    both = resolve_token({**env, "RUNCOMFY_API_KEY": "key-token", "RUNCOMFY_TOKEN": " env-token "})
    assert (both.value, both.source) == ("env-token", "RUNCOMFY_TOKEN")


def test_token_file_locations(tmp_path):
    assert token_file({"RUNCOMFY_CONFIG_DIR": "/a"}).as_posix() == "/a/token.json"
    assert token_file({"XDG_CONFIG_HOME": "/x"}).as_posix() == "/x/runcomfy/token.json"
    write_token(tmp_path / "xdg" / "runcomfy", "xdg-token")
    assert resolve_token({"XDG_CONFIG_HOME": str(tmp_path / "xdg")}).value == "xdg-token"


def test_missing_or_broken_file_means_no_token(tmp_path):
    assert resolve_token({"RUNCOMFY_CONFIG_DIR": str(tmp_path)}) is None
    (tmp_path / "token.json").write_text("{not json")
    assert resolve_token({"RUNCOMFY_CONFIG_DIR": str(tmp_path)}) is None
    (tmp_path / "token.json").write_text(json.dumps({"access_token": 5}))
    assert resolve_token({"RUNCOMFY_CONFIG_DIR": str(tmp_path)}) is None


def test_bad_values_are_ignored():
    assert resolve_token({"RUNCOMFY_TOKEN": "has space", "RUNCOMFY_CONFIG_DIR": "/nonexistent"}) is None
    assert resolve_token({"RUNCOMFY_TOKEN": "Bearer abc123", "RUNCOMFY_CONFIG_DIR": "/nonexistent"}).value == "abc123"


def test_token_never_in_repr_or_str():
    token = resolve_token({"RUNCOMFY_TOKEN": "super-secret-value"})
    assert "super-secret-value" not in repr(token)
    assert "super-secret-value" not in str(token)
    assert "RUNCOMFY_TOKEN" in str(token)
