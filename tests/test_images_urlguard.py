"""The image URL guard (SSRF) and the fetch check, through HttpClient's public transport.

A scripted httpx.MockTransport plays the internet and a fake resolver plays DNS, so "a host
name that resolves to loopback" needs no real DNS. Nothing here leaves the machine.
"""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image

from studio.client.http import HttpClient
from studio.config import Settings
from studio.domain.catalog import endpoint as endpoint_for
from studio.domain.models import GenerationRequest
from studio.domain.validation import check_image_url, check_input, validate
from studio.errors import NetworkError, UploadError
from studio.images import check_public_image
from studio.images.urlguard import address_problem, system_resolver, vet_url

PUBLIC_IP = "93.184.216.34"
DNS = {
    "images.example.com": [PUBLIC_IP],
    "cdn.example.net": ["151.101.1.1", "2a04:4e42::1"],
    "loopy.example.com": ["127.0.0.1"],
    "intranet.example.com": ["10.1.2.3"],
    "metadata.example.com": ["169.254.169.254"],
    "mixed.example.com": [PUBLIC_IP, "192.168.1.10"],
    "six.example.com": ["::1"],
    "mapped.example.com": ["::ffff:10.0.0.1"],
}


async def resolver(host: str, port: int) -> list[str]:
    if host not in DNS:
        raise OSError("Name or service not known")
    return DNS[host]


def jpeg(size=(640, 360)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, "JPEG")
    return buffer.getvalue()


class Web:
    """Answers by host name (the Host header, since connections are pinned to IPs)."""

    def __init__(self, pages: dict[str, httpx.Response | list[httpx.Response]]) -> None:
        self.pages = pages
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = f"{request.headers['host']}{request.url.path}"
        answer = self.pages.get(key)
        if answer is None:
            return httpx.Response(404)
        return answer.pop(0) if isinstance(answer, list) else answer


def http_for(web: Web, **settings) -> HttpClient:
    return HttpClient(Settings(**settings), "tok-secret", public_transport=httpx.MockTransport(web))


async def check(url: str, web: Web | None = None, **kwargs) -> None:
    http = http_for(web or Web({}), **kwargs.pop("settings", {}))
    async with http:
        await check_public_image(http, url, resolver=resolver, field="start image URL", **kwargs)


# -- SSRF: refused before any request is sent ----------------------------------------------
SSRF = {
    "plain http": ("http://images.example.com/a.jpg", "https://"),
    "loopback v4": ("https://127.0.0.1/a.jpg", "127.0.0.1 is a loopback address"),
    "private 10/8": ("https://10.0.0.1/a.jpg", "10.0.0.1 is a private network address"),
    "cloud metadata": ("https://169.254.169.254/latest/meta-data/", "link-local"),
    "loopback v6": ("https://[::1]/a.jpg", "::1 is a loopback address"),
    "name -> loopback": ("https://loopy.example.com/a.jpg", "loopy.example.com resolves to 127.0.0.1, which is a loopback"),
    "name -> private": ("https://intranet.example.com/a.jpg", "resolves to 10.1.2.3, which is a private"),
    "name -> metadata": ("https://metadata.example.com/a.jpg", "resolves to 169.254.169.254, which is a link-local"),
    "name -> one bad of two": ("https://mixed.example.com/a.jpg", "resolves to 192.168.1.10"),
    "name -> ::1": ("https://six.example.com/a.jpg", "loopback"),
    "v4-mapped v6": ("https://mapped.example.com/a.jpg", "private network"),
    "literal v4-mapped": ("https://[::ffff:127.0.0.1]/a.jpg", "loopback"),
    "unspecified": ("https://0.0.0.0/a.jpg", "0.0.0.0 is an unspecified address"),
    "credentials": ("https://user:pw@images.example.com/a.jpg", "user name or password"),
    "no host": ("https:///a.jpg", "no host name"),
    "ftp": ("ftp://images.example.com/a.jpg", "https://"),
    "unknown host": ("https://nowhere.invalid/a.jpg", "could not be found"),
}


@pytest.mark.parametrize("case", sorted(SSRF))
async def test_ssrf_targets_are_refused_without_a_request(case):
    url, words = SSRF[case]
    web = Web({})
    with pytest.raises(UploadError) as caught:
        await check(url, web)
    assert str(caught.value).startswith("start image URL: ")
    assert words in str(caught.value)
    assert web.requests == []


@pytest.mark.parametrize("case", sorted(set(SSRF) - {"credentials", "no host", "unknown host", "ftp"}))
async def test_a_redirect_to_an_ssrf_target_is_refused(case):
    target, words = SSRF[case]
    web = Web({"images.example.com/start.jpg": httpx.Response(302, headers={"Location": target})})
    with pytest.raises(UploadError) as caught:
        await check("https://images.example.com/start.jpg", web)
    assert words in str(caught.value)
    assert len(web.requests) == 1  # the redirect target was never fetched


