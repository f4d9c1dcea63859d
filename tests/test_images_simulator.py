"""Offline mode: SimulatorHost publishes to a real SimulatorServer, which fetches the image the
way RunComfy would (``image_fetch="required"``), renders image-to-video from it, and fails the
job with a clear error when the URL cannot be fetched.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from PIL import Image

from studio.client.api import RunComfyApi
from studio.client.http import HttpClient
from studio.client.job_states import Failed, Succeeded
from studio.config import Settings
from studio.domain.catalog import endpoint
from studio.domain.models import GenerationRequest
from studio.domain.validation import validate
from studio.errors import ApiError, UploadError
from studio.images import (
    PreparedImage,
    SimulatorHost,
    check_public_image,
    host_from_settings,
    prepare_image,
    publish_checked,
)
from studio.simulator import SimulatorConfig, SimulatorServer

I2V = "kling/kling-3.0/standard/image-to-video"
LOOPBACK = ("127.0.0.1",)
CONFIG = SimulatorConfig(
    queue_seconds=0.05, run_seconds=0.05, image_fetch="required", http_image_hosts=LOOPBACK, render=True
)


@pytest.fixture(scope="module")
def server():
    with SimulatorServer(CONFIG) as s:
        yield s


@pytest.fixture
def sim(server):
    server.store.reset()
    server.log.clear()
    server.set_config(CONFIG)
    return server


@pytest.fixture
async def http(sim, tmp_path):
    settings = Settings(
        backend="offline",
        api_base=sim.api_base,
        account_base=sim.account_base,
        data_dir=tmp_path,
        http_image_hosts=LOOPBACK,
        poll_interval=0.05,
        backoff_base=0.01,
    )
    async with HttpClient(settings, sim.token) as client:
        yield client


@pytest.fixture
def image(tmp_path) -> PreparedImage:
    src = tmp_path / "frame.png"
    picture = Image.new("RGB", (640, 360), (240, 180, 20))
    picture.paste((20, 20, 160), (200, 100, 440, 260))
    picture.save(src)
    return prepare_image(src, role="start", out_dir=tmp_path / "prepared")


async def wait_done(api: RunComfyApi, request_id: str, timeout: float = 20.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        state = await api.result(request_id)
        if isinstance(state, (Succeeded, Failed)):
            return state
        assert asyncio.get_running_loop().time() < deadline, f"job {request_id} did not finish"
        await asyncio.sleep(0.05)


async def test_offline_settings_choose_the_simulator_host(sim, http):
    host = host_from_settings(http.settings, http, simulator_base=sim.base_url)
    assert isinstance(host, SimulatorHost) and host.base_url == sim.base_url
    live = Settings(data_dir=http.settings.data_dir)
    assert host_from_settings(live, http) is None  # live with no host: the UI shows NO_HOST_HINT


async def test_published_image_is_served_with_its_type_and_passes_the_fetch_check(sim, http, image):
    host = SimulatorHost(http, sim.base_url)
    url = await host.publish(image)
    assert url.startswith(f"{sim.base_url}/uploads/") and url.endswith(".png")
    response = httpx.get(url)  # anonymous
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content == image.path.read_bytes()
    await check_public_image(http, url, allow_http_hosts=LOOPBACK)
    with pytest.raises(UploadError, match="https://"):  # not without the configured allowance
        await check_public_image(http, url)
    (put,) = [e for e in sim.log.entries() if e.method == "PUT"]
    assert put.path == f"/uploads/{url.rsplit('/', 1)[1]}" and put.status == 201


async def test_upload_route_needs_the_token_and_a_proper_key(sim, image):
    data, key = image.path.read_bytes(), "abcdefgh12345678.png"
    auth = {"Authorization": f"Bearer {sim.token}"}

    def put(name: str, content_type: str = "image/png", **headers: str) -> int:
        url = f"{sim.base_url}/uploads/{name}"
        return httpx.put(url, content=data, headers={"Content-Type": content_type, **headers}).status_code

    assert put(key) == 401  # anonymous
    assert put("..%2Fescape.png", **auth) in (400, 404)
    assert put("short.png", **auth) == 400
    assert put(key, "text/html", **auth) == 415
    assert httpx.get(f"{sim.base_url}/uploads/{'0' * 32}.png").status_code == 404
    assert put(key, **auth) == 201


async def test_simulator_renders_image_to_video_from_the_published_image(sim, http, image):
    url = await publish_checked(SimulatorHost(http, sim.base_url), image, http, allow_http_hosts=LOOPBACK)
    body = {"prompt": "slow push in on the poster", "start_image_url": url, "duration": 3}
    api = RunComfyApi(http)
    handle = await api.submit(I2V, body)
    state = await wait_done(api, handle.request_id)
    assert isinstance(state, Succeeded), state
    video = state.output["video"]
    assert httpx.get(video).status_code == 200
    fetched = [e for e in sim.log.as_json(op=None) if e["method"] == "GET" and e["path"].startswith("/uploads/")]
    assert fetched, "the simulator did not fetch the image"


async def test_unfetchable_image_url_fails_the_job_clearly(sim, http):
    api = RunComfyApi(http)
    missing = f"{sim.base_url}/uploads/{'f' * 32}.jpg"
    handle = await api.submit(I2V, {"prompt": "p", "start_image_url": missing, "duration": 3})
    state = await wait_done(api, handle.request_id)
    assert isinstance(state, Failed)
    assert "could not fetch start_image_url" in state.reason and "HTTP 404" in state.reason


async def test_simulator_refuses_http_image_urls_from_other_hosts(sim, http):
    api = RunComfyApi(http)
    with pytest.raises(ApiError) as caught:
        await api.submit(I2V, {"prompt": "p", "start_image_url": "http://evil.example.com/a.jpg", "duration": 3})
    assert caught.value.status_code == 422
    sim.set_config(CONFIG.with_changes(http_image_hosts=()))
    with pytest.raises(ApiError):
        await api.submit(I2V, {"prompt": "p", "start_image_url": f"{sim.base_url}/uploads/a.jpg", "duration": 3})


def test_studio_validation_accepts_the_simulator_url_only_when_configured(sim):
    request = GenerationRequest(prompt="p", start_image_url=f"{sim.base_url}/uploads/{'a' * 32}.png")
    ep = endpoint("standard", "image-to-video")
    assert validate(request, ep, allow_http_hosts=LOOPBACK) == []
    assert validate(request, ep) != []


def test_simulator_config_http_image_hosts():
    cfg = SimulatorConfig().with_changes(http_image_hosts=["127.0.0.1:8765"])
    assert cfg.http_image_hosts == ("127.0.0.1:8765",)
    assert cfg.as_json()["http_image_hosts"] == ["127.0.0.1:8765"]
    with pytest.raises(ValueError, match="http_image_hosts"):
        SimulatorConfig().with_changes(http_image_hosts="127.0.0.1")
    assert SimulatorConfig().http_image_hosts == ()

