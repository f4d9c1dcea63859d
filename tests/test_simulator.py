"""The simulator speaks the RunComfy protocol (shared/docs/runcomfy-api.md), over real HTTP."""

from __future__ import annotations

import base64
import io
import re
import time
import uuid
from datetime import datetime

import av
import httpx
import pytest
from PIL import Image

from .sim_support import (
    FAST,
    I2V,
    I2V_PRO,
    OTHER,
    T2V,
    T2V_4K,
    TOKEN,
    finish,
    sim_job,
    status_of,
    submit,
    wait_status,
    wait_until,
)

# The simulator timing the conftest fixtures (server, sim, clients, api, anon) build and reset to.
SIM_CONFIG = FAST

# -- auth ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [f"/v1/models/{T2V}", "/v1/models", "/v1/models/categories", "/prod/v2/balance"])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}])
def test_missing_or_wrong_token_is_401(anon, path, headers):
    method = "POST" if path == f"/v1/models/{T2V}" else "GET"
    r = anon.request(method, path, headers=headers, json={"prompt": "x"} if method == "POST" else None)
    assert r.status_code == 401
    assert r.json()["error_code"] == 401001
    assert set(r.json()) == {"error_code", "error_message", "detail"}


def test_auth_error_can_be_400004(sim, anon):
    sim.set_config(auth_error_style="400004")
    r = anon.get("/v1/requests/abc/status")
    assert (r.status_code, r.json()["error_code"]) == (400, 400004)


def test_status_result_cancel_need_a_token_too(sim, api, anon):
    rid = submit(api)["request_id"]
    for method, tail in (("GET", "status"), ("GET", "result"), ("POST", "cancel")):
        assert anon.request(method, f"/v1/requests/{rid}/{tail}").status_code == 401


# -- ids, ownership, retention ---------------------------------------------------------------


def test_submit_answers_uuid4_and_own_urls(sim, api):
    body = submit(api)
    rid = body["request_id"]
    assert uuid.UUID(rid).version == 4 and re.fullmatch(r"[a-zA-Z0-9_-]{1,128}", rid)
    base = f"{sim.api_base}/requests/{rid}"
    assert body == {
        "request_id": rid,
        "status_url": f"{base}/status",
        "result_url": f"{base}/result",
        "cancel_url": f"{base}/cancel",
    }


def test_unknown_request_is_404001(api):
    for method, tail in (("GET", "status"), ("GET", "result"), ("POST", "cancel")):
        r = api.request(method, f"/v1/requests/{uuid.uuid4()}/{tail}")
        assert (r.status_code, r.json()["error_code"]) == (404, 404001)


def test_another_accounts_request_is_403001(sim, api):
    rid = submit(api)["request_id"]
    r = api.get(f"/v1/requests/{rid}/status", headers={"Authorization": f"Bearer {OTHER}"})
    assert (r.status_code, r.json()["error_code"]) == (403, 403001)
    r = api.post(f"/v1/requests/{rid}/cancel", headers={"Authorization": f"Bearer {OTHER}"})
    assert r.status_code == 403
    assert status_of(api, rid)["status"] == "in_queue"  # the other account could not cancel it


def test_request_expires_after_retention(sim, api):
    sim.set_config(retention_seconds=0.4)
    rid = submit(api)["request_id"]
    assert status_of(api, rid)["status"] == "in_queue"
    wait_until(lambda: api.get(f"/v1/requests/{rid}/status").status_code == 404, timeout=3)
    assert api.get(f"/v1/requests/{rid}/result").json()["error_code"] == 404001


# -- unknown models and bad bodies -----------------------------------------------------------


