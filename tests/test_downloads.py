"""Which result URLs are downloaded, under what names, and how they reach the disk."""

import asyncio
import os
from itertools import pairwise

import pytest
import trustme

import studio.client.http_public
import studio.media.filewriter
from studio.client.downloads import (
    find_output_urls,
    host_allowed,
    safe_filename,
    unique_path,
)
from studio.client.http import HttpClient
from studio.config import Settings
from studio.errors import DownloadError, NetworkError
from studio.simulator import SimulatorConfig, SimulatorServer


def test_only_output_is_scanned_in_first_seen_order():
    output = {
        "video": "https://playgrounds-storage-public.runcomfy.net/a.mp4",
        "videos": ["https://files.runcomfy.net/b.mp4", "https://playgrounds-storage-public.runcomfy.net/a.mp4"],
        "meta": {"thumb": "http://x.runcomfy.com/t.png", "note": "not a url", "n": 3},
    }
    assert find_output_urls(output) == [
        "https://playgrounds-storage-public.runcomfy.net/a.mp4",
        "https://files.runcomfy.net/b.mp4",
        "http://x.runcomfy.com/t.png",
    ]
    assert find_output_urls(None) == []


@pytest.mark.parametrize(
    "url, extra, ok",
    [
        ("https://playgrounds-storage-public.runcomfy.net/a.mp4?sig=1", (), True),
        ("https://FILES.RunComfy.NET/a.mp4", (), True),
        ("http://serverless-api-storage.runcomfy.com/a.mp4", (), True),
        ("https://runcomfy.net/a.mp4", (), False),
        ("https://evil-runcomfy.net/a.mp4", (), False),
        ("https://runcomfy.net.evil.com/a.mp4", (), False),
        ("https://files.runcomfy.net@evil.com/a.mp4", (), False),
        ("https://user:pw@files.runcomfy.net/a.mp4", (), False),
        ("https://evil.com\\@files.runcomfy.net/a.mp4", (), False),
        ("ftp://files.runcomfy.net/a.mp4", (), False),
        ("https://127.0.0.1/a.mp4", (), False),
        ("http://127.0.0.1:8123/files/a.mp4", ("127.0.0.1",), True),
        ("http://127.0.0.2:8123/files/a.mp4", ("127.0.0.1",), False),
        ("https://[::1]/a.mp4", (), False),
        ("not a url", (), False),
        ("https://files.runcomfy.net:99999/a.mp4", (), False),
    ],
)
def test_host_allowlist(url, extra, ok):
    assert host_allowed(url, extra) is ok


@pytest.mark.parametrize(
    "url, name",
    [
        ("https://h.runcomfy.net/x/clip.mp4?X-Amz-Signature=abc", "clip.mp4"),
        ("https://h.runcomfy.net/x/my%20clip%3F.mp4", "my_clip_.mp4"),
        ("https://h.runcomfy.net/x/..%2F..%2Fetc%2Fpasswd", "passwd"),
        ("https://h.runcomfy.net/", "output"),
        ("https://h.runcomfy.net/a/..", "output"),
        ("https://h.runcomfy.net/a/<b>:c|d*.mp4", "_b__c_d_.mp4"),
    ],
)
def test_safe_filename(url, name):
    assert safe_filename(url) == name


def test_unique_path(tmp_path):
    assert unique_path(tmp_path, "a.mp4") == tmp_path / "a.mp4"
    (tmp_path / "a.mp4").write_bytes(b"x")
    (tmp_path / "a-1.mp4").write_bytes(b"x")
    assert unique_path(tmp_path, "a.mp4") == tmp_path / "a-2.mp4"


# -- downloads over a real socket (plain http://, so through the bulk-read transport) ---------

_PROXY_VARS = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def file_host():
    with SimulatorServer(SimulatorConfig(render=False)) as server:
        yield server


@pytest.fixture
def sim(file_host, monkeypatch):
    """The module's simulator with no faults and an empty log; no proxy in the environment."""
    for name in _PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    file_host.faults.clear()
    file_host.log.clear()
    yield file_host


async def _no_sleep(_: float) -> None:
    return None


def _client(**settings) -> HttpClient:
    return HttpClient(Settings(**settings), "tok-secret", sleep=_no_sleep)


