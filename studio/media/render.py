"""The studio's MP4 encoder: real H.264 previews for the local RunComfy simulator.

This module owns turning cards and images into MP4 files (and reading an MP4's basic facts
back) with the ffmpeg binary bundled in imageio-ffmpeg, run through ``subprocess``. Pillow
drawing lives in ``studio.media.render_cards``. It must not use a system ffmpeg, PyAV, the network
or the UI; an ``out`` file is only ever replaced whole, never left half-written.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
from PIL import Image, UnidentifiedImageError

from studio.config import FFMPEG_TIMEOUT
from studio.errors import StudioError
from studio.media.render_cards import draw_card, fit_image, load_image

__all__ = [
    "run_ffmpeg",
    "Card",
    "RenderError",
    "VideoInfo",
    "frame_size",
    "probe",
    "render_animatic",
    "render_image_motion",
]

_ASPECTS: dict[str, tuple[int, int]] = {"16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1)}
_MAX_ASPECT = 2.5  # image-to-video output is clamped to between 1:2.5 and 2.5:1
_ZOOM = 0.12  # total Ken Burns zoom-in over an image-to-video clip
_FADE = 0.25  # seconds of fade from/to black at each animatic card's edges
_CHIMES = (523.25, 587.33, 659.25, 783.99, 880.0)  # C major pentatonic, one note per card
_SAMPLE_RATE = 44100
_ERROR_LINES = 6


class RenderError(StudioError):
    """ffmpeg could not render or read a video (the message ends with ffmpeg's last words)."""


@dataclass(frozen=True)
class Card:
    """One title card of a text-to-video animatic."""

    title: str
    text: str
    seconds: int

    def __post_init__(self) -> None:
        if isinstance(self.seconds, bool) or not isinstance(self.seconds, int) or self.seconds < 1:
            raise ValueError(f"Card.seconds must be a whole number >= 1, not {self.seconds!r}")


@dataclass(frozen=True)
class VideoInfo:
    """The facts of a rendered or probed video file."""

    duration: float
    width: int
    height: int
    has_audio: bool
    video_codec: str
    fps: float = 0.0


def _even(value: float) -> int:
    return max(2, 2 * round(value / 2))


def frame_size(aspect_ratio: str, height: int = 360) -> tuple[int, int]:
    """(width, height), both even, with the short side ``height``: 16:9 → 640x360, 9:16 → 360x640."""
    if aspect_ratio not in _ASPECTS:
        raise ValueError(f"unknown aspect ratio {aspect_ratio!r}; expected one of {', '.join(_ASPECTS)}")
    w, h = _ASPECTS[aspect_ratio]
    short = _even(height)
    if w >= h:
        return _even(short * w / h), short
    return short, _even(short * h / w)


def _image_frame_size(image_size: tuple[int, int], short_side: int) -> tuple[int, int]:
    """Output size following an image's aspect (clamped to 1:2.5 … 2.5:1), short side ``short_side``."""
    w, h = image_size
    aspect = min(_MAX_ASPECT, max(1 / _MAX_ASPECT, w / max(1, h)))
    short = _even(short_side)
    return (_even(short * aspect), short) if aspect >= 1 else (short, _even(short / aspect))


def _ffmpeg() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


_NOISE = ("Exiting with", "Task finished with", "Terminating thread with")


def _tail(stderr: str) -> str:
    """ffmpeg's last meaningful stderr lines (thread shutdown chatter dropped)."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and not any(n in ln for n in _NOISE)]
    return "\n".join(lines[-_ERROR_LINES:]) or "no output from ffmpeg"


def _run(args: list[str], timeout: float = FFMPEG_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run the bundled ffmpeg with ``args``; raise RenderError if it cannot start or runs past ``timeout`` seconds."""
    command = [_ffmpeg(), "-hide_banner", "-nostdin", *args]
    try:
        return subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise RenderError(f"ffmpeg did not finish within {timeout:g} s") from exc
    except OSError as exc:
        raise RenderError(f"could not start ffmpeg: {exc}") from exc


def _encode(inputs: list[str], graph: str, out: Path, seconds: int, fps: int, audio: bool) -> VideoInfo:
    """Encode filter ``graph`` (labels [v] and, with audio, [a]) to ``out`` atomically; probe the result."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.part")
    maps = ["-map", "[v]"] + (["-map", "[a]", "-c:a", "aac", "-b:a", "96k"] if audio else ["-an"])
    args = [
        "-loglevel", "error", "-y", *inputs, "-filter_complex", graph, *maps,
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p",
        "-r", str(fps), "-t", str(seconds), "-movflags", "+faststart", "-f", "mp4", str(tmp),
    ]  # fmt: skip
    try:
        result = _run(args)
        if result.returncode != 0:
            raise RenderError(f"ffmpeg failed (exit {result.returncode}):\n{_tail(result.stderr)}")
        info = probe(tmp)
        os.replace(tmp, out)
        return info
    finally:
        tmp.unlink(missing_ok=True)


def _check(seconds: int, fps: int, short_side: int) -> None:
    if seconds < 1:
        raise ValueError(f"seconds must be >= 1, not {seconds}")
    if fps < 1:
        raise ValueError(f"fps must be >= 1, not {fps}")
    if short_side < 16:
        raise ValueError(f"short_side must be >= 16, not {short_side}")


def _still(index: int, frames: int, fps: int) -> str:
    """Filter chain turning still input ``index`` into ``frames`` frames at ``fps`` without re-reading it."""
    return f"[{index}:v]loop=loop={frames - 1}:size=1:start=0,setpts=N/{fps}/TB,settb=1/{fps}"


def _ken_burns(frames: int) -> str:
    """A slow centred zoom-in by _ZOOM over ``frames`` frames.

    perspective samples the source with sub-pixel (bilinear) precision, so the move is smooth;
    zoompan crops at whole pixels and visibly steps back and forth on slow zooms.
    """
    m = f"(1-1/(1+{_ZOOM}*on/{max(1, frames - 1)}))/2"  # fraction cropped from each edge
    lo_x, hi_x, lo_y, hi_y = f"W*{m}", f"W*(1-{m})", f"H*{m}", f"H*(1-{m})"
    return (
        f"perspective=x0='{lo_x}':y0='{lo_y}':x1='{hi_x}':y1='{lo_y}'"
        f":x2='{lo_x}':y2='{hi_y}':x3='{hi_x}':y3='{hi_y}':interpolation=linear:eval=frame"
    )


def _chime(frequency: float, seconds: int) -> str:
    """A soft bell: a sine and its octave with a quick attack and exponential decay (lavfi aevalsrc)."""
    f = f"{frequency:.2f}"
    expr = f"min(1,t*60)*(0.16*sin(2*PI*{f}*t)*exp(-2.5*t)+0.05*sin(4*PI*{f}*t)*exp(-4*t))"
    return f"aevalsrc=exprs='{expr}':s={_SAMPLE_RATE}:d={seconds}"


def _pad(seconds: int) -> str:
    """A quiet sustained chord that fades in and out over the whole clip."""
    ramp = min(0.5, seconds / 4)
    env = f"min(1,t/{ramp})*min(1,max(0,{seconds}-t)/{ramp})"
    tones = "+".join(f"sin(2*PI*{f}*t)" for f in (220.0, 277.18, 329.63))
    return f"aevalsrc=exprs='0.05*({tones})*{env}':s={_SAMPLE_RATE}:d={seconds}"


def render_animatic(
    cards: Sequence[Card],
    out: Path,
    *,
    aspect_ratio: str = "16:9",
    audio: bool = False,
    short_side: int = 360,
    fps: int = 24,
) -> VideoInfo:
    """Text-to-video preview: one title card per shot, a progress bar and (optionally) a chime per card."""
    if not cards:
        raise ValueError("an animatic needs at least one card")
    total = sum(card.seconds for card in cards)
    _check(total, fps, short_side)
    width, height = frame_size(aspect_ratio, short_side)
    with tempfile.TemporaryDirectory(prefix="studio-render-") as workdir:
        inputs: list[str] = []
        chains: list[str] = []
        segments = ""
        for i, card in enumerate(cards):
            png = Path(workdir) / f"card{i:03d}.png"
            draw_card(card.title, card.text, (width, height), i, len(cards)).save(png, compress_level=1)
            inputs += ["-framerate", str(fps), "-i", str(png)]
            fade = min(_FADE, card.seconds / 4)
            chains.append(
                f"{_still(i, card.seconds * fps, fps)},format=yuv420p,"
                f"fade=t=in:st=0:d={fade},fade=t=out:st={card.seconds - fade}:d={fade}[v{i}]"
            )
            segments += f"[v{i}]"
            if audio:
                chains.append(f"{_chime(_CHIMES[i % len(_CHIMES)], card.seconds)}[a{i}]")
                segments += f"[a{i}]"
        bar_h = _even(max(4, short_side / 90))
        chains.append(
            f"{segments}concat=n={len(cards)}:v=1:a={int(audio)}[body]" + ("[a]" if audio else "")
        )
        chains.append(f"color=c=0xE8C468:s={width}x{bar_h}:r={fps}:d={total}[bar]")
        chains.append(f"[body][bar]overlay=x='-w+W*(t+1/{fps})/{total}':y=H-h:shortest=1:format=yuv420[v]")
        return _encode(inputs, ";".join(chains), out, total, fps, audio)


def render_image_motion(
    start: Path,
    out: Path,
    *,
    seconds: int,
    end: Path | None = None,
    audio: bool = False,
    short_side: int = 360,
    fps: int = 24,
) -> VideoInfo:
    """Image-to-video preview: a slow zoom into ``start``, cross-fading to ``end`` (if given) at the close."""
    _check(seconds, fps, short_side)
    frames = seconds * fps
    with tempfile.TemporaryDirectory(prefix="studio-render-") as workdir:
        try:
            first = load_image(Path(start))
            width, height = _image_frame_size(first.size, short_side)
            fit_image(first, (width, height)).save(Path(workdir) / "start.png", compress_level=1)
            if end is not None:
                fit_image(load_image(Path(end)), (width, height)).save(Path(workdir) / "end.png", compress_level=1)
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
            raise RenderError(f"cannot read image: {exc}") from exc
        inputs = ["-framerate", str(fps), "-i", str(Path(workdir) / "start.png")]
        zoom = f"{_still(0, frames, fps)},{_ken_burns(frames)},format=yuv420p"
        if end is None:
            chains = [f"{zoom}[v]"]
        else:
            tail = max(1, min(round(fps * 2), round(frames * 0.35)))
            inputs += ["-framerate", str(fps), "-i", str(Path(workdir) / "end.png")]
            chains = [
                f"{zoom}[s]",
                f"{_still(1, tail, fps)},format=yuv420p[e]",
                f"[s][e]xfade=transition=fade:duration={tail / fps}:offset={(frames - tail) / fps}[v]",
            ]
        if audio:
            chains.append(f"{_pad(seconds)}[a]")
        return _encode(inputs, ";".join(chains), out, seconds, fps, audio)


_DURATION = re.compile(r"Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)")
_INPUT = re.compile(r"Input #0, ([\w,]+), from")
_VIDEO = re.compile(r"Stream #\S+\s+Video:\s*(\w+)(.*)")
_SIZE = re.compile(r",\s*(\d+)x(\d+)")
_AUDIO = re.compile(r"Stream #\S+\s+Audio:")
_FPS = re.compile(r"(\d+(?:\.\d+)?)\s*fps")


def run_ffmpeg(args: list[str], *, timeout: float = FFMPEG_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run the bundled ffmpeg (for stitching and frame grabs), killed after ``timeout`` seconds
    (the studio passes ``settings.ffmpeg_timeout``); raises RenderError."""
    return _run(args, timeout)


def probe(path: Path, *, timeout: float = FFMPEG_TIMEOUT) -> VideoInfo:
    """Duration, size, audio presence and video codec of a video file, from ``ffmpeg -i`` output."""
    path = Path(path)
    if not path.is_file():
        raise RenderError(f"no such video file: {path}")
    stderr = _run(["-i", str(path.resolve())], timeout).stderr
    fmt = _INPUT.search(stderr)
    duration = _DURATION.search(stderr)
    video = _VIDEO.search(stderr)
    size = _SIZE.search(video.group(2)) if video else None
    if fmt is None or duration is None or video is None or size is None:
        raise RenderError(f"not a readable video: {path.name}\n{_tail(stderr)}")
    if fmt.group(1) == "image2" or fmt.group(1).endswith("_pipe"):
        raise RenderError(f"not a video but a still image: {path.name}")
    hours, minutes, secs = duration.groups()
    seconds = int(hours) * 3600 + int(minutes) * 60 + float(secs)
    if not math.isfinite(seconds) or seconds <= 0:
        raise RenderError(f"video has no duration: {path.name}")
    return VideoInfo(
        duration=seconds,
        width=int(size.group(1)),
        height=int(size.group(2)),
        has_audio=_AUDIO.search(stderr) is not None,
        video_codec=video.group(1),
        fps=float(fps.group(1)) if (fps := _FPS.search(video.group(2))) else 0.0,
    )