@pytest.mark.parametrize("style, status, code", [("404", 404, 404001), ("400001", 400, 400001)])
@pytest.mark.parametrize("model", ["kling/kling-3.0/4K/text-to-video", "kling/kling-2.1/pro/text-to-video", "nope"])
def test_unknown_model(sim, api, style, status, code, model):
    sim.set_config(bad_model_style=style)
    r = api.post(f"/v1/models/{model}", json={"prompt": "x"})
    assert (r.status_code, r.json()["error_code"]) == (status, code)
    assert api.get(f"/v1/models/{model}").status_code == status


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"null", b"", b"{not json"])
def test_non_object_body_is_422(api, raw):
    r = api.post(f"/v1/models/{T2V}", content=raw, headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()["error_code"]) == (422, 422001)
    assert r.json()["detail"][0]["loc"][0] == "body"


PNG = base64.b64encode(
    (lambda b: (Image.new("RGB", (64, 96), (200, 40, 40)).save(b, "PNG"), b.getvalue())[1])(io.BytesIO())
).decode()
DATA_URI = f"data:image/png;base64,{PNG}"
HTTPS = "https://example.com/a.png"


@pytest.mark.parametrize(
    "model, extra, field",
    [
        (T2V, {"seed": 42}, "seed"),
        (T2V, {"image_url": HTTPS}, "image_url"),
        (T2V, {"tail_image_url": HTTPS}, "tail_image_url"),
        (T2V, {"generate_audio": True}, "generate_audio"),
        (T2V, {"prompt_segments": ["a"]}, "prompt_segments"),
        (T2V, {"duration": 16}, "duration"),
        (T2V, {"duration": 2}, "duration"),
        (T2V, {"duration": 5.5}, "duration"),
        (T2V, {"aspect_ratio": "21:9"}, "aspect_ratio"),
        (T2V, {"cfg_scale": 1.5}, "cfg_scale"),
        (T2V, {"sound": "yes"}, "sound"),
        (T2V, {"shot_type": "intelligent"}, "shot_type"),
        (T2V, {"multi_prompt": [{"prompt": "a", "duration": 2}, {"prompt": "b", "duration": 2}]}, "multi_prompt"),
        (I2V, {"aspect_ratio": "16:9"}, "aspect_ratio"),
        (I2V, {"sound": False}, "sound"),
        (I2V, {"start_image_url": "http://example.com/a.png"}, "start_image_url"),
        (I2V, {"start_image_url": DATA_URI}, "start_image_url"),
        (I2V_PRO, {"end_image_url": "ftp://example.com/b.png"}, "end_image_url"),
        (I2V, {"end_image_url": HTTPS}, "end_image_url"),  # Standard image-to-video has no end image
    ],
)
def test_strict_schema_422_names_the_field(api, model, extra, field):
    base = {"prompt": "a quiet harbour", "duration": 3}
    if model in (I2V, I2V_PRO):
        base["start_image_url"] = HTTPS
    r = api.post(f"/v1/models/{model}", json={**base, **extra})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error_code"] == 422001 and field in body["error_message"]
    assert field in [d["loc"][1] for d in body["detail"]], body["detail"]


def test_missing_required_fields_are_all_reported(api):
    r = api.post(f"/v1/models/{I2V}", json={})
    fields = {(d["loc"][1], d["type"]) for d in r.json()["detail"]}
    assert fields == {("prompt", "missing"), ("start_image_url", "missing")}


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"prompt": "x" * 2501}, "prompt"),
        ({"multi_prompt": [{"prompt": "a", "duration": 1}] * 7, "duration": 7}, "multi_prompt"),
        ({"multi_prompt": [{"prompt": "a"}]}, "multi_prompt"),
    ],
)
def test_the_snapshots_narrower_rules_hold_when_the_simulator_serves_them(sim, api, extra, field):
    # RunComfy publishes no prompt length and no multi_prompt items; the studio's snapshot
    # adds them (from Kling's own limits), and a simulator serving the snapshot enforces them.
    sim.set_config(catalog_file="")
    r = api.post(f"/v1/models/{T2V}", json={"prompt": "a quiet harbour", "duration": 3, **extra})
    assert r.status_code == 422 and field in [d["loc"][1] for d in r.json()["detail"]], r.text


