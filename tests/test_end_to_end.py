"""The real client against the simulator over HTTP on 127.0.0.1: six skill examples to MP4."""

import socket
from decimal import Decimal
from pathlib import Path

import av
import pytest

from studio.domain.catalog import find_endpoint
from studio.domain.payload import request_from_input
from studio.errors import JobFailed, JobTimeout
from studio.jobs.runner import INTERRUPTED_SUBMIT, submit_abandoned

from .skill_examples import SKILL_EXAMPLES
from .studio_support import QUICK, downloads_carried_token, studio_for, submits

# The simulator timing the conftest fixtures (simulator, sim) build and reset to.
SIM_CONFIG = QUICK

RATIO = {"16:9": 16 / 9, "9:16": 9 / 16, "1:1": 1.0}


@pytest.mark.parametrize("model_id, data", SKILL_EXAMPLES, ids=[m for m, _ in SKILL_EXAMPLES])
async def test_skill_example_round_trips_to_an_mp4(sim, tmp_path, model_id, data):
    sim.set_config(render=True)
    # The skill's example image URLs are not reachable here; the simulator renders a placeholder.
    studio = studio_for(sim, tmp_path, check_image_urls=False)
    ep = find_endpoint(model_id)
    try:
        record = await studio.runner.submit(ep, request_from_input(data, ep))
        record = await studio.runner.follow(record)
    finally:
        await studio.aclose()
    assert record.status == "succeeded"
    assert Decimal(record.cost_usd) == Decimal(record.quote_usd)
    with av.open(record.files[0]) as video:
        stream = video.streams.video[0]
        assert video.duration / 1_000_000 == pytest.approx(data["duration"], abs=0.15)
        if "aspect_ratio" in data:
            assert stream.width / stream.height == pytest.approx(RATIO[data["aspect_ratio"]], rel=0.02)
        assert bool(video.streams.audio) is data.get("generate_audio", False)
    assert submits(sim) == 1
    assert not downloads_carried_token(sim)
    body = sim.store.get(record.request_id).body
    assert "image_url" not in body and "generate_audio" not in body if "text" in model_id else True


async def test_progress_is_reported_in_order(sim, tmp_path):
    studio = studio_for(sim, tmp_path)
    ep = find_endpoint("kling/kling-3.0/standard/text-to-video")
    stages = []
    try:
        record = await studio.runner.submit(ep, request_from_input({"prompt": "wide shot", "duration": 3}, ep))
        await studio.runner.follow(record, on_progress=lambda p: stages.append((p.stage, p.position)))
    finally:
        await studio.aclose()
    names = [s for s, _ in stages]
    assert names[0] == "queued" and names[-1] == "succeeded"
    assert names.index("running") < names.index("downloading") < names.index("succeeded")
    positions = [p for s, p in stages if s == "queued" and p is not None]
    assert positions == sorted(positions, reverse=True)


async def test_journal_written_before_waiting(sim, tmp_path):
    studio = studio_for(sim, tmp_path)
    ep = find_endpoint("kling/kling-3.0/pro/text-to-video")
    try:
        record = await studio.runner.submit(ep, request_from_input({"prompt": "x", "duration": 3, "sound": True}, ep))
        stored = studio.journal.by_request_id(record.request_id)
        assert stored.status == "queued" and stored.quote_usd == "0.504"
        assert stored.payload == {"prompt": "x", "duration": 3, "aspect_ratio": "16:9", "sound": True}
    finally:
        await studio.aclose()


async def test_cancel_while_queued_is_never_charged(sim, tmp_path):
    sim.set_config(queue_seconds=30)
    studio = studio_for(sim, tmp_path)
    ep = find_endpoint("kling/kling-3.0/pro/text-to-video")
    try:
        record = await studio.runner.submit(ep, request_from_input({"prompt": "x", "duration": 3}, ep))
        assert (await studio.runner.cancel(record)).cancelled
        with pytest.raises(JobFailed) as info:
            await studio.runner.follow(record)
        assert info.value.cancelled
        assert studio.journal.get(record.job_id).status == "cancelled"
    finally:
        await studio.aclose()


