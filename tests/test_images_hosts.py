"""Choosing an image host from settings, the `space` and `url` hosts, and publish-then-check."""

from __future__ import annotations

import httpx
import pytest
from PIL import Image

from studio.client.http import HttpClient
from studio.config import Settings
from studio.errors import ConfigError, UploadError
from studio.images import (
    NO_HOST_HINT,
    ImageHost,
    PastedUrlHost,
    PreparedImage,
    S3Host,
    SimulatorHost,
    SpaceHost,
    host_from_settings,
    prepare_image,
    publish_checked,
)

SPACE = "owner-kling-studio.hf.space"


async def resolver(host: str, port: int) -> list[str]:
    return ["93.184.216.34"]


@pytest.fixture
def image(tmp_path) -> PreparedImage:
    src = tmp_path / "a.jpg"
    Image.new("RGB", (640, 360), "purple").save(src)
    return prepare_image(src, role="end", out_dir=tmp_path / "prepared")


def http_with(handler, **settings) -> HttpClient:
    return HttpClient(Settings(**settings), "tok-secret", public_transport=httpx.MockTransport(handler))


@pytest.mark.parametrize(
    "env, kind",
    [
        ({"STUDIO_IMAGE_HOST": "space", "SPACE_HOST": f"{SPACE},studio.example.com"}, SpaceHost),
        ({"STUDIO_IMAGE_HOST": "space", "STUDIO_PUBLIC_BASE_URL": "https://studio.example.com/"}, SpaceHost),
        ({"STUDIO_IMAGE_HOST": "url"}, PastedUrlHost),
        (
            {
                "STUDIO_IMAGE_HOST": "s3",
                "STUDIO_S3_ENDPOINT_URL": "https://acct.r2.cloudflarestorage.com",
                "STUDIO_S3_BUCKET": "b",
                "STUDIO_S3_ACCESS_KEY_ID": "id",
                "STUDIO_S3_SECRET_ACCESS_KEY": "secret",
            },
            S3Host,
        ),
    ],
)
async def test_host_from_settings_picks_by_configuration(env, kind, tmp_path):
    settings = Settings.from_env({**env, "STUDIO_HOME": str(tmp_path)})
    async with HttpClient(settings, None) as http:
        host = host_from_settings(settings, http)
    assert isinstance(host, kind) and isinstance(host, ImageHost)
    assert host.name == settings.image_host


async def test_no_host_in_live_mode_and_the_one_sentence_hint(tmp_path):
    settings = Settings(data_dir=tmp_path)
    async with HttpClient(settings, None) as http:
        assert host_from_settings(settings, http) is None
        assert host_from_settings(settings, http, simulator_base="http://127.0.0.1:1") is None  # live
        with pytest.raises(ConfigError, match="offline mode"):
            host_from_settings(settings.evolve(image_host="simulator"), http)
        with pytest.raises(ConfigError, match=r"SPACE_HOST.*STUDIO_PUBLIC_BASE_URL"):
            host_from_settings(settings.evolve(image_host="space"), http)
        with pytest.raises(ConfigError, match="https://"):
            host_from_settings(settings.evolve(image_host="space", public_base_url="http://x.example"), http)
    assert NO_HOST_HINT.count(". ") == 0 and NO_HOST_HINT.endswith(".")
    assert "STUDIO_IMAGE_HOST=s3" in NO_HOST_HINT


async def test_space_host_serves_a_copy_under_a_random_name(tmp_path, image):
    host = SpaceHost(f"https://{SPACE}", tmp_path / "served")
    url = await host.publish(image)
    prefix = f"https://{SPACE}/gradio_api/file={tmp_path / 'served'}/"
    assert url.startswith(prefix) and url.endswith(".jpg")
    served = tmp_path / "served" / url[len(prefix) :]
    assert served.read_bytes() == image.path.read_bytes()
    assert "end-" not in served.name and len(served.stem) == 32


def test_space_base_url_is_https_unless_the_configuration_trusts_that_exact_host(tmp_path):
    from studio.images.spacehost import public_base

    local = Settings(data_dir=tmp_path, image_host="space", http_image_hosts=("127.0.0.1:7861",))
    assert public_base(local.evolve(public_base_url="http://127.0.0.1:7861")) == "http://127.0.0.1:7861"
    assert public_base(local.evolve(space_host=SPACE)) == f"https://{SPACE}"
    for refused in ("http://127.0.0.1:7862", "http://127.0.0.1", "http://studio.example.com"):
        with pytest.raises(ConfigError, match="https://"):
            public_base(local.evolve(public_base_url=refused))


