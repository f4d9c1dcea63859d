"""The HTTP layer against scripted transports (httpx.MockTransport): retries, errors, token scope."""

import httpx
import pytest

from studio.client.api import RunComfyApi
from studio.client.http import HttpClient
from studio.client.job_states import Queued, Succeeded
from studio.config import Settings
from studio.errors import (
    ApiError,
    AuthError,
    DownloadError,
    NetworkError,
    NotFound,
    PaymentRequired,
    RateLimited,
    RequestTimeout,
    ServerError,
    SubmitUnknown,
    Unprocessable,
    UploadError,
)

API = "https://model-api.runcomfy.net/v1"
TOKEN = "tok-0123456789abcdef"


class Script:
    """Answers requests from a list of responses (or exceptions), recording each request."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def client(script, public=None, **settings):
    sleeps = []

    async def sleep(s):
        sleeps.append(s)

    http = HttpClient(
        Settings(data_dir=None, **settings),  # type: ignore[arg-type]
        TOKEN,
        transport=httpx.MockTransport(script),
        public_transport=httpx.MockTransport(public or script),
        sleep=sleep,
        jitter=lambda: 0.0,
        clock=lambda: 0.0,
    )
    return http, sleeps


def ok(body, status=200, **headers):
    return httpx.Response(status, json=body, headers=headers)


async def test_submit_sends_bare_body_with_bearer_and_returns_handle():
    script = Script(ok({"request_id": "r1", "result_url": f"{API}/requests/r1/result", "status_url": "x"}))
    http, _ = client(script)
    handle = await RunComfyApi(http).submit("kling/kling-3.0/pro/text-to-video", {"prompt": "p", "duration": 5})
    req = script.requests[0]
    assert req.method == "POST"
    assert str(req.url) == f"{API}/models/kling/kling-3.0/pro/text-to-video"
    assert req.headers["Authorization"] == f"Bearer {TOKEN}"
    assert req.headers["Content-Type"] == "application/json"
    assert req.content == b'{"prompt":"p","duration":5}'
    assert (handle.request_id, handle.result_url) == ("r1", f"{API}/requests/r1/result")


async def test_foreign_result_url_is_not_followed_and_never_gets_the_token():
    script = Script(ok({"request_id": "r1", "result_url": "https://evil.example.com/steal"}))
    http, _ = client(script)
    handle = await RunComfyApi(http).submit("kling/kling-3.0/pro/text-to-video", {"prompt": "p"})
    assert handle.result_url is None
    script.answers = [ok({"status": "succeeded", "output": {"video": "https://a.runcomfy.net/v.mp4"}})]
    await RunComfyApi(http).result("r1", "https://evil.example.com/steal")
    assert str(script.requests[-1].url) == f"{API}/requests/r1/result?include_cost=true"


@pytest.mark.parametrize(
    "answers, retries",
    [
        ([ok({}, 503), ok({}, 502), ok({"status": "in_queue", "queue_position": 2})], 2),
        ([ok({}, 429, **{"Retry-After": "3"}), ok({"status": "in_queue", "queue_position": 2})], 1),
        ([httpx.ConnectError("refused"), ok({"status": "in_queue", "queue_position": 2})], 1),
        ([httpx.ReadTimeout("slow"), ok({"status": "in_queue", "queue_position": 2})], 1),
        ([httpx.RemoteProtocolError("dropped"), ok({"status": "in_queue", "queue_position": 2})], 1),
        ([httpx.Response(200, text="<html>oops"), ok({"status": "in_queue", "queue_position": 2})], 1),
        ([ok({"error_code": 500001, "error_message": "busy"}), ok({"status": "in_queue", "queue_position": 2})], 1),
    ],
)
async def test_reads_are_retried(answers, retries):
    script = Script(*answers)
    http, sleeps = client(script)
    assert await RunComfyApi(http).status("r1") == Queued(2)
    assert len(script.requests) == retries + 1
    assert len(sleeps) == retries


async def test_retry_after_is_honoured_and_backoff_grows():
    script = Script(ok({}, 429, **{"Retry-After": "7"}), ok({}, 500), ok({}, 500), ok({"status": "in_progress"}))
    http, sleeps = client(script)
    await RunComfyApi(http).status("r1")
    assert sleeps == [7.0, 1.0, 2.0]


async def test_reads_give_up_after_max_retries():
    script = Script(ok({"error_message": "down"}, 503))
    http, sleeps = client(script, max_retries=3)
    with pytest.raises(ServerError):
        await RunComfyApi(http).status("r1")
    assert len(script.requests) == 4 and len(sleeps) == 3


async def test_long_retry_after_is_reported_not_waited():
    script = Script(ok({}, 429, **{"Retry-After": "600"}))
    http, sleeps = client(script)
    with pytest.raises(RateLimited) as info:
        await RunComfyApi(http).status("r1")
    assert info.value.retry_after == 600.0 and sleeps == []


@pytest.mark.parametrize(
    "answer, error",
    [
        (ok({"error": "boom"}, 500), ServerError),
        (ok({}, 502), ServerError),
        (httpx.ReadTimeout("no answer"), SubmitUnknown),
        (httpx.RemoteProtocolError("dropped"), SubmitUnknown),
        (httpx.Response(200, text="not json"), SubmitUnknown),
        (ok({"status": "in_queue"}), SubmitUnknown),  # no request_id
        (ok({"request_id": "../x"}), SubmitUnknown),
        (ok({"error_code": 422001, "error_message": "bad"}, 422), Unprocessable),
        (ok({"error_code": 400002, "error_message": "no money"}, 400), PaymentRequired),
        (ok({}, 402), PaymentRequired),
        (ok({"error_code": 400004}, 400), AuthError),
        (ok({}, 401), AuthError),
        (ok({"error_code": 400001}, 400), ApiError),
        (ok({"error_code": 404001}, 404), NotFound),
    ],
)
async def test_submit_is_never_retried_when_the_outcome_is_unknown_or_refused(answer, error):
    script = Script(answer)
    http, sleeps = client(script)
    with pytest.raises(error):
        await RunComfyApi(http).submit("kling/kling-3.0/pro/text-to-video", {"prompt": "p"})
    assert len(script.requests) == 1 and sleeps == []


@pytest.mark.parametrize("first", [ok({}, 429), httpx.ConnectError("refused"), httpx.ConnectTimeout("no route")])
async def test_submit_is_retried_only_when_certainly_not_accepted(first):
    script = Script(first, ok({"request_id": "r9"}))
    http, _ = client(script)
    handle = await RunComfyApi(http).submit("kling/kling-3.0/pro/text-to-video", {"prompt": "p"})
    assert handle.request_id == "r9" and len(script.requests) == 2


async def test_connect_failure_on_read_becomes_network_error_without_token_in_message():
    script = Script(httpx.ConnectError("refused"))
    http, _ = client(script, max_retries=1)
    with pytest.raises(NetworkError) as info:
        await RunComfyApi(http).status("r1")
    assert TOKEN not in str(info.value) and TOKEN not in repr(http)


async def test_result_and_cancel_shapes():
    script = Script(
        ok({"status": "succeeded", "output": {"video": "https://a.runcomfy.net/v.mp4"}, "cost": 0.42}),
        ok({"request_id": "r1", "status": "in_queue", "outcome": "cancelled"}, 202),
        ok({"request_id": "r1", "status": "in_progress", "outcome": "not_cancellable"}, 202),
    )
    http, _ = client(script)
    api = RunComfyApi(http)
    assert (await api.result("r1")) == Succeeded({"video": "https://a.runcomfy.net/v.mp4"}, __import__("decimal").Decimal("0.42"))
    assert (await api.cancel("r1")).cancelled
    assert not (await api.cancel("r1")).cancelled
    assert [r.method for r in script.requests] == ["GET", "POST", "POST"]
    assert str(script.requests[1].url) == f"{API}/requests/r1/cancel"


def file_response(body: bytes, **headers):
    return httpx.Response(200, content=body, headers={"Content-Type": "video/mp4", **headers})


async def test_download_streams_to_disk_without_token(tmp_path):
    files = Script(file_response(b"x" * 5000))
    http, _ = client(Script(ok({})), public=files)
    path = await http.download("https://f.runcomfy.net/a/clip.mp4?sig=1", tmp_path, allowed=lambda u: True)
    assert path == tmp_path / "clip.mp4" and path.read_bytes() == b"x" * 5000
    assert "Authorization" not in files.requests[0].headers
    assert list(tmp_path.iterdir()) == [path]


async def test_download_refuses_redirect_off_allowlist(tmp_path):
    files = Script(httpx.Response(302, headers={"Location": "https://evil.example.com/x.mp4"}))
    http, _ = client(Script(ok({})), public=files)
    allowed = lambda u: ".runcomfy.net" in u  # noqa: E731
    with pytest.raises(DownloadError, match=r"evil\.example\.com"):
        await http.download("https://f.runcomfy.net/clip.mp4", tmp_path, allowed=allowed)
    assert len(files.requests) == 1 and list(tmp_path.iterdir()) == []


async def test_download_refuses_oversized_content_length(tmp_path):
    files = Script(file_response(b"xx", **{"Content-Length": str(3 * 1024**3)}))
    http, _ = client(Script(ok({})), public=files)
    with pytest.raises(DownloadError, match="over the"):
        await http.download("https://f.runcomfy.net/clip.mp4", tmp_path, allowed=lambda u: True)
    assert list(tmp_path.iterdir()) == []


async def test_download_aborts_past_cap_mid_stream_and_deletes_partial(tmp_path):
    async def body():
        for _ in range(10):
            yield b"z" * 1000

    files = Script(httpx.Response(200, content=body()))
    http, _ = client(Script(ok({})), public=files, download_cap_bytes=4500)
    with pytest.raises(DownloadError, match="cap"):
        await http.download("https://f.runcomfy.net/clip.mp4", tmp_path, allowed=lambda u: True)
    assert list(tmp_path.iterdir()) == []


async def test_download_empty_and_expired(tmp_path):
    http, _ = client(Script(ok({})), public=Script(file_response(b"")))
    with pytest.raises(DownloadError, match="empty"):
        await http.download("https://f.runcomfy.net/clip.mp4", tmp_path, allowed=lambda u: True)
    http, _ = client(Script(ok({})), public=Script(httpx.Response(404)))
    with pytest.raises(DownloadError, match="expired"):
        await http.download("https://f.runcomfy.net/clip.mp4", tmp_path, allowed=lambda u: True)
    assert list(tmp_path.iterdir()) == []


# -- uploads (PUT) and downloads go through the same retry loop as API reads ---------------------


async def test_put_is_retried_as_a_read_and_returns_the_json_answer():
    files = Script(ok({}, 503), httpx.ConnectError("refused"), ok({"url": "https://f.example/a.png"}))
    http, sleeps = client(Script(ok({})), public=files)
    assert await http.put_bytes("https://f.example/a.png", b"png", content_type="image/png") == {"url": "https://f.example/a.png"}
    assert len(files.requests) == 3 and sleeps == [0.5, 1.0]
    assert "Authorization" not in files.requests[0].headers  # not the API's origin


@pytest.mark.parametrize(
    "answer, error, tries",
    [
        (httpx.Response(403), UploadError, 1),  # refused: not retried
        (ok({}, 503), UploadError, 3),  # max_retries=2: three tries, then the last error
        (httpx.ConnectError("refused"), NetworkError, 3),
        (httpx.ReadTimeout("slow"), RequestTimeout, 3),
    ],
)
async def test_put_failures_leave_as_studio_errors(answer, error, tries):
    files = Script(answer)
    http, sleeps = client(Script(ok({})), public=files, max_retries=2)
    with pytest.raises(error):
        await http.put_bytes("https://f.example/a.png", b"png", content_type="image/png")
    assert len(files.requests) == tries and len(sleeps) == tries - 1


async def test_download_waits_out_retry_after_and_retries_truncation(tmp_path):
    files = Script(
        httpx.Response(503, headers={"Retry-After": "4"}),
        file_response(b"x" * 10, **{"Content-Length": "5000"}),  # stops short of its length
        file_response(b"x" * 5000),
    )
    http, sleeps = client(Script(ok({})), public=files)
    path = await http.download("https://f.runcomfy.net/clip.mp4", tmp_path, allowed=lambda u: True)
    assert path.read_bytes() == b"x" * 5000 and len(files.requests) == 3
    assert sleeps == [4.0, 1.0]  # the server's Retry-After, then the backoff of attempt 2
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize(
    "answer, message",
    [
        (httpx.Response(503), "answered HTTP 503"),
        (httpx.RemoteProtocolError("dropped"), "the connection broke or timed out"),
    ],
)
async def test_download_gives_up_after_max_retries_with_a_download_error(tmp_path, answer, message):
    files = Script(answer)
    http, sleeps = client(Script(ok({})), public=files, max_retries=2)
    with pytest.raises(DownloadError, match=message):
        await http.download("https://f.runcomfy.net/clip.mp4", tmp_path, allowed=lambda u: True)
    assert len(files.requests) == 3 and sleeps == [0.5, 1.0]
    assert list(tmp_path.iterdir()) == []


async def test_download_with_a_long_retry_after_is_not_waited_out(tmp_path):
    files = Script(httpx.Response(429, headers={"Retry-After": "600"}))
    http, sleeps = client(Script(ok({})), public=files)
    with pytest.raises(DownloadError, match="HTTP 429"):
        await http.download("https://f.runcomfy.net/clip.mp4", tmp_path, allowed=lambda u: True)
    assert len(files.requests) == 1 and sleeps == []