async def test_cancel_while_running_says_not_cancellable(sim, tmp_path):
    sim.set_config(queue_seconds=0, run_seconds=30)
    studio = studio_for(sim, tmp_path)
    ep = find_endpoint("kling/kling-3.0/pro/text-to-video")
    try:
        record = await studio.runner.submit(ep, request_from_input({"prompt": "x", "duration": 3}, ep))
        sim.store.advance()
        outcome = await studio.runner.cancel(record)
        assert not outcome.cancelled
        assert studio.journal.get(record.job_id).status != "cancelled"
    finally:
        await studio.aclose()


async def _one_video(sim, tmp_path):
    """A 3 s Standard clip, submitted, followed and downloaded by a studio that then stops."""
    ep = find_endpoint("kling/kling-3.0/standard/text-to-video")
    first = studio_for(sim, tmp_path)
    try:
        return await first.runner.follow(await first.runner.submit(ep, request_from_input({"prompt": "x", "duration": 3}, ep)))
    finally:
        await first.aclose()


async def _resume_as_downloading(sim, tmp_path, record):
    """A new studio finds ``record`` still "downloading" with no file recorded, and resumes it."""
    second = studio_for(sim, tmp_path)
    try:
        second.journal.update(record.job_id, status="downloading", files=(), finished_at=None)
        [result] = await second.runner.resume()
    finally:
        await second.aclose()
    assert not isinstance(result, BaseException), result
    return result


async def test_a_download_killed_after_its_rename_keeps_that_file_and_fetches_no_copy(sim, tmp_path):
    """The window between the file's rename into place and the journal hearing of it: a resume
    finds the name it reserved before the download already complete and keeps it."""
    record = await _one_video(sim, tmp_path)
    [file] = record.files
    assert record.meta["download_names"] == {"0": Path(file).name}
    fetched = len(sim.log.entries(op="download"))
    # As if killed just after the rename: the file is there, the journal still says "downloading".
    result = await _resume_as_downloading(sim, tmp_path, record)
    assert result.status == "succeeded" and result.files == (file,)
    assert len(sim.log.entries(op="download")) == fetched, "the video was fetched again"
    assert sorted(p.name for p in Path(file).parent.glob("*.mp4")) == [Path(file).name]


async def test_a_download_killed_before_its_rename_is_fetched_again_under_its_reserved_name(sim, tmp_path):
    record = await _one_video(sim, tmp_path)
    [file] = record.files
    Path(file).unlink()  # killed mid-stream: only a partial existed, and it is gone with the process
    result = await _resume_as_downloading(sim, tmp_path, record)
    assert result.status == "succeeded" and result.files == (file,) and Path(file).stat().st_size > 0


async def test_deadline_keeps_the_job_for_resume(sim, tmp_path):
    sim.faults.add("submit", "job_stuck")
    studio = studio_for(sim, tmp_path, job_deadline=0.5)
    ep = find_endpoint("kling/kling-3.0/standard/text-to-video")
    try:
        record = await studio.runner.submit(ep, request_from_input({"prompt": "x", "duration": 3}, ep))
        with pytest.raises(JobTimeout):
            await studio.runner.follow(record)
        assert [r.job_id for r in studio.journal.unfinished()] == [record.job_id]
    finally:
        await studio.aclose()


async def test_resume_brings_unfinished_jobs_home(sim, tmp_path):
    ep = find_endpoint("kling/kling-3.0/standard/text-to-video")
    first = studio_for(sim, tmp_path)
    records = [await first.runner.submit(ep, request_from_input({"prompt": f"x{i}", "duration": 3}, ep)) for i in range(3)]
    await first.aclose()  # the process "dies" without following them
    second = studio_for(sim, tmp_path)
    try:
        results = await second.runner.resume()
        assert sorted(r.request_id for r in results) == sorted(r.request_id for r in records)
        assert all(r.status == "succeeded" and r.files for r in results)
        assert second.journal.unfinished() == []
    finally:
        await second.aclose()
    assert submits(sim) == 3


