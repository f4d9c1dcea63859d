"""Which installed font can draw a given text, for the offline preview renderer.

DejaVu Sans draws Latin, Greek and Cyrillic but has no Chinese, Japanese or Korean glyphs: a
Chinese prompt drawn with it is a row of empty boxes. :func:`font_for` returns the first
installed font that covers every character of the text: DejaVu first (today's look), then the
CJK fonts Debian installs (``fonts-noto-cjk``: Noto Sans CJK, its Simplified Chinese face; then
WenQuanYi, Droid, Arphic), then any other font fontconfig knows for Chinese. When none covers
everything, the one that covers the most wins; with no font file at all, Pillow's bundled
default. It only reads font files; it never draws a frame (``studio.media.render_cards`` does).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

__all__ = ["FontFace", "covers", "font_for", "installed_faces", "load_font"]

log = logging.getLogger("studio.media.fonts")

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_NOTO = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"))
# Tried after DejaVu Sans (Bold), which comes first from the folder the caller names.
_REGULAR: tuple[Path, ...] = (
    *(d / "NotoSansCJK-Regular.ttc" for d in _NOTO),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    *(d / "NotoSerifCJK-Regular.ttc" for d in _NOTO),
)
_BOLD: tuple[Path, ...] = tuple(d / "NotoSansCJK-Bold.ttc" for d in _NOTO)
# A code point no font maps (plane 16, private use): its mask is the font's "missing glyph" box.
_UNMAPPED = "\U0010fffd"
_PROBE_SIZE = 24


@dataclass(frozen=True)
class FontFace:
    """One face of an installed font file (a ``.ttc`` holds several; ``index`` picks one)."""

    path: Path
    index: int = 0


def _face(path: Path) -> FontFace | None:
    """The file's face to use (the Simplified Chinese one in a CJK collection), if it opens."""
    best: FontFace | None = None
    for index in range(8 if path.suffix.lower() == ".ttc" else 1):
        try:
            family = ImageFont.truetype(str(path), _PROBE_SIZE, index=index).getname()[0] or ""
        except OSError:
            break
        if best is None:
            best = FontFace(path, index)
        if family.endswith(" SC"):
            return FontFace(path, index)
    return best


def _fontconfig_chinese() -> list[Path]:
    """Font files fontconfig lists for Chinese (``fc-list :lang=zh file``), if fc-list exists."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        out = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip()})


@lru_cache(maxsize=8)
def installed_faces(bold: bool = False, latin_dir: Path = DEJAVU) -> tuple[FontFace, ...]:
    """The candidate faces in order of preference, only those installed and readable: DejaVu
    Sans (Bold) from ``latin_dir``, then the CJK fonts, then what fontconfig lists for Chinese."""
    regular = [latin_dir / "DejaVuSans.ttf", *_REGULAR]
    paths = [latin_dir / "DejaVuSans-Bold.ttf", *_BOLD, *regular] if bold else regular
    paths += [p for p in _fontconfig_chinese() if p not in paths]
    faces = []
    for path in dict.fromkeys(paths):
        if path.is_file():
            face = _face(path)
            if face is not None:
                faces.append(face)
    return tuple(faces)


@lru_cache(maxsize=256)
def _probe(face: FontFace, size: int = _PROBE_SIZE) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(face.path), size, index=face.index)


@lru_cache(maxsize=32)
def _missing(face: FontFace) -> tuple[tuple[int, int], bytes]:
    mask = _probe(face).getmask(_UNMAPPED)
    return mask.size, bytes(mask)


@lru_cache(maxsize=65536)
def _has(face: FontFace, char: str) -> bool:
    mask = _probe(face).getmask(char)
    return (mask.size, bytes(mask)) != _missing(face)


def _needs_glyph(char: str) -> bool:
    return not char.isspace() and char.isprintable()


def covers(face: FontFace, text: str) -> bool:
    """Whether ``face`` has a glyph for every visible character of ``text``."""
    return all(_has(face, c) for c in set(text) if _needs_glyph(c))


def font_for(text: str, bold: bool = False, latin_dir: Path = DEJAVU) -> FontFace | None:
    """The first installed face that covers ``text`` (else the one covering most); None if none is installed."""
    faces = installed_faces(bold, Path(latin_dir))
    if not faces:
        return None
    chars = {c for c in text if _needs_glyph(c)}
    best, best_count = faces[0], -1
    for face in faces:
        count = sum(_has(face, c) for c in chars)
        if count == len(chars):
            return face
        if count > best_count:
            best, best_count = face, count
    log.debug("no installed font covers all of %d characters; using %s", len(chars), best.path.name)
    return best


@lru_cache(maxsize=128)
def _load(face: FontFace | None, size: int) -> Font:
    if face is not None:
        try:
            return ImageFont.truetype(str(face.path), size, index=face.index)
        except OSError:
            pass
    try:
        return ImageFont.load_default(size=size)  # scalable since Pillow 10.1
    except TypeError:  # pragma: no cover - very old Pillow: fixed-size bitmap font
        return ImageFont.load_default()


def load_font(size: int, bold: bool = False, text: str = "", latin_dir: Path = DEJAVU) -> Font:
    """A font at ``size`` px that can draw ``text`` (DejaVu Sans from ``latin_dir`` for Latin text)."""
    return _load(font_for(text, bold, latin_dir), size)
