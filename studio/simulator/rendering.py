"""Turning an accepted job into the MP4 the simulator serves, by calling :mod:`studio.media.render`.

Text-to-video becomes an animatic (one card per ``multi_prompt`` shot, or one card for the whole
prompt); image-to-video becomes a slow move over the start image, fetched the way RunComfy
would fetch it (standard library only, with a timeout and a size cap). With ``render=False``
every job gets one tiny MP4 made once. Runs in worker threads; raises :class:`JobError` whose
text becomes the failed job's ``error``. It must not import httpx.
"""

from __future__ import annotations

import base64
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from studio.domain.catalog import Endpoint

__all__ = [
    "FETCH_TIMEOUT",
    "FETCH_CAP_BYTES",
    "JobError",
    "job_audio",
    "job_duration",
    "render_job",
    "tiny_video",
    "fetch_image",
]

FETCH_TIMEOUT = 5.0  # seconds for one input image fetch
FETCH_CAP_BYTES = 20 * 1024 * 1024  # input images larger than this are refused
_AUDIO_FIELDS = ("sound", "generate_audio")
_tiny_lock = threading.Lock()


class JobError(Exception):
    """The job cannot produce a video; the message is what /result reports as ``error``."""


def _value(body: Mapping[str, Any], endpoint: Endpoint, name: str, fallback: Any) -> Any:
    if body.get(name) is not None:
        return body[name]
    default = endpoint.properties.get(name, {}).get("default")
    return fallback if default is None else default


def job_audio(body: Mapping[str, Any], endpoint: Endpoint) -> bool:
    """Whether the job has audio: the schema's audio field as sent, else its default."""
    name = next((f for f in _AUDIO_FIELDS if endpoint.offers(f)), None)
    return bool(_value(body, endpoint, name, False)) if name else False


def job_duration(body: Mapping[str, Any], endpoint: Endpoint) -> int:
    """The clip length in seconds: ``duration`` as sent, else the schema's default."""
    return int(_value(body, endpoint, "duration", 5))


def fetch_image(url: str, dest: Path) -> Path:
    """Fetch an input image (or decode a ``data:`` URI) to ``dest``; raises JobError on any failure."""
    try:
        if url.startswith("data:"):
            data = base64.b64decode(url.split(",", 1)[1], validate=False)
        else:
            request = urllib.request.Request(url, headers={"User-Agent": "runcomfy-simulator"})
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
                kind = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
                if kind and not kind.startswith("image/"):
                    raise JobError(f"the URL answered with {kind}, not an image")
                data = response.read(FETCH_CAP_BYTES + 1)
        if len(data) > FETCH_CAP_BYTES:
            raise JobError(f"image is larger than {FETCH_CAP_BYTES // (1024 * 1024)} MB")
        if not data:
            raise JobError("image is empty")
    except JobError:
        raise
    except urllib.error.HTTPError as exc:
        raise JobError(f"the URL answered HTTP {exc.code} ({exc.reason})") from exc
    except (OSError, ValueError, urllib.error.URLError) as exc:
        raise JobError(str(getattr(exc, "reason", None) or exc)) from exc
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return dest


def _placeholder(url: str, reason: str, dest: Path) -> Path:
    """A generated stand-in image that names the URL that could not be fetched."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 360), (38, 44, 58))
    draw = ImageDraw.Draw(image)
    lines = ["placeholder: input image not fetched", url[:60], url[60:120], reason[:60]]
    for i, line in enumerate(lines):
        draw.text((24, 40 + 36 * i), line, fill=(232, 196, 104) if i == 0 else (220, 220, 220))
    dest.parent.mkdir(parents=True, exist_ok=True)
    image.save(dest, format="PNG")
    return dest


def _input_image(field: str, url: str, work: Path, required: bool) -> Path:
    try:
        return fetch_image(url, work / f"{field}.img")
    except JobError as exc:
        if required:
            raise JobError(f"could not fetch {field}: {exc}") from exc
        return _placeholder(url, str(exc), work / f"{field}.png")


def _cards(body: Mapping[str, Any], endpoint: Endpoint, duration: int) -> list[Any]:
    from studio.media.render import Card

    shots = body.get("multi_prompt")
    if isinstance(shots, list) and shots:
        cards, start = [], 0
        for i, shot in enumerate(shots, 1):
            seconds = int(shot["duration"])
            title = f"Shot {i} of {len(shots)} · {start}–{start + seconds} s"
            cards.append(Card(title=title, text=str(shot.get("prompt") or ""), seconds=seconds))
            start += seconds
        return cards
    return [Card(title=endpoint.label, text=str(body.get("prompt") or ""), seconds=duration)]


def tiny_video(path: Path) -> Path:
    """The one tiny valid MP4 used when ``render=False``; made with the renderer on first use."""
    with _tiny_lock:
        if not path.is_file():
            try:
                from studio.media.render import Card, render_animatic

                card = Card(title="simulator", text="render=False", seconds=1)
                render_animatic([card], path, short_side=32, fps=8)
            except Exception as exc:  # the renderer's own errors, or it is missing
                raise JobError(f"simulated render failed: {exc}") from exc
        return path


def render_job(
    endpoint: Endpoint, body: Mapping[str, Any], out: Path, *, image_fetch: str = "placeholder"
) -> Path:
    """Render the job's MP4 to ``out`` (image inputs fetched into ``out``'s folder); raises JobError."""
    duration = job_duration(body, endpoint)
    audio = job_audio(body, endpoint)
    work = out.parent / "inputs"
    try:
        from studio.media.render import render_animatic, render_image_motion

        start_url = body.get("start_image_url")
        if endpoint.mode.needs_start_image and isinstance(start_url, str):
            required = image_fetch == "required"
            start = _input_image("start_image_url", start_url, work, required)
            end_url = body.get("end_image_url")
            end = _input_image("end_image_url", end_url, work, required) if isinstance(end_url, str) else None
            render_image_motion(start, out, seconds=duration, end=end, audio=audio)
        else:
            aspect = str(_value(body, endpoint, "aspect_ratio", "16:9"))
            render_animatic(_cards(body, endpoint, duration), out, aspect_ratio=aspect, audio=audio)
    except JobError:
        raise
    except Exception as exc:  # RenderError, a bad image, or the renderer missing
        raise JobError(f"render failed: {exc}") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out