async def test_balance_and_catalog(sim, tmp_path):
    studio = studio_for(sim, tmp_path)
    try:
        assert await studio.api.balance() == Decimal("25.0")
        entry = await studio.api.model("kling/kling-3.0/pro/image-to-video")
        assert "start_image_url" in entry["input_schema"]["properties"]
        ids = [m["model_id"] for m in await studio.api.models()]
        assert "kling/kling-3.0/4k/text-to-video" in ids
    finally:
        await studio.aclose()


async def test_live_schema_is_fetched_once_and_cached(sim, tmp_path):
    from studio.errors import ValidationError

    studio = studio_for(sim, tmp_path)
    ep = find_endpoint("kling/kling-3.0/standard/text-to-video")
    try:
        for i in range(2):
            await studio.runner.submit(ep, request_from_input({"prompt": f"x{i}", "duration": 3}, ep))
        catalog_reads = [e for e in sim.log.entries(op="catalog")]
        assert len(catalog_reads) == 1
        live = await studio.runner.live_endpoint(ep)
        assert live.entry["model_id"] == ep.model_id and len(sim.log.entries(op="catalog")) == 1
        with pytest.raises(ValidationError):  # the live schema has no seed either
            await studio.runner.submit(ep, request_from_input({"prompt": "x", "duration": 3}, ep).evolve(seed=3))
    finally:
        await studio.aclose()


async def test_the_published_catalog_refuses_a_standard_end_image_before_paying(sim, tmp_path):
    # Even a studio whose bundled snapshot wrongly offered an end image on Standard (as it once
    # did) is corrected by the live catalog (here: RunComfy's published one, served by the
    # simulator) before anything is uploaded or paid, and the refusal names the field.
    from studio.errors import ValidationError

    ep = find_endpoint("kling/kling-3.0/standard/image-to-video")
    schema = {**ep.entry["input_schema"], "properties": {**ep.properties, "end_image_url": {"type": "string", "format": "image_uri"}}}
    stale = ep.with_entry({**ep.entry, "input_schema": schema})
    assert "end_image_url" in stale.properties
    studio = studio_for(sim, tmp_path)
    data = {"prompt": "dolly-in", "image_url": "https://images.example.com/a.jpg", "tail_image_url": "https://images.example.com/b.jpg", "duration": 5}
    try:
        with pytest.raises(ValidationError) as info:
            await studio.runner.submit(stale, request_from_input(data, stale))
    finally:
        await studio.aclose()
    assert [p.field for p in info.value.problems] == ["tail_image_url"]
    assert "needs Pro or 4K: +$0.14 for 5 s" in str(info.value)
    assert submits(sim) == 0


async def test_catalog_outage_falls_back_to_the_bundled_schema(sim, tmp_path):
    sim.faults.add("catalog", "503", times=0)
    studio = studio_for(sim, tmp_path, max_retries=1)
    ep = find_endpoint("kling/kling-3.0/standard/text-to-video")
    try:
        record = await studio.runner.submit(ep, request_from_input({"prompt": "x", "duration": 3}, ep))
        assert record.status == "queued"
    finally:
        await studio.aclose()


async def test_an_unreachable_image_url_is_refused_before_paying(sim, tmp_path):
    from studio.errors import UploadError

    studio = studio_for(sim, tmp_path)
    ep = find_endpoint("kling/kling-3.0/pro/image-to-video")
    data = {"prompt": "dolly-in", "image_url": "https://images.invalid/subject.jpg", "duration": 5}
    try:
        with pytest.raises(UploadError, match="image_url"):
            await studio.runner.submit(ep, request_from_input(data, ep))
    finally:
        await studio.aclose()
    assert submits(sim) == 0 and studio.journal is not None


