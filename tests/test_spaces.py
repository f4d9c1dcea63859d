"""Running unchanged as a Hugging Face Space (Gradio SDK).

The README's Spaces header against the pinned versions; where the app listens; what the page
says when a Space has no persistent storage; the secrets kept in the data folder; the `space`
image host's published images served by ``/gradio_api/file=`` (that folder only), over real
HTTP; and ``python app.py`` booted the way a Space boots it, driving one image-to-video job
end to end through the Gradio API.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import secrets
import socket
import stat
import threading
import time
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
import uvicorn
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from studio.client.http import HttpClient
from studio.config import Settings
from studio.errors import ConfigError
from studio.jobs.publisher import Publisher
from studio.jobs.service import Studio
from studio.secrets_store import LEGACY_BROWSER_SECRET, load_secrets
from studio.ui import create_server
from studio.ui.server import published_images_folder
from studio.ui.space import listen_address, storage_warning

from .browser.conftest import StudioApp
from .sim_support import free_port, wait_until

ROOT = Path(__file__).resolve().parents[1]
HF_COLORS = {"red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray"}


# -- the README's Spaces header ------------------------------------------------------------------


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The YAML header between the first two ``---`` lines, and the text after it."""
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, "README.md must start with a YAML header between --- lines"
    return yaml.safe_load(match.group(1)), text[match.end() :]


def test_readme_header_is_a_gradio_space_on_the_pinned_versions():
    header, body = front_matter((ROOT / "README.md").read_text(encoding="utf-8"))
    assert header["sdk"] == "gradio"
    pinned = re.search(r"^gradio==(\S+)\s*$", (ROOT / "requirements-dev.lock").read_text(), re.M)
    assert pinned, "requirements-dev.lock pins gradio"
    assert str(header["sdk_version"]) == pinned.group(1) == "6.31.0"
    # gradio[mcp]: the extra serves the MCP server (README, "Agents: the MCP server").
    allowed = re.search(r"^gradio(?:\[mcp\])?([<>=!~][^#\s]*)", (ROOT / "requirements.txt").read_text(), re.M)
    assert allowed and Version(header["sdk_version"]) in SpecifierSet(allowed.group(1))
    # Quoted: an unquoted 3.10 would be the number 3.1.
    assert header["python_version"] == "3.11" and isinstance(header["python_version"], str)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert Version(header["python_version"]) in SpecifierSet(requires)
    assert Version("3.10") not in SpecifierSet(requires)  # asyncio.timeout is 3.11+
    assert (ROOT / header["app_file"]).is_file() and header["app_file"] == "app.py"
    assert header["pinned"] is False and header["title"] and header["emoji"]
    assert {header["colorFrom"], header["colorTo"]} <= HF_COLORS
    assert 0 < len(header["short_description"]) <= 60
    # Right after the header: the title, then the two commands, unchanged.
    assert body.startswith("# Kling Studio\n")
    block = re.search(r"```bash\n(.*?)```", body, re.S)
    assert block and block.group(1).splitlines() == [
        "pip install -r requirements.txt && python app.py",
        "pip install -r requirements-dev.lock && python -m pytest",
    ]
    assert "## Deploy to Hugging Face Spaces" in body
    assert "jobs and videos are lost at each" in body


# -- where to listen -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, ("127.0.0.1", 7860)),
        ({"SPACE_ID": "user/kling-studio"}, ("0.0.0.0", 7860)),
        ({"SPACE_ID": "user/kling-studio", "GRADIO_SERVER_NAME": "127.0.0.1"}, ("127.0.0.1", 7860)),
        ({"GRADIO_SERVER_NAME": "0.0.0.0"}, ("0.0.0.0", 7860)),
        ({"SPACE_ID": " "}, ("127.0.0.1", 7860)),
        ({"PORT": "8080"}, ("127.0.0.1", 8080)),
        ({"PORT": "8080", "GRADIO_SERVER_PORT": "9000"}, ("127.0.0.1", 9000)),
        ({"SPACE_ID": "u/s", "GRADIO_SERVER_PORT": "7861", "GRADIO_SERVER_NAME": ""}, ("0.0.0.0", 7861)),
    ],
)
def test_listen_address(env, expected):
    assert listen_address(env) == expected


