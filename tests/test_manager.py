"""The browser studio's job manager against the embedded simulator (offline mode)."""

import os
import subprocess
import sys

import pytest

from studio.config import Settings
from studio.domain.forms import Form
from studio.errors import ValidationError
from studio.jobs.gallery_jobs import FRAMES_PREFIX, frames_folder
from studio.jobs.manager import JobManager, owner_id
from studio.jobs.service import Studio


@pytest.fixture
def manager(tmp_path):
    studio = Studio.connect(Settings(data_dir=tmp_path, poll_interval=0.05), offline=True, queue_seconds=0.2, run_seconds=0.3, render=False)
    m = JobManager(studio).start()
    yield m
    m.stop()


def test_jobs_are_followed_in_the_background_and_kept_per_owner(manager):
    a = manager.submit(Form(prompt="Wide shot of a harbour", duration=3), "alice-key")
    manager.submit(Form(prompt="Wide shot of a forest", duration=3), "bob-key")
    assert manager.wait_idle(30)
    [(mine, _)] = manager.jobs("alice-key")
    assert mine.job_id == a.job_id and mine.status == "succeeded" and mine.files
    assert mine.owner == owner_id("alice-key") and "alice-key" not in repr(mine)
    assert manager.job("bob-key", a.job_id) is None
    assert [r.request["prompt"] for r, _ in manager.jobs("bob-key")] == ["Wide shot of a forest"]


def test_invalid_form_is_refused_before_anything_is_sent(manager):
    with pytest.raises(ValidationError) as info:
        manager.submit(Form(prompt="", duration=3), "alice-key")
    assert [p.field for p in info.value.problems] == ["prompt"]
    assert manager.jobs("alice-key") == []


def test_double_click_is_not_a_second_job(manager):
    form = Form(prompt="Wide shot of a harbour", duration=3)
    manager.submit(form, "alice-key")
    with pytest.raises(ValidationError, match="a moment ago"):
        manager.submit(form, "alice-key")
    manager.submit(form, "alice-key", distinct=True)  # a deliberate second take
    assert len(manager.jobs("alice-key")) == 2


def test_cancel_queued_and_refuse_running_honestly(manager):
    manager.studio.simulator.set_config(queue_seconds=30)
    record = manager.submit(Form(prompt="Wide shot", duration=3), "alice-key")
    assert "not charged" in manager.cancel("alice-key", record.job_id)
    with pytest.raises(ValidationError):
        manager.cancel("bob-key", record.job_id)
    manager.studio.simulator.set_config(queue_seconds=0, run_seconds=30)
    running = manager.submit(Form(prompt="Wide shot of a lake", duration=3), "alice-key")
    for _ in range(100):
        if manager.job("alice-key", running.job_id).status == "running":
            break
        __import__("time").sleep(0.05)
    assert "will be charged" in manager.cancel("alice-key", running.job_id)


def test_image_to_video_without_an_image_names_the_field(manager):
    with pytest.raises(ValidationError, match="start image"):
        manager.submit(Form(mode="image-to-video", prompt="dolly-in", duration=3), "alice-key")


def test_an_end_image_on_standard_is_refused_by_name_before_any_upload(manager, tmp_path):
    from PIL import Image

    paths = []
    for name, colour in (("start.png", "red"), ("end.png", "blue")):
        Image.new("RGB", (640, 360), colour).save(tmp_path / name)
        paths.append(tmp_path / name)
    uploads = manager.settings.data_dir / "uploads"
    form = Form(tier="standard", mode="image-to-video", prompt="dolly-in", duration=5)
    with pytest.raises(ValidationError) as info:
        manager.submit(form, "alice-key", start_image=paths[0], end_image=paths[1])
    assert [str(p) for p in info.value.problems] == [
        "end_image_url: kling/kling-3.0/standard/image-to-video does not take it; an end frame needs Pro or 4K: +$0.14 for 5 s on Pro"
    ]
    assert not uploads.exists() or not any(uploads.rglob("*.*"))  # nothing was published
    assert manager.jobs("alice-key") == []
    # Pro takes it.
    manager.submit(Form(tier="pro", mode="image-to-video", prompt="dolly-in", duration=5), "alice-key", start_image=paths[0], end_image=paths[1])
    assert manager.wait_idle(30)
    [(record, _)] = manager.jobs("alice-key")
    assert record.status == "succeeded" and record.request.get("end_image_url")