def test_an_unknown_field_gets_a_fastapi_style_detail_list(api):
    r = api.post(f"/v1/models/{I2V}", json={"prompt": "p", "start_image_url": HTTPS, "end_image_url": HTTPS})
    assert r.status_code == 422
    body = r.json()
    assert body["error_code"] == 422001 and "end_image_url" in body["error_message"]
    assert body["detail"] == [{"loc": ["body", "end_image_url"], "msg": "unknown field; this model has no such input", "type": "extra_forbidden"}]


def test_valid_bodies_are_accepted(sim, api):
    shots = [{"prompt": "wide", "duration": 4}, {"prompt": "close", "duration": 4}]
    submit(api, {"prompt": "", "multi_prompt": shots, "duration": 8, "shot_type": "customize", "cfg_scale": 0})
    submit(api, {"prompt": "p", "start_image_url": HTTPS, "end_image_url": HTTPS, "generate_audio": False}, I2V_PRO)
    submit(api, {"prompt": "p", "start_image_url": HTTPS, "generate_audio": False}, I2V)
    submit(api, {"prompt": "p", "shot_type": "intelligent"}, "kling/kling-3.0/standard/text-to-video")
    sim.set_config(allow_data_uris=True)
    submit(api, {"prompt": "p", "start_image_url": DATA_URI}, I2V)


def test_lenient_mode_ignores_unknown_keys(sim, api, anon):
    sim.set_config(strict=False)
    rid = submit(api, {"prompt": "p", "duration": 3, "seed": 7, "image_url": HTTPS})["request_id"]
    assert sim_job(anon, rid)["body"] == {"prompt": "p", "duration": 3}
    assert api.post(f"/v1/models/{T2V}", json={"prompt": "p", "duration": 99}).status_code == 422


# -- the job's life --------------------------------------------------------------------------


def test_jobs_submitted_together_wait_at_different_places_in_line(sim, api):
    """Like a real queue: each new job starts behind the ones still queued (not all at 3)."""
    sim.set_config(queue_seconds=60, queue_start_position=3)
    ids = [submit(api)["request_id"] for _ in range(4)]
    places = [status_of(api, rid)["queue_position"] for rid in ids]
    assert places == [3, 4, 5, 6]


def test_queue_position_falls_then_runs_then_completes(sim, api):
    # Each phase long enough to be seen between polls on a loaded machine (0.2 s was missed once).
    sim.set_config(queue_seconds=0.6, run_seconds=0.6, queue_start_position=3)
    rid = submit(api)["request_id"]
    seen, instance = [], None
    while True:
        s = status_of(api, rid)
        assert set(s) >= {"request_id", "status", "status_url", "result_url"}
        if s["status"] == "in_queue":
            seen.append(s["queue_position"])
            assert "instance_id" not in s
        elif s["status"] == "in_progress":
            assert "queue_position" not in s
            instance = instance or s["instance_id"]
            assert s["instance_id"] == instance
        else:
            break
        time.sleep(0.03)
    assert s["status"] == "completed"
    assert seen == sorted(seen, reverse=True) and seen[0] == 3 and seen[-1] == 1 and 2 in seen
    assert instance


def test_result_vocabulary_and_shape(sim, api, anon):
    rid = submit(api, {"prompt": "p", "duration": 5, "sound": True})["request_id"]
    early = api.get(f"/v1/requests/{rid}/result")
    assert early.status_code == 200 and early.json() == {"request_id": rid, "status": "in_queue"}
    wait_status(api, rid, "completed")
    r = api.get(f"/v1/requests/{rid}/result").json()
    assert r["status"] == "succeeded" and r["model_id"] == T2V and "cost" not in r and "input" not in r
    assert re.fullmatch(rf"{sim.base_url}/files/{rid}/[\w.-]+\.mp4\?sig=\w+", r["output"]["video"])
    created, finished = (datetime.fromisoformat(r[k]) for k in ("created_at", "finished_at"))
    assert created.utcoffset() is not None and finished > created
    priced = api.get(f"/v1/requests/{rid}/result", params={"include_cost": "true"}).json()
    assert priced["cost"] == pytest.approx(0.168 * 5)
    job = sim_job(anon, rid)
    assert job["finished_at"] == pytest.approx(finished.timestamp(), abs=1e-3)
    assert job["phases"]["in_progress"]["began"] == pytest.approx(job["phases"]["in_queue"]["began"] + 0.2)