@pytest.mark.parametrize("name, value", [("GRADIO_SERVER_PORT", "http"), ("PORT", "0"), ("PORT", "70000")])
def test_a_bad_port_names_its_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        listen_address({name: value})


# -- persistent storage --------------------------------------------------------------------------


def test_storage_warning_only_on_a_space_without_persistent_storage(tmp_path):
    data = tmp_path / "data"
    space = {"SPACE_ID": "user/kling-studio"}
    ephemeral = Settings(data_dir=tmp_path / "home" / "kling-studio")
    kept = Settings(data_dir=data / "kling-studio")
    assert storage_warning(ephemeral, {}, persistent=data) is None  # not a Space
    warning = storage_warning(ephemeral, space, persistent=data)  # a Space without /data
    assert warning and "jobs and videos are lost at each restart" in warning
    assert not set("<>&\"'") & set(warning)  # plain text: safe to put in the banner's HTML
    assert "重启" in storage_warning(ephemeral, space, persistent=data, lang="zh")
    data.mkdir()
    assert storage_warning(kept, space, persistent=data) is None  # in /data
    assert storage_warning(ephemeral, space, persistent=data)  # /data exists, but the studio is elsewhere


# -- secrets kept in the data folder -------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_secrets_are_made_once_kept_0600_and_reused(tmp_path):
    path = tmp_path / "home" / "secrets.json"
    first = load_secrets(path, {})
    assert path.is_file() and _mode(path) == 0o600
    assert len(first.media) >= 32 and len(first.browser) >= 32 and first.media != first.browser
    assert dict(first.sources) == {"media": "new", "browser": "new"}
    assert first.media not in repr(first) and first.browser not in repr(first)
    before = path.read_bytes()
    again = load_secrets(path, {})
    assert (again.media, again.browser) == (first.media, first.browser)
    assert dict(again.sources) == {"media": "file", "browser": "file"}
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["secrets.json"]  # no temporary file left


def test_environment_values_win_and_are_never_written(tmp_path):
    path = tmp_path / "secrets.json"
    env = {"STUDIO_MEDIA_SECRET": "media-from-env-" + secrets.token_hex(8), "STUDIO_BROWSER_SECRET": "browser-env-" + secrets.token_hex(8)}
    both = load_secrets(path, env)
    assert (both.media, both.browser) == (env["STUDIO_MEDIA_SECRET"], env["STUDIO_BROWSER_SECRET"])
    assert not path.exists()  # nothing to keep
    one = load_secrets(path, {"STUDIO_MEDIA_SECRET": env["STUDIO_MEDIA_SECRET"]})
    assert one.media == env["STUDIO_MEDIA_SECRET"] and dict(one.sources) == {"media": "env", "browser": "new"}
    assert env["STUDIO_MEDIA_SECRET"] not in path.read_text() and set(json.loads(path.read_text())) == {"browser"}
    made = load_secrets(path, {})  # later without the variable: the browser secret is the kept one
    assert made.browser == one.browser and made.media != env["STUDIO_MEDIA_SECRET"]
    assert load_secrets(path, env).media == env["STUDIO_MEDIA_SECRET"]


@pytest.mark.parametrize("content", [b"", b"{not json", b"[1, 2]", b'{"media": 7}', b"\xff\xfe"])
def test_a_damaged_file_is_replaced_with_a_log_line(tmp_path, caplog, content):
    path = tmp_path / "secrets.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="studio.secrets"):
        made = load_secrets(path, {})
    assert "damaged" in caplog.text and str(path) in caplog.text
    assert json.loads(path.read_text()) == {"media": made.media, "browser": made.browser}
    assert _mode(path) == 0o600 and load_secrets(path, {}).media == made.media