async def test_localhost_through_the_real_resolver_is_refused():
    assert "127.0.0.1" in await system_resolver("localhost", 443) or "::1" in await system_resolver("localhost", 443)
    with pytest.raises(UploadError, match=r"localhost resolves to .*loopback"):
        await vet_url("https://localhost/a.jpg", field="image URL")


@pytest.mark.parametrize(
    "address, problem",
    [
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
        ("127.0.0.53", "loopback"),
        ("172.16.0.1", "private"),
        ("192.168.0.1", "private"),
        ("100.64.0.1", "not a public"),  # carrier-grade NAT
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("224.0.0.1", "multicast"),
        ("2002:7f00:1::", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("::ffff:169.254.169.254", "link-local"),
        ("240.0.0.1", "reserved"),
    ],
)
def test_address_table(address, problem):
    found = address_problem(address)
    assert (found is None) if problem is None else (problem in found)


# -- the happy path and content checks -----------------------------------------------------------
async def test_a_public_image_passes_pinned_to_the_checked_address_without_the_token():
    web = Web({"images.example.com/a.jpg": httpx.Response(200, content=jpeg(), headers={"Content-Type": "image/jpeg"})})
    await check("https://images.example.com/a.jpg", web)
    (request,) = web.requests
    assert request.url.host == PUBLIC_IP  # connected to the address that was checked
    assert request.headers["host"] == "images.example.com"
    assert request.extensions["sni_hostname"] == "images.example.com"  # TLS still verifies the name
    assert "authorization" not in request.headers


async def test_a_redirect_to_another_public_host_is_followed_and_re_checked():
    web = Web(
        {
            "images.example.com/a.jpg": httpx.Response(301, headers={"Location": "https://cdn.example.net/x/a.jpg"}),
            "cdn.example.net/x/a.jpg": httpx.Response(200, content=jpeg(), headers={"Content-Type": "image/jpeg"}),
        }
    )
    await check("https://images.example.com/a.jpg", web)
    assert [r.url.host for r in web.requests] == [PUBLIC_IP, "151.101.1.1"]


def _answer(status=200, body=None, ctype="image/jpeg", **headers):
    return httpx.Response(status, content=jpeg() if body is None else body, headers={"Content-Type": ctype, **headers})


def _svg():
    return b'<svg xmlns="http://www.w3.org/2000/svg" width="900" height="900"></svg>'


@pytest.mark.parametrize(
    "answer, words",
    [
        (_answer(404, b"nope"), "answered HTTP 404; nothing is there"),
        (_answer(403, b"denied"), "HTTP 403; access is denied"),
        (_answer(401, b""), "needs a login"),
        (_answer(200, b"<html>hi</html>", "text/html; charset=utf-8"), "answered with text/html, not an image"),
        (_answer(200, b"", "image/jpeg"), "empty file"),
        (_answer(200, _svg(), "image/svg+xml"), "SVG"),
        (_answer(200, b"GIF89a" + bytes(40), "image/gif"), "GIF"),
        (_answer(200, jpeg((200, 200))), "200×200 px; the short side must be at least 300 px"),
        (_answer(200, jpeg()[:40]), "damaged"),
        (_answer(200, bytes(5000), "image/png"), "not a JPEG, PNG or WebP"),
    ],
)
async def test_content_problems_are_named(answer, words):
    web = Web({"images.example.com/a.jpg": answer})
    with pytest.raises(UploadError, match=r"^start image URL: ") as caught:
        await check("https://images.example.com/a.jpg", web)
    assert words in str(caught.value)


async def test_the_byte_cap_holds_with_and_without_a_length():
    big = jpeg((1600, 900))
    for headers in ({}, {"Content-Length": str(len(big))}):
        web = Web({"images.example.com/a.jpg": _answer(200, big, **headers)})
        with pytest.raises(UploadError, match="larger than"):
            await check("https://images.example.com/a.jpg", web, settings={"image_check_cap_bytes": 4096})


async def test_redirect_loops_stop():
    hop = httpx.Response(302, headers={"Location": "/a.jpg"})
    web = Web({"images.example.com/a.jpg": [hop] * 10})
    with pytest.raises(UploadError, match="too many redirects"):
        await check("https://images.example.com/a.jpg", web)
    assert len(web.requests) == 4


async def test_a_timeout_is_a_message():
    def slow(request):
        raise httpx.ReadTimeout("slow", request=request)

    http = HttpClient(Settings(), None, public_transport=httpx.MockTransport(slow))
    with pytest.raises(UploadError, match=r"did not answer in time.*private browser window"):
        await check_public_image(http, "https://images.example.com/a.jpg", resolver=resolver)


async def test_allowed_http_host_is_fetched_directly():
    web = Web({"127.0.0.1:8765/uploads/a.jpg": _answer()})
    await check("http://127.0.0.1:8765/uploads/a.jpg", web, allow_http_hosts=("127.0.0.1:8765",))
    assert web.requests[0].url.host == "127.0.0.1"
    with pytest.raises(UploadError, match="https://"):
        await check("http://127.0.0.1:9999/uploads/a.jpg", web, allow_http_hosts=("127.0.0.1:8765",))
    with pytest.raises(UploadError, match="loopback"):  # the allowance is for that host only
        await check("https://loopy.example.com:8765/uploads/a.jpg", Web({}), allow_http_hosts=("127.0.0.1:8765",))


# -- the studio's validation accepts http only for configured hosts -------------------------------
@pytest.mark.parametrize(
    "url, hosts, ok",
    [
        ("https://images.example.com/a.jpg", (), True),
        ("http://127.0.0.1:8765/uploads/a.jpg", (), False),
        ("http://127.0.0.1:8765/uploads/a.jpg", ("127.0.0.1",), True),
        ("http://127.0.0.1:8765/uploads/a.jpg", ("127.0.0.1:8765",), True),
        ("http://127.0.0.1:8765/uploads/a.jpg", ("127.0.0.1:9000",), False),
        ("http://127.0.0.2/a.jpg", ("127.0.0.1",), False),
        ("http://[::1]:80/a.jpg", ("[::1]",), True),
        ("http://evil.example.com/a.jpg", ("127.0.0.1",), False),
        ("http://user:pw@127.0.0.1/a.jpg", ("127.0.0.1",), False),
    ],
)
def test_check_image_url_allows_http_only_for_exact_hosts(url, hosts, ok):
    assert (check_image_url(url, hosts) is None) is ok


def test_validate_and_check_input_pass_the_allowance_through():
    endpoint = endpoint_for("standard", "image-to-video")
    url = "http://127.0.0.1:8765/uploads/abc.png"
    request = GenerationRequest(prompt="the lighthouse lights up", start_image_url=url)
    assert any("https://" in p.message for p in validate(request, endpoint))
    assert validate(request, endpoint, allow_http_hosts=("127.0.0.1",)) == []
    data = {"prompt": "the lighthouse lights up", "start_image_url": url}
    assert check_input(data, endpoint)[1]
    assert check_input(data, endpoint, allow_http_hosts=("127.0.0.1",))[1] == []


# -- pinning keeps TLS honest ------------------------------------------------------------------
@pytest.fixture
def tls_server(tmp_path):
    """A local https server with a certificate for ``images.test`` only (made with openssl)."""
    import http.server
    import shutil
    import ssl
    import subprocess
    import threading

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=images.test", "-addext", "subjectAltName=DNS:images.test"],
        check=True, capture_output=True,
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.end_headers()
            self.wfile.write(self.headers["Host"].encode())

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], ssl.create_default_context(cafile=str(cert))
    server.shutdown()
    server.server_close()