def _blob(size: int) -> bytes:
    return (bytes(range(256)) * (size // 256 + 1))[:size]


async def test_plain_http_download_lands_intact_in_large_chunks(sim, tmp_path):
    size = 40 * MiB + 123  # past several writer batches and a write-back kick; not a multiple of either
    seen: list[tuple[int, int | None]] = []
    async with _client() as http:
        path = await http.download(
            f"{sim.base_url}/files/blob/{size}.bin", tmp_path, allowed=lambda u: True,
            on_progress=lambda total, length: seen.append((total, length)),
        )
    assert path == tmp_path / f"{size}.bin" and list(tmp_path.iterdir()) == [path]
    assert path.read_bytes() == _blob(size)
    assert seen[-1] == (size, size)
    steps = [b - a for (a, _), (b, _) in pairwise([(0, None), *seen])]
    assert min(steps) > 0 and all(step == MiB for step in steps[:-1])  # the writer gets whole megabytes, not socket reads
    assert [e.authorization for e in sim.log.entries(op="download")] == [False]


async def test_plain_http_download_is_fsynced_before_it_is_renamed(sim, tmp_path, monkeypatch):
    events: list[str] = []
    fsync, replace = os.fsync, os.replace
    monkeypatch.setattr(studio.media.filewriter.os, "fsync", lambda fd: (events.append("fsync"), fsync(fd))[1])
    monkeypatch.setattr(studio.client.http_public.os, "replace", lambda a, b: (events.append("replace"), replace(a, b))[1])
    async with _client() as http:
        await http.download(f"{sim.base_url}/files/blob/{9 * MiB}.bin", tmp_path, allowed=lambda u: True)
    assert events == ["fsync", "replace", "fsync"]  # the file, then the rename, then its directory


async def test_plain_http_cap_is_enforced_mid_stream_and_the_partial_deleted(sim, tmp_path):
    sim.faults.add("download", "huge_chunked")  # zeros with no Content-Length, up to 3 GiB
    async with _client(download_cap_bytes=3 * MiB) as http:
        with pytest.raises(DownloadError, match="passed the 3,145,728-byte cap"):
            await http.download(f"{sim.base_url}/files/blob/1024.bin", tmp_path, allowed=lambda u: True)
    assert list(tmp_path.iterdir()) == []


async def test_plain_http_oversized_content_length_is_refused(sim, tmp_path):
    sim.faults.add("download", "oversized")
    async with _client(download_cap_bytes=3 * MiB) as http:
        with pytest.raises(DownloadError, match="over the"):
            await http.download(f"{sim.base_url}/files/blob/1024.bin", tmp_path, allowed=lambda u: True)
    assert list(tmp_path.iterdir()) == []


async def test_plain_http_redirects_are_checked_on_every_hop(sim, tmp_path):
    checked: list[str] = []

    def allowed(url: str) -> bool:
        checked.append(url)
        return "127.0.0.1" in url

    sim.faults.add("download", "redirect_offhost")
    async with _client() as http:
        with pytest.raises(DownloadError, match=r"evil\.example\.net"):
            await http.download(f"{sim.base_url}/files/blob/1000.bin", tmp_path, allowed=allowed)
        assert checked[-1] == "http://evil.example.net/x.mp4" and list(tmp_path.iterdir()) == []
        assert len(sim.log.entries(op="download")) == 1

        checked.clear()
        sim.faults.add("download", "redirect_onhost")
        path = await http.download(f"{sim.base_url}/files/blob/1000.bin", tmp_path, allowed=allowed)
    assert len(checked) == 2 and "hop=1" in checked[1]
    assert path.read_bytes() == _blob(1000)


async def test_plain_http_truncation_and_drop_are_retried(sim, tmp_path):
    sim.faults.add("download", "truncated")
    sim.faults.add("download", "drop")
    async with _client() as http:
        path = await http.download(f"{sim.base_url}/files/blob/{3 * MiB}.bin", tmp_path, allowed=lambda u: True)
    assert path.read_bytes() == _blob(3 * MiB) and list(tmp_path.iterdir()) == [path]
    assert [e.fault for e in sim.log.entries(op="download")] == ["truncated", "drop", None]


async def test_cancelled_download_leaves_no_partial(tmp_path):
    """Cancelled mid-stream (the server stalls after 9 MiB): the .part file is gone."""
    stalled = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (100 * MiB))
        for _ in range(9):
            writer.write(bytes(MiB))
            await writer.drain()
        stalled.set()
        await asyncio.sleep(30)

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    received = asyncio.Event()
    async with server, _client() as http:
        task = asyncio.create_task(
            http.download(f"http://127.0.0.1:{port}/a.mp4", tmp_path, allowed=lambda u: True,
                          on_progress=lambda total, _: total >= 9 * MiB and received.set())
        )
        await asyncio.wait_for(received.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        server.close()
    await asyncio.sleep(0.1)  # a write in flight ends, then the file is closed
    assert list(tmp_path.iterdir()) == []


async def test_a_failing_disk_write_surfaces_and_the_partial_is_deleted(sim, tmp_path, monkeypatch):
    def disk_full(self, batch, sync):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(studio.media.filewriter.FileWriter, "_write", disk_full)
    async with _client() as http:
        with pytest.raises(OSError, match="No space left"):
            await http.download(f"{sim.base_url}/files/blob/{9 * MiB}.bin", tmp_path, allowed=lambda u: True)
    assert list(tmp_path.iterdir()) == []


# -- https: httpx as shipped, verified as httpx verifies ------------------------------


@pytest.fixture(scope="module")
def authority():
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_host(authority, tmp_path_factory):
    """The simulator's file host over https://, with a certificate for 127.0.0.1 from a test CA."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    issued = authority.issue_cert("127.0.0.1", "localhost")
    issued.cert_chain_pems[0].write_to_path(str(cert))
    for blob in issued.cert_chain_pems[1:]:
        blob.write_to_path(str(cert), append=True)
    issued.private_key_pem.write_to_path(str(key))
    with SimulatorServer(SimulatorConfig(render=False), tls=(cert, key)) as server:
        yield server


@pytest.fixture
def trusted(authority, tmp_path, monkeypatch):
    """The test CA trusted the way a user trusts one: ``SSL_CERT_FILE`` (httpx honours it)."""
    for name in _PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))


async def test_https_download_lands_intact_in_large_chunks(tls_host, trusted, tmp_path):
    size = 24 * MiB + 77
    seen: list[int] = []
    async with _client() as http:
        assert tls_host.base_url.startswith("https://")
        path = await http.download(
            f"{tls_host.base_url}/files/blob/{size}.bin", tmp_path, allowed=lambda u: True,
            on_progress=lambda total, length: seen.append(total),
        )
    assert path.read_bytes() == _blob(size)
    steps = [b - a for a, b in pairwise([0, *seen])]
    assert all(step == MiB for step in steps[:-1])
    assert [e.authorization for e in tls_host.log.entries(op="download")][-1] is False


async def test_https_refuses_a_certificate_it_does_not_trust(tls_host, tmp_path, monkeypatch):
    for name in (*_PROXY_VARS, "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    async with _client(max_retries=0) as http:
        with pytest.raises(DownloadError, match="failed"):
            await http.download(f"{tls_host.base_url}/files/blob/10.bin", tmp_path, allowed=lambda u: True)
    assert list(tmp_path.iterdir()) == []


async def test_https_refuses_a_certificate_for_another_host(authority, tmp_path, trusted):
    cert, key = tmp_path / "other.pem", tmp_path / "other-key.pem"
    issued = authority.issue_cert("files.runcomfy.net")
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    with SimulatorServer(SimulatorConfig(render=False), tls=(cert, key)) as other:
        async with _client(max_retries=0) as http:
            with pytest.raises(DownloadError, match="failed"):
                await http.download(f"{other.base_url}/files/blob/10.bin", tmp_path / "out", allowed=lambda u: True)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


async def test_https_cap_and_truncation_behave_as_over_http(tls_host, trusted, tmp_path):
    out = tmp_path / "out"
    async with _client(download_cap_bytes=4 * MiB) as http:
        with pytest.raises(DownloadError, match="cap"):
            await http.download(f"{tls_host.base_url}/files/blob/{8 * MiB}.bin", out, allowed=lambda u: True)
    assert not out.exists() or list(out.iterdir()) == []  # refused on its Content-Length: nothing written
    tls_host.faults.add("download", "truncated")
    async with _client() as http:
        path = await http.download(f"{tls_host.base_url}/files/blob/{3 * MiB}.bin", out, allowed=lambda u: True)
    assert path.read_bytes() == _blob(3 * MiB) and list(out.iterdir()) == [path]
    assert len([e for e in tls_host.log.entries(op="download") if e.path.endswith(f"/{3 * MiB}.bin")]) == 2  # cut, then whole


async def test_pinned_https_probe_checks_the_certificate_against_the_host_name(tls_host, trusted):
    """The image check connects to a vetted IP but verifies TLS for the URL's own host name (SNI)."""
    async with _client() as http:
        probe = await http.probe_public(
            f"https://localhost:{tls_host.port}/files/blob/10.bin", cap_bytes=100, timeout=5, connect_to="127.0.0.1"
        )
        assert probe.status == 200 and probe.body == bytes(range(10))
        with pytest.raises(NetworkError):
            await http.probe_public(
                f"https://files.runcomfy.net:{tls_host.port}/files/blob/10.bin", cap_bytes=100, timeout=5, connect_to="127.0.0.1"
            )


async def test_a_killed_downloads_partial_is_removed_but_a_live_one_is_kept(sim, tmp_path):
    """Partials are locked by their writer: a dead writer's leftover goes, a live one stays."""
    from studio.media.filewriter import open_partial

    name = f"{2 * MiB}.bin"
    dead, handle = open_partial(tmp_path, name)
    handle.write(b"half a video")
    handle.close()  # as when the process that wrote it was killed: the lock is gone
    live, live_handle = open_partial(tmp_path, name)  # another studio, still downloading
    try:
        async with _client() as http:
            path = await http.download(f"{sim.base_url}/files/blob/{2 * MiB}.bin", tmp_path, allowed=lambda u: True)
        assert path.read_bytes() == _blob(2 * MiB)
        assert not dead.exists() and live.exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, live.name])
    finally:
        live_handle.close()
