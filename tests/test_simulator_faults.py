"""Every simulator fault kind is observable from a plain HTTP client."""

from __future__ import annotations

import io
import time

import av
import httpx
import pytest

from studio.simulator.faults import FaultBook, FaultRule
from studio.simulator.files import HUGE_BYTES, OFFHOST_URL

from .sim_support import (
    FAST,
    T2V,
    finish,
    status_of,
    submit,
    wait_status,
)

# The simulator timing the conftest fixtures (server, sim, clients, api, anon) build and reset to.
SIM_CONFIG = FAST

BODY = {"prompt": "a lighthouse at dusk", "duration": 3}
DROPPED = (httpx.RemoteProtocolError, httpx.ReadError)


def faults(anon: httpx.Client, *rules: dict) -> None:
    r = anon.post("/_sim/faults", json={"rules": list(rules)})
    assert r.status_code == 200, r.text


def jobs(anon: httpx.Client) -> list[dict]:
    return anon.get("/_sim/jobs").json()["jobs"]


# -- transport-level faults ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["408", "500", "502", "503"])
def test_error_status_then_recovery(api, anon, kind):
    faults(anon, {"op": "submit", "kind": kind})
    r = api.post(f"/v1/models/{T2V}", json=BODY)
    assert r.status_code == int(kind) and r.json()["error_code"] == int(kind) * 1000 + 1
    assert jobs(anon) == []  # nothing was created
    assert api.post(f"/v1/models/{T2V}", json=BODY).status_code == 200


def test_429_with_retry_after(api, anon):
    faults(anon, {"op": "status", "kind": "429", "retry_after": 2}, {"op": "result", "kind": "429"})
    rid = submit(api)["request_id"]
    r = api.get(f"/v1/requests/{rid}/status")
    assert r.status_code == 429 and r.headers["retry-after"] == "2"
    r = api.get(f"/v1/requests/{rid}/result")
    assert r.status_code == 429 and "retry-after" not in r.headers
    assert status_of(api, rid)["request_id"] == rid


def test_drop_closes_the_connection_without_a_response(api, anon):
    faults(anon, {"op": "submit", "kind": "drop"})
    with pytest.raises(DROPPED):
        api.post(f"/v1/models/{T2V}", json=BODY)
    assert jobs(anon) == []
    entry = anon.get("/_sim/log").json()["entries"][-1]
    assert (entry["op"], entry["fault"], entry["status"]) == ("submit", "drop", "dropped")
    assert api.post(f"/v1/models/{T2V}", json=BODY).status_code == 200  # the next call is fine


def test_drop_after_accept_creates_the_job(api, anon):
    faults(anon, {"op": "submit", "kind": "drop_after_accept"})
    with httpx.Client(base_url=api.base_url, headers=api.headers) as fresh, pytest.raises(DROPPED):
        fresh.post(f"/v1/models/{T2V}", json=BODY)
    created = jobs(anon)
    assert len(created) == 1 and created[0]["body"] == BODY
    submits = [e for e in anon.get("/_sim/log").json()["entries"] if e["op"] == "submit"]
    assert len(submits) == 1 and submits[0]["status"] == "dropped"


@pytest.mark.parametrize("op", ["status", "result", "cancel", "catalog", "balance", "download"])
def test_drop_on_every_operation(sim, api, anon, op):
    rid = submit(api)["request_id"]
    finish(anon, rid)
    url = api.get(f"/v1/requests/{rid}/result").json()["output"]["video"]
    faults(anon, {"op": op, "kind": "drop"})
    call = {
        "status": lambda: api.get(f"/v1/requests/{rid}/status"),
        "result": lambda: api.get(f"/v1/requests/{rid}/result"),
        "cancel": lambda: api.post(f"/v1/requests/{rid}/cancel"),
        "catalog": lambda: api.get("/v1/models"),
        "balance": lambda: api.get("/prod/v2/balance"),
        "download": lambda: httpx.get(url),
    }[op]
    with pytest.raises(DROPPED):
        call()
    assert call().status_code in (200, 202)