@pytest.mark.parametrize(
    "model, body, usd",
    [
        (T2V, {"prompt": "p", "duration": 10, "sound": False}, 1.12),
        (T2V_4K, {"prompt": "p", "duration": 15}, 6.3),  # audio by default, flat 4K rate
        (I2V, {"prompt": "p", "start_image_url": HTTPS}, 1.26),  # default 10 s, audio on
    ],
)
def test_cost_follows_catalog_rates(sim, api, anon, model, body, usd):
    rid = submit(api, body, model)["request_id"]
    finish(anon, rid)
    assert api.get(f"/v1/requests/{rid}/result?include_cost=true").json()["cost"] == pytest.approx(usd)


def test_protocol_variants(sim, api, anon):
    sim.set_config(output_shape="videos", result_success_status="completed", echo_input=True)
    body = {"prompt": "p", "duration": 3}
    rid = submit(api, body)["request_id"]
    finish(anon, rid)
    r = api.get(f"/v1/requests/{rid}/result").json()
    assert r["status"] == "completed" and len(r["output"]["videos"]) == 1 and r["input"] == body


def test_file_base_url_is_used_for_outputs(sim, api, anon):
    sim.set_config(file_base_url="https://playgrounds-storage-public.runcomfy.net/")
    rid = submit(api)["request_id"]
    finish(anon, rid)
    url = api.get(f"/v1/requests/{rid}/result").json()["output"]["video"]
    assert url.startswith(f"https://playgrounds-storage-public.runcomfy.net/files/{rid}/")


# -- cancel ----------------------------------------------------------------------------------


def test_cancel_while_queued(sim, api, anon):
    sim.set_config(queue_seconds=5)
    rid = submit(api)["request_id"]
    r = api.post(f"/v1/requests/{rid}/cancel")
    assert r.status_code == 202 and r.json() == {"request_id": rid, "status": "cancelled", "outcome": "cancelled"}
    again = api.post(f"/v1/requests/{rid}/cancel")
    assert again.status_code == 202 and again.json()["outcome"] == "not_cancellable"
    assert status_of(api, rid)["status"] == "cancelled"
    assert api.get(f"/v1/requests/{rid}/result").json()["status"] == "cancelled"
    job = sim_job(anon, rid)
    assert job["phases"]["in_progress"]["began"] is None and job["instance_id"] is None


def test_cancel_in_progress_is_not_cancellable_and_job_completes(sim, api):
    sim.set_config(run_seconds=0.6)
    rid = submit(api)["request_id"]
    wait_status(api, rid, "in_progress")
    for _ in range(2):
        r = api.post(f"/v1/requests/{rid}/cancel")
        assert r.status_code == 202 and r.json()["outcome"] == "not_cancellable"
        assert r.json()["status"] in ("in_progress", "completed")
    wait_status(api, rid, "completed")


def test_cancel_terminal_is_not_cancellable(sim, api, anon):
    rid = submit(api)["request_id"]
    finish(anon, rid)
    for _ in range(2):
        r = api.post(f"/v1/requests/{rid}/cancel")
        assert (r.status_code, r.json()["outcome"], r.json()["status"]) == (202, "not_cancellable", "completed")
    assert api.get(f"/v1/requests/{rid}/result").json()["status"] == "succeeded"


# -- freeze and release ----------------------------------------------------------------------


def test_freeze_and_release(sim, api, anon):
    rid = submit(api)["request_id"]
    assert anon.post(f"/_sim/jobs/{rid}/freeze", json={"state": "in_queue"}).status_code == 200
    time.sleep(0.5)
    assert status_of(api, rid)["status"] == "in_queue"
    assert anon.post(f"/_sim/jobs/{rid}/release").status_code == 200
    wait_status(api, rid, "completed")


