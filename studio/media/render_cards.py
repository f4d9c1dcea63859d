"""Pillow drawing for the preview renderer: title cards and images fitted to a frame.

This module owns how a preview frame looks (fonts, colours, text wrapping and truncation,
cover-fitting of user images). It only draws in memory and saves PNGs; it never runs ffmpeg,
never touches the network and knows nothing about videos (``studio.media.render`` does).
"""

from __future__ import annotations

import colorsys
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from studio.media import fonts

__all__ = ["FONT_DIR", "draw_card", "fit_image", "load_font", "load_image", "wrap_text"]

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_REGULAR = "DejaVuSans.ttf"
_BOLD = "DejaVuSans-Bold.ttf"
_ELLIPSIS = "…"
_LINE_SPACING = 1.3
_FOOTER = "Kling Studio · simulated preview"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=256)
def load_font(size: int, bold: bool = False, text: str = "") -> Font:
    """A font at ``size`` px that draws ``text``: DejaVu Sans (Bold) for Latin text, a CJK font
    (Noto Sans CJK) for Chinese, else Pillow's bundled default font (:mod:`studio.media.fonts`)."""
    return fonts.load_font(size, bold, text, latin_dir=FONT_DIR)


def _width(font: Font, text: str) -> float:
    return float(font.getlength(text))


def _break_word(word: str, font: Font, max_width: float) -> list[str]:
    """Split one word that is wider than the line into pieces that fit."""
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and _width(font, current + char) > max_width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def wrap_text(text: str, font: Font, max_width: float) -> list[str]:
    """Greedy word wrap to ``max_width`` pixels; explicit newlines start a new paragraph."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if _width(font, candidate) <= max_width:
                current = candidate
                continue
            if current:
                lines.append(current)
            pieces = _break_word(word, font, max_width)
            lines.extend(pieces[:-1])
            current = pieces[-1] if pieces else ""
        lines.append(current)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _truncate(lines: list[str], max_lines: int, font: Font, max_width: float) -> list[str]:
    """Keep ``max_lines`` lines, ending the last kept one with an ellipsis that fits."""
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1].rstrip()
    while last and _width(font, last + _ELLIPSIS) > max_width:
        last = last[:-1].rstrip()
    kept[-1] = last + _ELLIPSIS
    return kept


def _fit_text(text: str, box: tuple[int, int], largest: int, smallest: int) -> tuple[Font, list[str], int]:
    """The largest font size (down to ``smallest``) at which ``text`` fits ``box``; truncate below it."""
    box_w, box_h = box
    size = largest
    while True:
        font = load_font(size, text=text)
        line_h = max(1, round(size * _LINE_SPACING))
        lines = wrap_text(text, font, box_w)
        if len(lines) * line_h <= box_h or size <= smallest:
            return font, _truncate(lines, max(1, box_h // line_h), font, box_w), line_h
        size = max(smallest, int(size * 0.88))


def _palette(index: int) -> tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]:
    """(top colour, bottom colour, accent) for card ``index``: dark, calm, a different hue per shot."""
    hue = (0.58 + 0.17 * index) % 1.0

    def rgb(h: float, lightness: float, s: float) -> tuple[int, int, int]:
        r, g, b = colorsys.hls_to_rgb(h, lightness, s)
        return round(r * 255), round(g * 255), round(b * 255)

    return rgb(hue, 0.20, 0.45), rgb((hue + 0.08) % 1.0, 0.07, 0.40), rgb(hue, 0.72, 0.85)


def _gradient(size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    """A vertical gradient, drawn as a 1-pixel column and stretched (cheap at any size)."""
    height = size[1]
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / max(1, height - 1)
        column.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    return column.resize(size, Image.Resampling.BILINEAR)


def draw_card(title: str, text: str, size: tuple[int, int], index: int = 0, count: int = 1) -> Image.Image:
    """One title card: ``title`` on top, ``text`` wrapped (or truncated with …) below, footer at the bottom."""
    width, height = size
    short = min(width, height)
    top, bottom, accent = _palette(index)
    image = _gradient(size, top, bottom)
    draw = ImageDraw.Draw(image)
    margin = max(8, round(short * 0.07))
    inner_w = width - 2 * margin

    title_size = max(8, round(short * 0.065))
    title_font = load_font(title_size, bold=True, text=title)
    title_lines = _truncate(wrap_text(title, title_font, inner_w), 2, title_font, inner_w)
    title_h = max(1, round(title_size * _LINE_SPACING))
    y = margin
    for line in title_lines:
        draw.text((margin, y), line, font=title_font, fill=accent)
        y += title_h
    rule_y = y + max(2, margin // 4)
    draw.line((margin, rule_y, margin + inner_w // 3, rule_y), fill=accent, width=max(1, short // 180))

    small = load_font(max(7, round(short * 0.036)))
    footer_y = height - margin - round(short * 0.05)
    draw.text((margin, footer_y), _FOOTER, font=small, fill=(170, 170, 185))
    if count > 1:
        counter = f"{index + 1} / {count}"
        draw.text((width - margin - _width(small, counter), footer_y), counter, font=small, fill=(170, 170, 185))

    body_top = rule_y + max(4, margin // 2)
    box = (inner_w, max(1, footer_y - margin // 2 - body_top))
    font, lines, line_h = _fit_text(text.strip(), box, round(short * 0.075), max(7, round(short * 0.04)))
    y = body_top + max(0, (box[1] - len(lines) * line_h) // 2)
    for line in lines:
        draw.text((margin, y), line, font=font, fill=(240, 240, 245))
        y += line_h
    return image


def load_image(path: Path) -> Image.Image:
    """Open ``path`` (any format Pillow reads) upright (EXIF rotation applied), in RGB, alpha flattened."""
    with Image.open(path) as opened:
        opened.load()
        image = ImageOps.exif_transpose(opened)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        backdrop = Image.new("RGBA", image.size, (16, 16, 20, 255))
        image = Image.alpha_composite(backdrop, image)
    return image.convert("RGB")


def fit_image(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Cover-fit ``image`` to ``size``: scale to fill, crop the overflow evenly from both sides."""
    return ImageOps.fit(image, size, Image.Resampling.LANCZOS)