def test_slow_provokes_a_read_timeout(api, anon):
    faults(anon, {"op": "balance", "kind": "slow", "delay": 0.6})
    with pytest.raises(httpx.ReadTimeout):
        api.get("/prod/v2/balance", timeout=httpx.Timeout(5, read=0.2))
    faults(anon, {"op": "balance", "kind": "slow", "delay": 0.2})
    started = time.monotonic()
    assert api.get("/prod/v2/balance").status_code == 200
    assert time.monotonic() - started >= 0.2


def test_malformed_is_a_non_json_200(api, anon):
    faults(anon, {"op": "submit", "kind": "malformed"})
    r = api.post(f"/v1/models/{T2V}", json=BODY)
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()


def test_error_code_in_a_200(api, anon):
    faults(anon, {"op": "result", "kind": "error_code_200"})
    rid = submit(api)["request_id"]
    r = api.get(f"/v1/requests/{rid}/result")
    assert r.status_code == 200 and r.json()["error_code"] == 500001 and "request_id" not in r.json()


# -- submit faults ---------------------------------------------------------------------------


@pytest.mark.parametrize("style, status", [("402", 402), ("400002", 400)])
def test_insufficient_balance(sim, api, anon, style, status):
    sim.set_config(insufficient_balance_style=style)
    faults(anon, {"op": "submit", "kind": "insufficient_balance"})
    r = api.post(f"/v1/models/{T2V}", json=BODY)
    assert (r.status_code, r.json()["error_code"]) == (status, 400002)
    assert jobs(anon) == []


@pytest.mark.parametrize("style, status, code", [("404", 404, 404001), ("400001", 400, 400001)])
def test_bad_model(sim, api, anon, style, status, code):
    sim.set_config(bad_model_style=style)
    faults(anon, {"op": "submit", "kind": "bad_model"})
    r = api.post(f"/v1/models/{T2V}", json=BODY)
    assert (r.status_code, r.json()["error_code"]) == (status, code)


def test_job_failed(sim, api, anon):
    faults(anon, {"op": "submit", "kind": "job_failed"})
    rid = submit(api)["request_id"]
    assert wait_status(api, rid, "failed")["status"] == "failed"
    r = api.get(f"/v1/requests/{rid}/result").json()
    assert r["status"] == "failed" and isinstance(r["error"], str) and r["error"] and "output" not in r
    assert api.get("/prod/v2/balance").json()["balance_usd"] == 25.0  # failures are not charged


def test_job_stuck_never_finishes(sim, api, anon):
    faults(anon, {"op": "submit", "kind": "job_stuck"})
    rid = submit(api)["request_id"]
    wait_status(api, rid, "in_progress")
    time.sleep(0.6)  # well past queue + run
    assert status_of(api, rid)["status"] == "in_progress"
    assert api.post(f"/v1/requests/{rid}/cancel").json()["outcome"] == "not_cancellable"


# -- counting --------------------------------------------------------------------------------


def test_after_and_times(api, anon):
    faults(anon, {"op": "balance", "kind": "503", "after": 1, "times": 2})
    codes = [api.get("/prod/v2/balance").status_code for _ in range(5)]
    assert codes == [200, 503, 503, 200, 200]
    rule = anon.get("/_sim/faults").json()["rules"][0]
    assert (rule["seen"], rule["fired"]) == (5, 2)


def test_times_zero_means_always(api, anon):
    faults(anon, {"op": "catalog", "kind": "500", "times": 0})
    assert {api.get("/v1/models").status_code for _ in range(4)} == {500}
    assert api.get("/prod/v2/balance").status_code == 200  # other operations are untouched


def test_first_matching_rule_wins_and_later_rules_still_count():
    book = FaultBook([FaultRule("status", "500", times=1), FaultRule("status", "503", after=1, times=1)])
    assert [r.kind if r else None for r in (book.take("status") for _ in range(3))] == ["500", "503", None]
    assert book.take("result") is None


@pytest.mark.parametrize(
    "rule",
    [
        {"op": "submit", "kind": "truncated"},
        {"op": "status", "kind": "job_failed"},
        {"op": "upload", "kind": "500"},
        {"op": "submit", "kind": "500", "times": -1},
        {"op": "submit", "kind": "500", "colour": "red"},
        {"kind": "500"},
    ],
)
def test_bad_rules_are_refused(anon, rule):
    assert anon.post("/_sim/faults", json=[rule]).status_code == 400


# -- download faults -------------------------------------------------------------------------