def test_freeze_into_each_terminal_state(sim, api, anon):
    ok, bad, gone = (submit(api)["request_id"] for _ in range(3))
    assert anon.post(f"/_sim/jobs/{ok}/freeze", json={"state": "completed"}).json()["state"] == "completed"
    url = api.get(f"/v1/requests/{ok}/result").json()["output"]["video"]
    assert httpx.get(url).status_code == 200
    anon.post(f"/_sim/jobs/{bad}/freeze", json={"state": "failed", "error": "GPU on fire"})
    failed = api.get(f"/v1/requests/{bad}/result").json()
    assert (failed["status"], failed["error"], failed["model_id"]) == ("failed", "GPU on fire", T2V)
    assert "output" not in failed and status_of(api, bad)["status"] == "failed"
    anon.post(f"/_sim/jobs/{gone}/freeze", json={"state": "cancelled"})
    assert status_of(api, gone)["status"] == "cancelled"
    assert anon.post(f"/_sim/jobs/{ok}/freeze", json={"state": "sleeping"}).status_code == 400
    assert anon.post(f"/_sim/jobs/{uuid.uuid4()}/freeze", json={"state": "failed"}).status_code == 404


def test_failed_status_spelling_and_error_shape(sim, api, anon):
    sim.set_config(status_failure_spelling="completed", error_shape="object")
    rid = submit(api)["request_id"]
    anon.post(f"/_sim/jobs/{rid}/freeze", json={"state": "failed", "error": "boom"})
    assert status_of(api, rid)["status"] == "completed"
    r = api.get(f"/v1/requests/{rid}/result").json()
    assert r["status"] == "failed" and r["error"]["error_message"] == "boom" and "output" not in r


# -- files -----------------------------------------------------------------------------------


def test_download_needs_no_token_and_logs_if_one_is_sent(sim, api, anon):
    rid = submit(api)["request_id"]
    finish(anon, rid)
    url = api.get(f"/v1/requests/{rid}/result").json()["output"]["video"]
    plain = httpx.get(url)
    assert plain.status_code == 200 and plain.headers["content-type"] == "video/mp4"
    assert int(plain.headers["content-length"]) == len(plain.content) > 0
    with av.open(io.BytesIO(plain.content)) as container:
        assert container.streams.video
    assert httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    downloads = anon.get("/_sim/log", params={"op": "download"}).json()["entries"]
    assert [d["authorization"] for d in downloads] == [False, True]
    assert httpx.get(url.replace("sig=", "sig=x")).status_code == 403
    assert httpx.get(url.replace(".mp4", "-other.mp4")).status_code == 404