def test_an_unreadable_file_is_replaced_with_a_log_line(tmp_path, caplog):
    path = tmp_path / "secrets.json"
    path.mkdir()  # reading it fails like an unreadable file does (also for root)
    (tmp_path / "elsewhere").write_text('{"media": "x"}')
    with caplog.at_level(logging.WARNING, logger="studio.secrets"):
        made = load_secrets(path, {})
    assert "secrets" in caplog.text and str(path) in caplog.text
    assert dict(made.sources) == {"media": "memory", "browser": "memory"}  # a folder cannot be replaced
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "elsewhere")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="studio.secrets"):
        made = load_secrets(link, {})
    assert "cannot be read" in caplog.text
    assert not link.is_symlink() and _mode(link) == 0o600 and json.loads(link.read_text())["media"] == made.media
    assert (tmp_path / "elsewhere").read_text() == '{"media": "x"}'  # the link's target is untouched


def test_a_file_readable_by_others_is_made_0600(tmp_path, caplog):
    path = tmp_path / "secrets.json"
    kept = load_secrets(path, {})
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="studio.secrets"):
        assert load_secrets(path, {}).media == kept.media
    assert _mode(path) == 0o600 and "0600" in caplog.text


def test_a_folder_that_served_browsers_before_keeps_the_old_browser_secret(tmp_path):
    path = tmp_path / "secrets.json"
    old = load_secrets(path, {}, browser_default=LEGACY_BROWSER_SECRET)
    assert old.browser == LEGACY_BROWSER_SECRET and old.media != LEGACY_BROWSER_SECRET
    assert load_secrets(path, {}).browser == LEGACY_BROWSER_SECRET  # kept, like any other


def test_two_processes_starting_together_agree(tmp_path):
    path = tmp_path / "secrets.json"
    results: list[Any] = []
    together = threading.Barrier(8)

    def start() -> None:
        together.wait()
        results.append(load_secrets(path, {}))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kept = json.loads(path.read_text())
    assert {(r.media, r.browser) for r in results} == {(kept["media"], kept["browser"])}


# -- the `space` image host over real HTTP -------------------------------------------------------


def _png_with_metadata(path: Path) -> Path:
    info = PngInfo()
    info.add_text("Author", "Jane Doe, 12 Secret Street")
    Image.new("RGB", (480, 360), (30, 120, 200)).save(path, "PNG", pnginfo=info)
    return path


def _start(app: Any, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1)
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    wait_until(lambda: web.started, timeout=20)
    return web, thread