def test_balance_is_shown_in_live_mode_only(sim, tmp_path):
    from studio.jobs.manager import JobManager

    manager = JobManager(studio_for(sim, tmp_path)).start()
    try:
        assert manager.balance() == Decimal("25.0")
        assert len(sim.log.entries(op="balance")) == 1
        assert manager.balance() == Decimal("25.0") and len(sim.log.entries(op="balance")) == 1  # cached
    finally:
        manager.stop()


async def test_rows_left_mid_submit_by_a_dead_studio_become_unknown_not_resubmitted(sim, tmp_path):
    studio = studio_for(sim, tmp_path)
    try:
        ep = find_endpoint("kling/kling-3.0/standard/text-to-video")
        request = request_from_input({"prompt": "a harbour at dawn", "duration": 3}, ep)
        dead = studio.runner._begin(ep, request, {}, Decimal("0.252"), None, None, None, None)
        studio.journal.update(dead.job_id, meta={**dead.meta, "submitter": {"host": socket.gethostname(), "pid": 2**22 + 7, "run": "x"}})
        mine = studio.runner._begin(ep, request, {}, Decimal("0.252"), None, None, None, None)  # this process: in flight
        assert await studio.runner.resume() == []
        assert studio.journal.get(dead.job_id).status == "unknown"
        assert studio.journal.get(dead.job_id).error == INTERRUPTED_SUBMIT
        assert studio.journal.get(mine.job_id).status == "submitting"
    finally:
        await studio.aclose()
    assert submits(sim) == 0


ME = {"host": "here", "pid": 10, "run": "mine"}


@pytest.mark.parametrize(
    "submitter, age, alive, abandoned",
    [
        ({"host": "here", "pid": 11, "run": "old"}, 1.0, False, True),  # its process is gone
        ({"host": "here", "pid": 11, "run": "old"}, 1.0, True, False),  # another studio, still submitting
        ({"host": "here", "pid": 10, "run": "old"}, 1.0, True, True),  # our pid, an earlier run: a restarted container
        ({"host": "here", "pid": 10, "run": "mine"}, 1.0, True, False),  # our own submit in flight
        ({"host": "here", "pid": 10, "run": "mine"}, 500.0, True, False),  # ours, however long it takes
        ({"host": "here", "pid": 11, "run": "old"}, 500.0, True, True),  # older than any submit (pid reused)
        ({"host": "elsewhere", "pid": 11, "run": "old"}, 1.0, False, False),  # another machine's: wait for the window
        ({"host": "elsewhere", "pid": 11, "run": "old"}, 500.0, False, True),
        (None, 1.0, False, False),  # written before submitters were recorded
        (None, 500.0, False, True),
        ({"host": "here", "pid": "11", "run": "old"}, 1.0, False, False),
    ],
)
def test_submit_abandoned(submitter, age, alive, abandoned):
    assert submit_abandoned(submitter, 1000.0 - age, now=1000.0, window=95.0, me=ME, alive=lambda pid: alive) is abandoned


def test_a_forked_studio_is_a_submitter_of_its_own():
    """A process forked from one that imported the studio (a preloading server, the suite's fork
    server) gets its own pid and run: a restarted sibling never takes a killed one's unfinished
    submit for its own."""
    import json
    import os

    from studio.jobs.interrupted import SUBMITTER

    parent = dict(SUBMITTER)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        os.write(write, json.dumps(SUBMITTER).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        child = json.loads(answer.read())
    os.waitpid(pid, 0)
    assert child["pid"] == pid != parent["pid"]
    assert child["run"] != parent["run"] and child["host"] == parent["host"]
    assert dict(SUBMITTER) == parent  # the parent's own identity is untouched