def test_blob_streams_deterministic_bytes(anon):
    r = anon.get("/files/blob/3000000.bin")
    assert r.status_code == 200 and r.headers["content-length"] == "3000000"
    assert r.content == (bytes(range(256)) * (3000000 // 256 + 1))[:3000000]
    assert anon.get("/files/blob/0.bin").content == b""


# -- balance, catalog, log -------------------------------------------------------------------


def test_balance_goes_down_by_what_jobs_cost(sim, api, anon):
    assert api.get("/prod/v2/balance").json() == {"balance_usd": 25.0, "currency": "USD"}
    rid = submit(api, {"prompt": "p", "duration": 10, "sound": False})["request_id"]
    finish(anon, rid)
    assert api.get("/prod/v2/balance").json()["balance_usd"] == pytest.approx(25 - 1.12)


def test_insufficient_balance_when_enforced(sim, api):
    sim.set_config(enforce_balance=True, balance_usd=1.0)
    r = api.post(f"/v1/models/{T2V_4K}", json={"prompt": "p", "duration": 5})
    assert (r.status_code, r.json()["error_code"]) == (402, 400002)


def test_catalog_routes(api):
    listing = api.get("/v1/models").json()
    assert (listing["total"], listing["limit"], listing["offset"]) == (6, 100, 0)
    assert all("input_schema" not in m for m in listing["models"])
    full = api.get("/v1/models", params={"include_schema": "true", "category": "image-to-video"}).json()
    assert full["total"] == 3 and all(m["input_schema"]["properties"]["start_image_url"] for m in full["models"])
    page = api.get("/v1/models", params={"limit": 2, "offset": 5}).json()
    assert (len(page["models"]), page["total"]) == (1, 6)
    assert api.get("/v1/models", params={"limit": 501}).status_code == 422
    assert api.get("/v1/models", params={"search": "4k"}).json()["total"] == 2
    assert api.get("/v1/models/categories").json() == {"categories": ["image-to-video", "text-to-video"]}
    one = api.get(f"/v1/models/{I2V}").json()
    assert one["model_id"] == I2V and one["price_unit"] == "second"
    props = one["input_schema"]["properties"]
    assert props["cfg_scale"]["type"] == "float" and props["start_image_url"]["format"] == "image_uri"


def test_request_log(sim, api, anon):
    api.post(f"/v1/models/{T2V}", json={"prompt": "x" * 5000, "duration": 99})
    api.get("/prod/v2/balance", headers={"Authorization": "Bearer my-real-key"})
    entries = anon.get("/_sim/log").json()["entries"]
    assert [(e["method"], e["path"], e["op"]) for e in entries] == [
        ("POST", f"/v1/models/{T2V}", "submit"),
        ("GET", "/prod/v2/balance", "balance"),
    ]
    first, second = entries
    assert first["status"] == 422 and len(first["body"]) == 4096 and first["body"].startswith('{"prompt":"xxx')
    assert first["headers"]["authorization"] == f"Bearer {TOKEN}" and first["started_at"] <= first["finished_at"]
    assert "my-real-key" not in second["headers"]["authorization"] and second["authorization"] is True
    assert anon.get("/_sim/log", params={"since": first["seq"]}).json()["entries"] == [second]


def test_control_endpoints_validate_input(anon):
    assert anon.post("/_sim/config", json={"queue_seconds": -1}).status_code == 400
    assert anon.post("/_sim/config", json={"colour": "red"}).status_code == 400
    assert anon.post("/_sim/config", json={"output_shape": "gif"}).status_code == 400
    assert anon.post("/_sim/config", json={"output_shape": "videos"}).json()["config"]["output_shape"] == "videos"
    assert anon.post("/_sim/reset").status_code == 200
    assert anon.get("/_sim/config").json()["config"]["output_shape"] == "video"


# -- real rendering --------------------------------------------------------------------------


def _probe(data: bytes) -> tuple[float, int, int, bool]:
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0]
        return float(container.duration / av.time_base), video.width, video.height, bool(container.streams.audio)


def test_render_true_makes_the_requested_video(sim, api):
    sim.set_config(render=True, allow_data_uris=True)
    shots = [{"prompt": "wide: the harbour", "duration": 1}, {"prompt": "close: a gull", "duration": 2}]
    t2v = submit(api, {"prompt": "", "multi_prompt": shots, "duration": 3, "aspect_ratio": "9:16", "sound": True})
    i2v = submit(api, {"prompt": "p", "start_image_url": DATA_URI, "duration": 3, "generate_audio": False}, I2V)
    for rid, (wide, audio) in ((t2v["request_id"], (False, True)), (i2v["request_id"], (False, False))):
        wait_status(api, rid, "completed", timeout=30)
        data = httpx.get(api.get(f"/v1/requests/{rid}/result").json()["output"]["video"]).content
        seconds, width, height, has_audio = _probe(data)
        assert seconds == pytest.approx(3, abs=0.2) and (width > height) == wide and has_audio == audio


def test_required_image_fetch_failure_fails_the_job(sim, api):
    sim.set_config(render=True, image_fetch="required")
    rid = submit(api, {"prompt": "p", "start_image_url": "https://127.0.0.1:9/missing.png", "duration": 3}, I2V)["request_id"]
    assert wait_status(api, rid, "failed", timeout=15)
    error = api.get(f"/v1/requests/{rid}/result").json()["error"]
    assert error.startswith("could not fetch start_image_url:")