@pytest.fixture
def video_url(api, anon):
    rid = submit(api)["request_id"]
    finish(anon, rid)
    return api.get(f"/v1/requests/{rid}/result").json()["output"]["video"]


def test_truncated(anon, video_url):
    size = int(httpx.head(video_url).headers["content-length"])
    faults(anon, {"op": "download", "kind": "truncated"})
    received = bytearray()
    with pytest.raises(DROPPED), httpx.stream("GET", video_url) as r:
        assert r.headers["content-length"] == str(size)
        for chunk in r.iter_raw():
            received += chunk
    assert 0 < len(received) < size


def test_oversized_advertises_3_gib(anon, video_url):
    faults(anon, {"op": "download", "kind": "oversized"})
    with httpx.stream("GET", video_url) as r:
        assert r.status_code == 200 and int(r.headers["content-length"]) == HUGE_BYTES > 2 * 1024**3
        with pytest.raises(DROPPED):
            r.read()


def _rss_bytes() -> int:
    with open("/proc/self/status") as status:
        line = next(ln for ln in status if ln.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


def test_huge_chunked_streams_without_buffering(anon, video_url):
    faults(anon, {"op": "download", "kind": "huge_chunked"})
    wanted, got = 64 * 1024 * 1024, 0
    before = _rss_bytes()
    with httpx.stream("GET", video_url) as r:
        assert r.status_code == 200 and "content-length" not in r.headers
        assert r.headers["transfer-encoding"] == "chunked"
        for chunk in r.iter_raw():
            got += len(chunk)
            if got >= wanted:
                break
    assert got >= wanted
    assert _rss_bytes() - before < 32 * 1024 * 1024  # neither side held the 64 MiB


def test_redirects(anon, video_url):
    faults(anon, {"op": "download", "kind": "redirect_offhost"})
    r = httpx.get(video_url)
    assert r.status_code == 302 and r.headers["location"] == OFFHOST_URL
    faults(anon, {"op": "download", "kind": "redirect_onhost"})
    r = httpx.get(video_url)
    target = r.headers["location"]
    assert r.status_code == 302 and target != video_url and target.split("?")[0] == video_url.split("?")[0]
    followed = httpx.get(target)
    assert followed.status_code == 200 and followed.headers["content-type"] == "video/mp4"
    with av.open(io.BytesIO(followed.content)) as container:
        assert container.streams.video


def test_empty_and_expired(anon, video_url):
    faults(anon, {"op": "download", "kind": "empty"}, {"op": "download", "kind": "expired", "after": 1})
    r = httpx.get(video_url)
    assert (r.status_code, r.content, r.headers["content-length"]) == (200, b"", "0")
    assert httpx.get(video_url).status_code == 404
    assert httpx.get(video_url).status_code == 200


def test_download_faults_apply_to_blobs(anon):
    faults(anon, {"op": "download", "kind": "truncated"})
    with pytest.raises(DROPPED):
        anon.get("/files/blob/4000000.bin")
    assert len(anon.get("/files/blob/4000000.bin").content) == 4000000


class _RouteTo(httpx.HTTPTransport):
    """Send every request to the simulator, keeping the URL's Host (as a resolver override would)."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.target = httpx.URL(base_url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", host=self.target.host, port=self.target.port)
        return super().handle_request(request)


def test_cdn_host_routed_to_the_simulator(sim, api, anon):
    cdn = "https://playgrounds-storage-public.runcomfy.net"
    sim.set_config(file_base_url=cdn)
    rid = submit(api)["request_id"]
    finish(anon, rid)
    url = api.get(f"/v1/requests/{rid}/result").json()["output"]["video"]
    assert url.startswith(f"{cdn}/files/{rid}/")
    faults(anon, {"op": "download", "kind": "redirect_onhost"})
    with httpx.Client(transport=_RouteTo(sim.base_url)) as cdn_client:
        hop = cdn_client.get(url)
        assert hop.status_code == 302 and hop.headers["location"].startswith(f"{cdn}/files/{rid}/")
        final = cdn_client.get(hop.headers["location"])
        assert final.status_code == 200 and final.headers["content-type"] == "video/mp4"
    assert all(e["headers"]["host"] == cdn.removeprefix("https://") for e in anon.get("/_sim/log?op=download").json()["entries"])
