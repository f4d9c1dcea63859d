"""Reading an uploaded image safely and normalising it to plain 8-bit sRGB with no metadata.

:func:`load_image` refuses, by name, anything that is not really a JPEG, PNG or WebP (whatever
the extension says), refuses oversized files and decompression bombs from the header alone,
refuses animations, decodes every pixel (so a truncated file fails here, not at RunComfy),
applies the EXIF orientation, converts colour profiles, CMYK, 16-bit, palette, grayscale and
transparent images to RGB, and returns a fresh image that carries no metadata at all. Every
refusal is an :class:`~studio.errors.UploadError` whose text starts with the field name.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from studio.errors import UploadError
from studio.images.limits import ACCEPTED_FORMATS, MAX_INPUT_BYTES, MAX_PIXELS, mb
from studio.images.sniff import HEAD_BYTES, refusal, sniff

__all__ = ["Decoded", "load_image"]

_EXTENSIONS = {".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".png": "PNG", ".webp": "WEBP"}
_SIXTEEN_BIT = ("I;16", "I;16B", "I;16L", "I;16N", "I")
_ORIENTATION = 0x0112
_DECODE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    MemoryError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


@dataclass(frozen=True)
class Decoded:
    """A decoded upload: RGB pixels with no metadata, what it was, and what was done to it."""

    image: Image.Image
    source_format: str
    lossless: bool
    notes: tuple[str, ...]


def _refuse(field: str, message: str) -> UploadError:
    return UploadError(f"{field}: {message}")


def _read_head(src: Path, field: str) -> tuple[bytes, int]:
    try:
        size = src.stat().st_size
        if not src.is_file():
            raise _refuse(field, "is not a file; choose a JPEG, PNG or WebP image")
        with src.open("rb") as handle:
            return handle.read(HEAD_BYTES), size
    except OSError:
        raise _refuse(field, "could not be read (the file is missing or not readable); choose it again") from None


def load_image(src: Path, field: str) -> Decoded:
    """Decode ``src`` fully and normalise it; raises UploadError naming ``field`` on any problem."""
    head, size = _read_head(src, field)
    if size == 0:
        raise _refuse(field, "the file is empty; choose the image again")
    if size > MAX_INPUT_BYTES:
        raise _refuse(
            field,
            f"the file is {mb(size)}, over the {mb(MAX_INPUT_BYTES)} the studio accepts; export it "
            "smaller (a JPEG about 4000 px on the long side is plenty)",
        )
    kind = sniff(head)
    claimed = _EXTENSIONS.get(src.suffix.lower())
    if kind not in ACCEPTED_FORMATS:
        raise _refuse(field, refusal(kind, src.suffix if claimed else None))
    notes: list[str] = []
    if src.suffix and claimed != kind:
        notes.append(f"the file is really a {kind} (named {src.suffix})")
    image = _open(src, kind, field)
    if kind == "PNG" and len(head) > 24 and head[24] == 16 and image.mode not in _SIXTEEN_BIT:
        notes.append("converted 16-bit to 8-bit")  # Pillow already reduced 16-bit colour on load
    image = _orient(image, notes)
    lossless = kind == "PNG" or (kind == "WEBP" and b"VP8L" in head)
    image = _to_rgb(image, notes)
    return Decoded(_fresh(image), kind, lossless, tuple(notes))


def _open_checked(src: Path, kind: str, field: str) -> Image.Image:
    """Open with only the sniffed format's decoder, check size and frames, then decode every pixel."""
    image = Image.open(src, formats=[kind])
    try:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _refuse(
                field,
                f"is {width:,}×{height:,} px ({width * height / 1e6:.0f} megapixels); images over "
                f"{MAX_PIXELS / 1e6:.0f} megapixels are refused for safety, so resize it to at most "
                "6000 px on the long side",
            )
        frames = getattr(image, "n_frames", 1)
        # A multi-picture JPEG (MPO, from many cameras) is a photo plus previews: use the photo.
        if frames > 1 and kind != "JPEG":
            name = {"WEBP": "WebP", "PNG": "PNG (APNG)"}.get(kind, kind)
            raise _refuse(field, f"is an animated {name} with {frames} frames; save the frame you want as PNG or JPEG")
        image.load()
    except BaseException:
        image.close()
        raise
    return image


def _open(src: Path, kind: str, field: str) -> Image.Image:
    """:func:`_open_checked` with every decoding failure (bombs included) turned into UploadError."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _open_checked(src, kind, field)
        except UploadError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse(
                field,
                "declares an enormous picture size (a decompression bomb); use a normal photo of at most "
                f"{MAX_PIXELS / 1e6:.0f} megapixels",
            ) from None
        except _DECODE_ERRORS as exc:
            why = "the data stops early" if "truncated" in str(exc).lower() else "it does not decode"
            raise _refuse(
                field, f"the {kind} file is damaged or incomplete ({why}); export or download it again"
            ) from None


def _orient(image: Image.Image, notes: list[str]) -> Image.Image:
    try:
        orientation = image.getexif().get(_ORIENTATION, 1)
    except Exception:  # unreadable EXIF is simply dropped with the rest of the metadata
        return image
    if orientation in (None, 1):
        return image
    try:
        turned = ImageOps.exif_transpose(image)
    except Exception:
        return image
    notes.append("rotated per EXIF")
    return turned if turned is not None else image


def _to_rgb(image: Image.Image, notes: list[str]) -> Image.Image:
    """Plain 8-bit sRGB: colour profiles, CMYK, 16-bit, palette, grayscale and alpha handled."""
    mode = image.mode
    icc = image.info.get("icc_profile")
    if icc and mode in ("RGB", "RGBA", "CMYK"):
        image = _to_srgb(image, icc, notes)
        mode = image.mode
    if mode == "CMYK":
        image = image.convert("RGB")
        notes.append("converted CMYK to RGB")
    elif mode in _SIXTEEN_BIT:
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L").convert("RGB")
        notes.append("converted 16-bit to 8-bit")
    elif mode == "F":
        image = image.convert("L").convert("RGB")
    elif mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
        notes.append("converted palette image to RGB")
    if image.mode in ("LA", "La", "RGBA", "RGBa"):
        image = _flatten(image.convert("RGBA"), notes)
    if image.mode != "RGB":
        image = image.convert("RGB")
    return image


def _to_srgb(image: Image.Image, icc: bytes, notes: list[str]) -> Image.Image:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        name = ImageCms.getProfileDescription(source).strip() or "its colour profile"
        if "srgb" in name.lower():
            return image
        out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=out_mode)
    except Exception:  # a broken profile: fall back to the plain conversion below
        return image
    if converted is None:
        return image
    notes.append(f"converted colours from {name[:40]} to sRGB")
    return converted


def _flatten(image: Image.Image, notes: list[str]) -> Image.Image:
    low = cast(float, image.getchannel("A").getextrema()[0])  # one band: (min, max), not one pair per band
    if low < 255:
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        notes.append("flattened transparency onto white")
        return background
    return image.convert("RGB")


def _fresh(image: Image.Image) -> Image.Image:
    """The same pixels in a new image with empty ``info``: no EXIF, GPS, XMP, ICC or text chunks."""
    clean = Image.new("RGB", image.size)
    clean.paste(image)  # pixels only: one copy, nothing from ``info`` or the EXIF cache
    return clean