@pytest.mark.parametrize(("fit", "shape", "size"), [("crop", "9:16", (405, 720)), ("pad", "1:1", (1280, 1280))])
def test_crop_or_pad_in_image_to_video_reshapes_the_start_and_end_image(manager, tmp_path, fit, shape, size):
    """The form's aspect ratio is not sent in image-to-video: it is the shape a crop or pad makes."""
    from PIL import Image

    paths = []
    for name, colour in (("start.png", "red"), ("end.png", "blue")):
        Image.new("RGB", (1280, 720), colour).save(tmp_path / name)
        paths.append(tmp_path / name)
    form = Form(tier="pro", mode="image-to-video", prompt="dolly-in", duration=5, aspect_ratio=shape)
    manager.submit(form, "alice-key", start_image=paths[0], end_image=paths[1], fit=fit)
    assert manager.wait_idle(30)
    [(record, _)] = manager.jobs("alice-key")
    assert record.status == "succeeded" and "aspect_ratio" not in record.request
    published = sorted(p for p in (manager.settings.data_dir / "uploads").rglob("*.*"))
    assert len(published) == 2
    for path in published:
        with Image.open(path) as image:
            assert image.size == size


def test_offline_restart_resumes_in_flight_jobs(tmp_path):
    def start():
        studio = Studio.connect(Settings(data_dir=tmp_path), offline=True, queue_seconds=0.5, run_seconds=1.0, render=False)
        return JobManager(studio).start()

    first = start()
    record = first.submit(Form(prompt="Wide shot of a harbour", duration=3), "alice-key")
    first.stop()  # the server goes down with the job in flight (simulator too)
    assert first.studio.journal is not None
    second = start()
    try:
        assert second.wait_idle(30)
        [(again, _)] = second.jobs("alice-key")
        assert again.job_id == record.job_id and again.status == "succeeded" and again.files
    finally:
        second.stop()


def test_last_frame_only_for_this_browsers_finished_video(manager):
    job = manager.submit(Form(prompt="Wide shot of a harbour", duration=3), "alice-key")
    with pytest.raises(ValidationError):  # not finished yet
        manager.last_frame("alice-key", job.job_id)
    assert manager.wait_idle(30)
    frame = manager.last_frame("alice-key", job.job_id)
    assert frame.suffix == ".png" and frame.stat().st_size > 0
    with pytest.raises(ValidationError):  # another browser's video
        manager.last_frame("bob-key", job.job_id)


def test_last_frames_are_few_and_go_when_the_studio_stops(tmp_path):
    """A public studio continues from many videos: the frames kept are bounded, one per video,
    and none is left in the temporary folder once the studio stops."""
    settings = Settings(data_dir=tmp_path, poll_interval=0.05, frames_kept=2)
    studio = Studio.connect(settings, offline=True, queue_seconds=0.1, run_seconds=0.1, render=False)
    manager = JobManager(studio).start()
    try:
        jobs = [manager.submit(Form(prompt=f"Wide shot of harbour {n}", duration=3), "alice-key") for n in range(3)]
        assert manager.wait_idle(30)
        first = manager.last_frame("alice-key", jobs[0].job_id)
        assert manager.last_frame("alice-key", jobs[0].job_id) == first  # asked again: the same file
        folder = first.parent
        frames = [manager.last_frame("alice-key", job.job_id) for job in jobs[1:]]
        assert sorted(folder.iterdir()) == sorted(frames) and not first.exists()  # the oldest went
        assert manager.last_frame("alice-key", jobs[0].job_id).is_file()  # and is taken again when asked
    finally:
        manager.stop()
    assert not folder.exists()


def test_a_killed_studios_frames_are_removed_by_the_next_one(tmp_path):
    """A studio killed before it could remove its frames folder leaves it; the next studio's
    first frame folder removes it: only folders of processes that no longer exist, only real
    folders, never a link or the folder of a live process."""
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    dead = tmp_path / f"{FRAMES_PREFIX}{ended.stdout.strip()}-abc123"
    dead.mkdir()
    (dead / "old.png").write_bytes(b"png")
    live = tmp_path / f"{FRAMES_PREFIX}{os.getppid()}-def456"  # the test runner's parent: alive
    live.mkdir()
    target = tmp_path / "not-mine"
    target.mkdir()
    (target / "keep.txt").write_text("kept")
    link = tmp_path / f"{FRAMES_PREFIX}{ended.stdout.strip()}-link99"
    link.symlink_to(target, target_is_directory=True)
    made = frames_folder(tmp_path)
    assert made.is_dir() and made.name.startswith(f"{FRAMES_PREFIX}{os.getpid()}-") and made.stat().st_mode & 0o077 == 0
    assert not dead.exists() and live.is_dir() and link.is_symlink() and (target / "keep.txt").read_text() == "kept"
