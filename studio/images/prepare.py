"""Preflight of a start or end image: from a user's file to a clean file ready to publish.

:func:`prepare_image` decodes and normalises the upload (:mod:`studio.images.decode`),
optionally crops or pads it to an aspect ratio, checks the end image against the start image,
enforces Kling's size rules and re-encodes it (JPEG, or PNG for lossless sources) under the
size limit with no metadata. Nothing is written unless every check passes, so a refused file
never reaches a host. Refusals are :class:`~studio.errors.UploadError` starting with
``"start image: "`` or ``"end image: "``.
"""

from __future__ import annotations

import io
import math
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image

from studio.errors import UploadError
from studio.images.decode import load_image
from studio.images.geometry import (
    crop_to,
    match_problem,
    pad_to,
    parse_ratio,
    ratio_text,
    size_problems,
)
from studio.images.limits import JPEG_QUALITIES, MAX_ASPECT, MAX_OUTPUT_BYTES, mb

__all__ = ["PreparedImage", "prepare_image", "Role", "Fit"]

Role = Literal["start", "end"]
Fit = Literal["none", "crop", "pad"]


@dataclass(frozen=True)
class PreparedImage:
    """A clean re-encoded image (metadata stripped) ready to publish, and what was done to it."""

    path: Path
    width: int
    height: int
    content_type: str  # "image/jpeg" or "image/png"
    size_bytes: int
    source_format: str  # what the upload really was: "JPEG", "PNG" or "WEBP"
    notes: tuple[str, ...]
    role: Role = "start"

    @property
    def extension(self) -> str:
        """``"jpg"`` or ``"png"``."""
        return "png" if self.content_type == "image/png" else "jpg"


def prepare_image(
    src: Path,
    *,
    role: Role,
    out_dir: Path,
    fit: Fit = "none",
    aspect_ratio: str | None = None,
    match: PreparedImage | None = None,
) -> PreparedImage:
    """Check, normalise and re-encode ``src`` into ``out_dir``; raises UploadError.

    ``fit`` crops or pads to ``aspect_ratio`` (or, for an end image with no ratio given, to the
    start image's shape). ``match`` is the prepared start image: an end image must have its
    shape within a few percent, and is resized to its exact size.
    """
    field = f"{role} image"
    if role not in ("start", "end"):
        raise ValueError(f"role must be 'start' or 'end', not {role!r}")
    target = _target_ratio(field, fit, aspect_ratio, match)
    decoded = load_image(Path(src), field)
    image, notes = decoded.image, list(decoded.notes)
    if target is not None and abs(image.width / image.height / target - 1) > 0.002:
        before = image.size
        image = crop_to(image, target) if fit == "crop" else pad_to(image, target)
        shape = aspect_ratio.strip() if aspect_ratio else ratio_text(*image.size) + " (the start image's shape)"
        verb = "cropped" if fit == "crop" else "padded"
        notes.append(f"{verb} to {shape}: {before[0]}×{before[1]} → {image.width}×{image.height}")
    if match is not None:
        problem = match_problem(image.width, image.height, match.width, match.height)
        if problem:
            raise UploadError(f"{field}: {problem}")
        if image.size != (match.width, match.height):
            image = image.resize((match.width, match.height), Image.Resampling.LANCZOS)
            notes.append(f"resized to {match.width}×{match.height} to match the start image")
    problems = size_problems(image.width, image.height)
    if problems:
        raise UploadError(f"{field}: " + "; ".join(problems))
    data, content_type = _encode(image, decoded.lossless, field, notes)
    notes.append("metadata removed")
    path = _write(Path(out_dir), role, data, "png" if content_type == "image/png" else "jpg")
    return PreparedImage(
        path=path,
        width=image.width,
        height=image.height,
        content_type=content_type,
        size_bytes=len(data),
        source_format=decoded.source_format,
        notes=tuple(notes),
        role=role,
    )


def _target_ratio(field: str, fit: str, aspect_ratio: str | None, match: PreparedImage | None) -> float | None:
    if fit not in ("none", "crop", "pad"):
        raise ValueError(f"fit must be 'none', 'crop' or 'pad', not {fit!r}")
    if fit == "none":
        return None
    if aspect_ratio:
        ratio = parse_ratio(aspect_ratio)
        if ratio is None or not math.isfinite(ratio) or ratio <= 0:
            raise UploadError(f"{field}: aspect ratio {aspect_ratio!r} is not like 16:9; choose 16:9, 9:16 or 1:1")
        # Beyond Kling's range the result would be refused anyway, and padding to 1000000:1
        # would allocate an enormous canvas first.
        if not 1 / MAX_ASPECT <= ratio <= MAX_ASPECT:
            raise UploadError(
                f"{field}: aspect ratio {aspect_ratio!r} is outside what Kling accepts (1:{MAX_ASPECT:g} to "
                f"{MAX_ASPECT:g}:1); choose 16:9, 9:16 or 1:1"
            )
        return ratio
    if match is not None:
        return match.width / match.height
    raise UploadError(f"{field}: choose an aspect ratio (16:9, 9:16 or 1:1) to {fit} to")


def _encode(image: Image.Image, lossless: bool, field: str, notes: list[str]) -> tuple[bytes, str]:
    """The smallest faithful encoding under the size limit: PNG for lossless sources, else JPEG."""
    if lossless:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=6)
        if buffer.tell() <= MAX_OUTPUT_BYTES:
            return buffer.getvalue(), "image/png"
        notes.append(f"saved as JPEG (as PNG it was {mb(buffer.tell())}, over {mb(MAX_OUTPUT_BYTES)})")
    size = 0
    for quality in JPEG_QUALITIES:
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=quality, optimize=True)
        size = buffer.tell()
        if size <= MAX_OUTPUT_BYTES:
            if quality != JPEG_QUALITIES[0]:
                notes.append(f"compressed to JPEG quality {quality} to stay under {mb(MAX_OUTPUT_BYTES)}")
            return buffer.getvalue(), "image/jpeg"
    raise UploadError(
        f"{field}: is still {mb(size)} after compressing ({image.width}×{image.height} px) and the limit is "
        f"{mb(MAX_OUTPUT_BYTES)}; resize it to about 4000 px on the long side and try again"
    )


def _write(out_dir: Path, role: str, data: bytes, ext: str) -> Path:
    """Write atomically under a random name; the name tells nothing about the original file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"{role}-{secrets.token_hex(8)}.{ext}"
    partial = final.with_name(f".{final.name}.part")
    try:
        with open(partial, "wb") as handle:
            handle.write(data)
        os.replace(partial, final)
    finally:
        if partial.exists():
            partial.unlink()
    return final