async def test_a_pinned_fetch_still_verifies_the_certificate_for_the_host_name(tls_server):
    port, trust = tls_server
    transport = httpx.AsyncHTTPTransport(verify=trust)
    async with HttpClient(Settings(), None, public_transport=transport) as http:
        probe = await http.probe_public(
            f"https://images.test:{port}/a.jpg", cap_bytes=100, timeout=5, connect_to="127.0.0.1"
        )
        assert probe.status == 200 and probe.body == f"images.test:{port}".encode()
        with pytest.raises(NetworkError):  # same address, a name the certificate does not cover
            await http.probe_public(f"https://other.test:{port}/a.jpg", cap_bytes=100, timeout=5, connect_to="127.0.0.1")


async def test_the_allowance_is_for_http_on_that_exact_host_and_port_only():
    # Offline mode trusts the simulator's upload host over http; an https URL on the same host
    # (or a loopback host on another port) gets the full guard and is refused as loopback.
    allowed = ("127.0.0.1:8765",)
    for url in ("https://127.0.0.1:8765/uploads/a.jpg", "https://127.0.0.1:9999/uploads/a.jpg", "https://127.0.0.1/a.jpg"):
        with pytest.raises(UploadError, match="loopback"):
            await check(url, Web({}), allow_http_hosts=allowed)
    with pytest.raises(UploadError, match="https://"):
        await check("http://127.0.0.1:8766/uploads/a.jpg", Web({}), allow_http_hosts=allowed)


def test_offline_settings_trust_only_the_simulators_own_port(tmp_path):
    from studio.offline import start_simulator

    server, settings, _ = start_simulator(Settings(data_dir=tmp_path), render=False)
    try:
        assert settings.http_image_hosts == (f"127.0.0.1:{server.port}",)
        assert server.config.http_image_hosts == (f"127.0.0.1:{server.port}",)
    finally:
        server.stop()
