"""Shapes of images: aspect ratios, crop and pad to a ratio, and Kling's size rules.

:func:`parse_ratio` reads ``"16:9"``; :func:`crop_to` and :func:`pad_to` change an image to a
ratio around its centre; :func:`size_problems` lists what breaks Kling's limits (short side,
aspect range) for a width and height, each with what to do; :func:`match_problem` compares
the end image's shape with the start image's. The size checks are pure arithmetic.
"""

from __future__ import annotations

from math import gcd

from PIL import Image

from studio.images.limits import MATCH_TOLERANCE, MAX_ASPECT, MIN_SHORT_SIDE

__all__ = ["parse_ratio", "ratio_text", "crop_to", "pad_to", "size_problems", "match_problem", "PAD_COLOUR"]

PAD_COLOUR = (0, 0, 0)  # letterbox bars, as a video player would show them


def parse_ratio(text: str) -> float | None:
    """``"16:9"`` → 1.777…; None when ``text`` is not two positive numbers joined by ':'."""
    left, sep, right = text.strip().partition(":")
    try:
        w, h = float(left), float(right)
    except ValueError:
        return None
    if not sep or not (w > 0 and h > 0) or w != w or h != h:
        return None
    return w / h


def ratio_text(width: int, height: int) -> str:
    """A shape for messages: ``16:9`` when the numbers are small, else ``4.00:1`` / ``1:4000``."""
    d = gcd(width, height) or 1
    w, h = width // d, height // d
    if w <= 32 and h <= 32:
        return f"{w}:{h}"
    return f"{width / height:.2f}:1" if width >= height else f"1:{height / width:.2f}".replace(".00", "")


def crop_to(image: Image.Image, ratio: float) -> Image.Image:
    """The largest centred region of ``image`` with width/height ``ratio``."""
    width, height = image.size
    if width / height > ratio:
        new_w = max(1, round(height * ratio))
        left = (width - new_w) // 2
        return image.crop((left, 0, left + new_w, height))
    new_h = max(1, round(width / ratio))
    top = (height - new_h) // 2
    return image.crop((0, top, width, top + new_h))


def pad_to(image: Image.Image, ratio: float) -> Image.Image:
    """``image`` centred on bars of :data:`PAD_COLOUR` so that width/height is ``ratio``."""
    width, height = image.size
    size = (width, max(height, round(width / ratio))) if width / height > ratio else (max(width, round(height * ratio)), height)
    canvas = Image.new("RGB", size, PAD_COLOUR)
    canvas.paste(image, ((size[0] - width) // 2, (size[1] - height) // 2))
    return canvas


def size_problems(width: int, height: int) -> list[str]:
    """What breaks Kling's size rules for a ``width`` × ``height`` image, each with what to do."""
    problems: list[str] = []
    short = min(width, height)
    if short < MIN_SHORT_SIDE:
        problems.append(
            f"is {width}×{height} px; the short side must be at least {MIN_SHORT_SIDE} px, so use a "
            "larger original (upscale it first if you have no other)"
        )
    aspect = width / height
    if aspect > MAX_ASPECT or aspect < 1 / MAX_ASPECT:
        problems.append(
            f"is {ratio_text(width, height)} ({width}×{height} px); Kling takes shapes from "
            f"1:{MAX_ASPECT:g} to {MAX_ASPECT:g}:1, so crop it (or choose crop or pad to 16:9, 9:16 or 1:1)"
        )
    return problems


def match_problem(width: int, height: int, start_width: int, start_height: int) -> str | None:
    """Why an end image of this size cannot follow the start image's shape, or None if it can."""
    end_ratio, start_ratio = width / height, start_width / start_height
    if abs(end_ratio / start_ratio - 1) <= MATCH_TOLERANCE:
        return None
    return (
        f"is {ratio_text(width, height)} ({width}×{height} px) but the start image is "
        f"{ratio_text(start_width, start_height)} ({start_width}×{start_height} px); the last frame must "
        f"have the start image's shape (within {MATCH_TOLERANCE:.0%}), so choose crop or pad to fit it "
        "to the start image"
    )
