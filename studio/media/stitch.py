"""Joining clips into one MP4, and taking a clip's last frame, with the bundled ffmpeg.

:func:`stitch` copies the streams when every clip has the same codec, size, frame rate and
audio layout (fast, lossless), and re-encodes with ffmpeg's concat filter otherwise, adding
silence to clips without audio so sound stays in sync. :func:`last_frame` extracts the final
frame as a PNG for continuity. Outputs are written to a locked temporary file and renamed.
Every ffmpeg run is killed after ``timeout`` seconds (the studio passes ``settings.ffmpeg_timeout``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from studio.config import FFMPEG_TIMEOUT
from studio.media.filewriter import open_partial, remove_dead_partials
from studio.media.render import RenderError, VideoInfo, probe, run_ffmpeg

__all__ = ["StitchResult", "stitch", "last_frame", "compatible"]


class StitchResult:
    """Where the joined video is, how it was made, and its facts."""

    def __init__(self, path: Path, method: Literal["copy", "reencode"], info: VideoInfo) -> None:
        self.path, self.method, self.info = path, method, info

    def __repr__(self) -> str:
        return f"StitchResult({self.path.name!r}, {self.method}, {self.info.duration:.2f} s)"


def compatible(infos: Sequence[VideoInfo]) -> bool:
    """Whether clips can be joined by stream copy (same codec, size, fps and audio presence)."""
    first = infos[0]
    return all(
        (i.video_codec, i.width, i.height, i.fps, i.has_audio)
        == (first.video_codec, first.width, first.height, first.fps, first.has_audio)
        for i in infos
    )


@contextmanager
def _partial(out: Path) -> Iterator[Path]:
    """A locked temporary path beside ``out`` for ffmpeg to write, deleted unless renamed to ``out``.

    Leftovers of a killed earlier attempt at the same ``out`` are removed first (see
    :func:`studio.media.filewriter.remove_dead_partials`).
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_dead_partials(out.parent, out.stem, out.suffix)
    tmp, handle = open_partial(out.parent, out.stem, out.suffix)
    try:
        yield tmp
    finally:
        handle.close()
        tmp.unlink(missing_ok=True)


def _check(result_code: int, stderr: str, what: str) -> None:
    if result_code != 0:
        tail = "\n".join(stderr.strip().splitlines()[-4:])
        raise RenderError(f"{what} failed: {tail}")


def _copy(clips: Sequence[Path], tmp: Path, timeout: float) -> None:
    # The concat list goes in the system's temporary folder, never beside the user's videos.
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as handle:
        handle.write("".join(f"file '{p.resolve().as_posix()}'\n" for p in clips))
    listing = Path(handle.name)
    try:
        done = run_ffmpeg(["-y", "-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", "-movflags", "+faststart", str(tmp)], timeout=timeout)
        _check(done.returncode, done.stderr, "joining by stream copy")
    finally:
        listing.unlink(missing_ok=True)


def _reencode(clips: Sequence[Path], infos: Sequence[VideoInfo], tmp: Path, timeout: float) -> None:
    width, height = infos[0].width, infos[0].height
    fps = infos[0].fps or 24
    args: list[str] = ["-y"]
    for clip in clips:
        args += ["-i", str(clip)]
    audio = any(i.has_audio for i in infos)
    chains, labels = [], []
    for n, info in enumerate(infos):
        chains.append(
            f"[{n}:v]scale={width}:{height}:force_original_aspect_ratio=decrease,"
            f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={fps},format=yuv420p[v{n}]"
        )
        labels.append(f"[v{n}]")
        if audio:
            if info.has_audio:
                chains.append(f"[{n}:a]aformat=sample_rates=44100:channel_layouts=stereo[a{n}]")
            else:
                chains.append(f"anullsrc=r=44100:cl=stereo,atrim=duration={info.duration:.3f}[a{n}]")
            labels.append(f"[a{n}]")
    graph = ";".join(chains) + ";" + "".join(labels) + f"concat=n={len(clips)}:v=1:a={1 if audio else 0}[v]" + ("[a]" if audio else "")
    args += ["-filter_complex", graph, "-map", "[v]"]
    if audio:
        args += ["-map", "[a]", "-c:a", "aac", "-b:a", "128k"]
    args += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(tmp)]
    done = run_ffmpeg(args, timeout=timeout)
    _check(done.returncode, done.stderr, "joining by re-encoding")


def stitch(
    clips: Sequence[Path],
    out: Path,
    *,
    force: Literal["auto", "copy", "reencode"] = "auto",
    timeout: float = FFMPEG_TIMEOUT,
) -> StitchResult:
    """Join ``clips`` in order into ``out``: stream copy when they match, else re-encode."""
    if not clips:
        raise RenderError("nothing to stitch")
    infos = [probe(Path(c), timeout=timeout) for c in clips]
    method: Literal["copy", "reencode"] = "copy" if compatible(infos) else "reencode"
    if force != "auto":
        method = force
    with _partial(out) as tmp:
        if method == "copy":
            _copy(clips, tmp, timeout)
        else:
            _reencode(clips, infos, tmp, timeout)
        info = probe(tmp, timeout=timeout)
        os.replace(tmp, out)
    return StitchResult(out, method, info)


def last_frame(clip: Path, out: Path, *, timeout: float = FFMPEG_TIMEOUT) -> Path:
    """The clip's final frame as a PNG (for the next clip's start image)."""
    with _partial(out) as tmp:
        done = run_ffmpeg(["-y", "-sseof", "-0.5", "-i", str(clip), "-update", "1", str(tmp)], timeout=timeout)
        if done.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
            raise RenderError(f"could not take the last frame of {clip.name}")
        os.replace(tmp, out)
    return out
