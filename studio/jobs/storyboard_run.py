"""Running a storyboard: clip by clip, chaining last frames, then one stitched MP4.

Every clip is a journal job in the storyboard's group (the storyboard's stable key) with its
clip index in ``meta``. Running the same storyboard again resumes it: a clip that already
succeeded is never paid for again, one still in flight is followed, and only failed or
cancelled clips are submitted anew. A clip whose submit outcome is unknown stops the run
(it may have been charged) unless ``retry_unknown`` is set.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from studio.domain.job_status import OUTCOME_UNKNOWN, UNFINISHED
from studio.domain.storyboard import Clip, Storyboard, plan
from studio.errors import JobFailed, StudioError
from studio.jobs.journal import JobRecord
from studio.jobs.publisher import Publisher
from studio.jobs.runner import JobRunner, Progress
from studio.media.stitch import StitchResult, last_frame, stitch

__all__ = ["StoryProgress", "StoryboardResult", "StoryboardRunner"]


@dataclass(frozen=True)
class StoryProgress:
    """Where a storyboard is: clip k of n and that clip's stage, or stitching."""

    clip: int
    clips: int
    stage: str
    detail: str = ""

    def __str__(self) -> str:
        where = f"clip {self.clip} of {self.clips}" if self.clip else "storyboard"
        return f"{where}: {self.stage}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class StoryboardResult:
    """The stitched video and the journal record of every clip."""

    key: str
    path: Path
    method: str
    duration: float
    clips: tuple[JobRecord, ...]
    reused: tuple[int, ...]


class StoryboardRunner:
    """Runs storyboards with a job runner and an image publisher."""

    def __init__(self, runner: JobRunner, publisher: Publisher) -> None:
        self.runner = runner
        self.publisher = publisher
        self.journal = runner.journal

    def _previous(self, key: str, index: int) -> JobRecord | None:
        """The best earlier job for this clip: succeeded, else in flight, else unknown."""
        jobs = [r for r in self.journal.find(group_id=key, limit=10_000) if r.meta.get("clip") == index]
        for wanted in (("succeeded",), UNFINISHED, OUTCOME_UNKNOWN):
            found = [r for r in jobs if r.status in wanted]
            if found:
                return found[0]
        return None

    async def run(
        self,
        board: Storyboard,
        output_dir: Path,
        *,
        owner: str | None = None,
        on_progress: Callable[[StoryProgress], None] | None = None,
        retry_unknown: bool = False,
        group: str | None = None,
    ) -> StoryboardResult:
        """Generate (or resume) every clip and stitch them into ``output_dir``.

        ``group`` names the run in the journal (default: the storyboard's key); the browser
        studio adds the owner to it, so two browsers never share clips.
        """
        emit = on_progress or (lambda _: None)
        self.runner.settle_interrupted_submits()
        clips = plan(board)
        key = group or board.key
        work = output_dir / key
        work.mkdir(parents=True, exist_ok=True)
        files: list[Path] = []
        records: list[JobRecord] = []
        reused: list[int] = []
        for clip in clips:
            record, was_done = await self._clip(key, clip, len(clips), files, work, owner, emit, retry_unknown)
            if was_done:
                reused.append(clip.index + 1)
            records.append(record)
            files.append(Path(record.files[0]))
        emit(StoryProgress(0, len(clips), "stitching", f"{len(files)} clips"))
        title = "".join(c if c.isalnum() or c in "-_" else "-" for c in (board.title or board.key))[:60]
        # A named run (a browser's) keeps its film in its own folder: two owners' storyboards
        # with one title never share a file.
        film_dir = work if group else output_dir
        result: StitchResult = await asyncio.to_thread(stitch, files, film_dir / f"{title}.mp4", timeout=self.runner.settings.ffmpeg_timeout)
        emit(StoryProgress(0, len(clips), "done", str(result.path)))
        return StoryboardResult(key, result.path, result.method, result.info.duration, tuple(records), tuple(reused))

    async def _clip(
        self,
        key: str,
        clip: Clip,
        total: int,
        files: list[Path],
        work: Path,
        owner: str | None,
        emit: Callable[[StoryProgress], None],
        retry_unknown: bool,
    ) -> tuple[JobRecord, bool]:
        n = clip.index + 1

        def progress(p: Progress) -> None:
            detail = f"position {p.position}" if p.position is not None else ""
            emit(StoryProgress(n, total, p.stage, detail))

        previous = self._previous(key, clip.index)
        if previous is not None and previous.status == "succeeded" and previous.files and Path(previous.files[0]).is_file():
            emit(StoryProgress(n, total, "already done", "not paid again"))
            return previous, True
        if previous is not None and previous.status in OUTCOME_UNKNOWN and not retry_unknown:
            raise StudioError(
                f"clip {n} of {total}: its submit's outcome is unknown (it may have been charged); check your "
                "RunComfy dashboard, then run again with --retry-unknown to submit it anew"
            )
        if previous is not None and previous.status in UNFINISHED:
            record = previous
        else:
            request = clip.request
            if clip.chained:
                frame = await asyncio.to_thread(last_frame, files[-1], work / f"clip{n - 1}-last.png", timeout=self.runner.settings.ffmpeg_timeout)
                emit(StoryProgress(n, total, "publishing", "the last frame of the previous clip"))
                url, _ = await self.publisher.publish(frame, role="start", out_dir=work / "frames")
                request = request.evolve(start_image_url=url)
            emit(StoryProgress(n, total, "submitting"))
            record = await self.runner.submit(
                clip.endpoint, request, owner=owner, group_id=key, meta={"clip": clip.index, "clips": total},
                output_dir=work,
            )
        try:
            record = await self.runner.bring_home(record, progress)
        except JobFailed as exc:
            raise StudioError(f"clip {n} of {total} failed: {exc.reason}. Run again to retry it alone; finished clips are not paid again") from None
        return record, False