def test_space_host_publishes_into_the_settings_folder(tmp_path):
    settings = Settings(data_dir=tmp_path, image_host="space", space_host=SPACE)
    host = host_from_settings(settings, None)  # type: ignore[arg-type]
    assert isinstance(host, SpaceHost) and host.served_dir == settings.public_images_dir.resolve()


def test_offline_simulator_also_trusts_the_configured_http_hosts(tmp_path):
    from studio.offline import start_simulator

    server, settings, _ = start_simulator(Settings(data_dir=tmp_path, http_image_hosts=("127.0.0.1:7861",)), render=False)
    try:
        own = f"127.0.0.1:{server.port}"
        assert settings.http_image_hosts == ("127.0.0.1:7861", own)
        assert server.config.http_image_hosts == (own, "127.0.0.1:7861")
    finally:
        server.stop()


async def test_space_host_refuses_when_the_app_uses_auth(tmp_path, image):
    host = SpaceHost(f"https://{SPACE}", tmp_path / "served", app_uses_auth=True)
    with pytest.raises(UploadError, match=r"^end image: the app asks for a login.*STUDIO_IMAGE_HOST=s3"):
        await host.publish(image)
    assert not (tmp_path / "served").exists()


async def test_a_private_space_is_caught_by_the_fetch_check(tmp_path, image):
    seen = []

    def private(request):
        seen.append(request)
        return httpx.Response(401, text="Not authenticated")

    host = SpaceHost(f"https://{SPACE}", tmp_path / "served")
    async with http_with(private) as http:
        with pytest.raises(UploadError) as caught:
            await publish_checked(host, image, http, resolver=resolver)
    message = str(caught.value)
    assert message.startswith("end image: published to space, but ")
    assert "HTTP 401" in message and "make the Space public" in message
    assert "authorization" not in seen[0].headers


async def test_publish_checked_returns_the_url_when_it_fetches(tmp_path, image):
    def public(request):
        return httpx.Response(200, content=image.path.read_bytes(), headers={"Content-Type": "image/jpeg"})

    host = SpaceHost(f"https://{SPACE}", tmp_path / "served")
    async with http_with(public) as http:
        url = await publish_checked(host, image, http, resolver=resolver)
    assert url.startswith(f"https://{SPACE}/gradio_api/file=")


async def test_pasted_url_host_asks_for_a_link(image):
    with pytest.raises(UploadError, match=r"^end image: this studio takes image links.*paste a public https://"):
        await PastedUrlHost().publish(image)


async def test_the_public_probe_never_carries_the_token_even_to_the_api_host(image):
    seen = []

    def record(request):
        seen.append(request)
        return httpx.Response(200, content=b"x", headers={"Content-Type": "image/jpeg"})

    async with http_with(record) as http:
        api_origin = http.settings.api_base.rsplit("/v1", 1)[0]
        await http.probe_public(f"{api_origin}/a.jpg", cap_bytes=10, timeout=1.0)
    assert "authorization" not in seen[0].headers


async def test_simulator_host_puts_with_the_token_only_on_the_api_origin(image):
    seen = []

    def record(request):
        seen.append(request)
        return httpx.Response(201, json={"url": str(request.url)})

    async with http_with(record, api_base="http://127.0.0.1:8765/v1", account_base="http://127.0.0.1:8765/prod/v2") as http:
        url = await SimulatorHost(http, "http://127.0.0.1:8765").publish(image)
        await SimulatorHost(http, "http://127.0.0.1:9999").publish(image)
    assert url.startswith("http://127.0.0.1:8765/uploads/") and url.endswith(".jpg")
    assert seen[0].headers["authorization"] == "Bearer tok-secret"
    assert seen[0].headers["content-type"] == "image/jpeg" and seen[0].content == image.path.read_bytes()
    assert "authorization" not in seen[1].headers  # another origin never gets the token


async def test_simulator_host_upload_errors_name_the_image(image):
    async with http_with(lambda r: httpx.Response(413), max_retries=0) as http:
        with pytest.raises(UploadError, match=r"^end image: the upload to 127\.0\.0\.1 answered HTTP 413"):
            await SimulatorHost(http, "http://127.0.0.1:8765").publish(image)