def test_published_images_are_served_and_nothing_else_of_the_data_folder(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tmp_path / "home"
    settings = Settings(
        data_dir=data, image_host="space", public_base_url=base, http_image_hosts=(f"127.0.0.1:{port}",)
    )
    stray = settings.public_images_dir / "notes.html"
    stray.parent.mkdir(parents=True)
    stray.write_text("<script>alert(1)</script>")
    studio = Studio.connect(settings, offline=True, queue_seconds=0.1, run_seconds=0.1, render=False)
    server = create_server(studio)
    assert not stray.exists()  # the folder holds only what the host publishes
    web, thread = _start(server.app, port)
    try:
        source = _png_with_metadata(tmp_path / "upload.png")

        async def publish() -> tuple[str, Any]:
            async with HttpClient(studio.settings, None) as http:
                # The space host's own code path, its anonymous fetch check included.
                return await Publisher(studio.settings, http).publish(source, role="start", out_dir=data / "prepared")

        url, prepared = asyncio.run(publish())
        parts = urlsplit(url)
        assert parts.path.startswith("/gradio_api/file=") and str(settings.public_images_dir.resolve()) in url
        with httpx.Client(timeout=10) as anon:  # no cookie, no header: what RunComfy does
            got = anon.get(f"http://127.0.0.1:{port}{parts.path}")
            assert got.status_code == 200, got.text
            assert got.headers["content-type"].startswith("image/png")
            assert got.content == prepared.path.read_bytes()
            with Image.open(io.BytesIO(got.content)) as image:
                assert not image.info.get("Author") and b"Secret Street" not in got.content
            published = [p.name for p in settings.public_images_dir.iterdir()]
            assert len(published) == 1 and re.fullmatch(r"[0-9a-f]{32}\.png", published[0])
            # Everything else of the data folder stays private.
            others = [
                data / "journal.sqlite3",
                data / "secrets.json",
                prepared.path,
                settings.public_images_dir / ".." / "secrets.json",
                source,
            ]
            assert (data / "secrets.json").is_file()
            for path in others:
                answer = anon.get(f"{base}/gradio_api/file={quote(str(path), safe='/')}")
                assert answer.status_code in (403, 404), (path, answer.status_code)
                assert b"SQLite format" not in answer.content and b"media" not in answer.content
    finally:
        web.should_exit = True
        thread.join(10)
        server.close()
        asyncio.run(studio.aclose())


def test_no_folder_is_served_with_another_image_host(tmp_path):
    assert published_images_folder(Settings(data_dir=tmp_path)) is None
    assert published_images_folder(Settings(data_dir=tmp_path, image_host="s3")) is None
    assert not (tmp_path / "public-images").exists()


def test_create_server_keeps_its_secrets_and_hands_them_to_the_page(tmp_path):
    studio = Studio.connect(Settings(data_dir=tmp_path), offline=True, render=False)
    server = create_server(studio)
    try:
        kept = json.loads((tmp_path / "secrets.json").read_text())
        assert _mode(tmp_path / "secrets.json") == 0o600
        import gradio as gr

        states = [b for b in server.demo.blocks.values() if isinstance(b, gr.BrowserState)]
        assert states and {s.secret for s in states} == {kept["browser"]}
    finally:
        server.close()
        asyncio.run(studio.aclose())


# -- booting `python app.py` as a Space does -----------------------------------------------------


class SpaceApp(StudioApp):
    """``python app.py`` with a Space's environment: SPACE_ID and SPACE_HOST, no GRADIO_SERVER_NAME.
    The command itself, as a Space runs it (not forked: :mod:`tests.forked_app`)."""

    forked = False

    def env(self) -> dict[str, str]:
        env = super().env()
        del env["GRADIO_SERVER_NAME"]
        here = f"127.0.0.1:{self.port}"
        env.update(
            SPACE_ID="user/kling-studio",
            SPACE_HOST=here,
            STUDIO_IMAGE_HOST="space",
            # A real Space is reached over https at SPACE_HOST; here the app's own loopback
            # address stands in, trusted over http by configuration (as the simulator is).
            STUDIO_PUBLIC_BASE_URL=f"http://{here}",
            STUDIO_HTTP_IMAGE_HOSTS=here,
        )
        return env


def _listening_on_every_interface(port: int) -> bool:
    """Whether /proc/net/tcp{,6} has a listening socket on 0.0.0.0 (or ::) at ``port``."""
    wanted = f"{port:04X}"
    for name, anywhere in (("tcp", "00000000"), ("tcp6", "0" * 32)):
        try:
            lines = Path(f"/proc/net/{name}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            if state == "0A" and local == f"{anywhere}:{wanted}":
                return True
    return False


def _label(param: dict[str, Any]) -> str:
    label = param.get("label")
    return str(label.get("key")) if isinstance(label, dict) else str(label)


def _call(client: httpx.Client, name: str, data: list[Any]) -> list[Any]:
    """POST /gradio_api/call/<name>, then read its event stream to the end."""
    started = client.post(f"/gradio_api/call/{name}", json={"data": data})
    assert started.status_code == 200, started.text
    event_id = started.json()["event_id"]
    with client.stream("GET", f"/gradio_api/call/{name}/{event_id}") as stream:
        event = None
        for line in stream.iter_lines():
            if line.startswith("event: "):
                event = line[7:].strip()
            elif line.startswith("data: ") and event in ("complete", "error"):
                payload = json.loads(line[6:])
                assert event == "complete", f"/{name} answered an error: {payload}"
                return payload
    raise AssertionError(f"/{name} ended without an answer")


def test_python_app_py_boots_as_a_space_and_animates_an_upload(tmp_path):
    started = time.monotonic()
    app = SpaceApp(tmp_path / "persistent" / "kling-studio", sim={"STUDIO_SIM_QUEUE_SECONDS": "0.2", "STUDIO_SIM_RUN_SECONDS": "0.5"})
    app.start()
    try:
        log = app.log_tail()
        assert f"Open http://0.0.0.0:{app.port}" in log, log
        if Path("/proc/net/tcp").exists():
            assert _listening_on_every_interface(app.port)
        with socket.create_connection(("127.0.0.1", app.port), timeout=5):
            pass
        with httpx.Client(base_url=app.url, timeout=30) as client:
            buf = io.BytesIO()
            _png_with_metadata(tmp_path / "start.png")
            Image.open(tmp_path / "start.png").save(buf, "PNG")
            uploaded = client.post("/gradio_api/upload", files={"files": ("start.png", buf.getvalue(), "image/png")})
            assert uploaded.status_code == 200, uploaded.text
            path = uploaded.json()[0]
            params = client.get("/gradio_api/info").json()["named_endpoints"]["/generate"]["parameters"]
            owner = "space-owner-" + secrets.token_hex(16)
            data: list[Any] = []
            for i, p in enumerate(params):
                label = _label(p)
                if i == 0:
                    value: Any = owner  # the browser's owner key (BrowserState)
                elif i == 1:
                    value = ""  # no visitor key
                elif label == "mode":
                    value = "image-to-video"
                elif label == "start_image":
                    value = {"path": path, "meta": {"_type": "gradio.FileData"}, "orig_name": "start.png"}
                elif label == "prompt":
                    value = "Slow push-in on a blue sky, clouds drifting"
                elif label == "duration":
                    value = 3
                elif p.get("parameter_has_default"):
                    value = p["parameter_default"]
                elif p["component"].lower() == "image":
                    value = None
                else:
                    value = ""
                data.append(value)
            _call(client, "generate", data)

            def finished() -> dict[str, Any] | None:
                rows = [r for r in app.journal_rows() if r["status"] in ("succeeded", "failed", "unknown", "cancelled")]
                return rows[0] if rows else None

            row = wait_until(finished, timeout=40, interval=0.2)
            assert row["status"] == "succeeded", (row, app.log_tail())
            assert "image-to-video" in row["model_id"]
            request = json.loads(row["payload"])
            start_url = request.get("start_image_url") or request.get("image_url") or ""
            assert start_url.startswith(f"http://127.0.0.1:{app.port}/gradio_api/file="), request
            files = [Path(f) for f in json.loads(row["files"])]
            assert files and files[0].is_file() and files[0].stat().st_size > 1000
            assert files[0].resolve().is_relative_to(app.home.resolve())
            # The published image is what the simulator fetched: served anonymously, stripped.
            image = httpx.get(start_url, timeout=10)
            assert image.status_code == 200 and image.headers["content-type"].startswith("image/")
            assert b"Secret Street" not in image.content
            # The gallery's signed video link answers, and still does after a restart (kept secret).
            views = _call(client, "jobs", [owner, ""])
            link = re.search(r"/studio/media/[0-9a-f]{32}\?sig=[0-9a-f]+", json.dumps(views))
            assert link, views
            assert client.get(link.group(0)).status_code == 200
        secrets_file = app.home / "secrets.json"
        assert secrets_file.is_file() and _mode(secrets_file) == 0o600
        app.restart()
        with httpx.Client(base_url=app.url, timeout=30) as client:
            video = client.get(link.group(0))
            assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    finally:
        app.stop()
    print(f"space boot test: {time.monotonic() - started:.1f} s")
