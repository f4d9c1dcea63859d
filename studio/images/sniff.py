"""What a file really is, from its first bytes, whatever its name claims. Pure.

:func:`sniff` names the format of a file's opening bytes (``"JPEG"``, ``"PNG"``, ``"WEBP"``,
``"GIF"``, ``"SVG"``, ``"HEIC"``, ``"text"`` ...) so a refusal can say what the upload was,
and :func:`refusal` turns a format the studio does not take into the advice to give. Pillow
still decodes accepted files afterwards; a file that only looks like an image is caught there.
"""

from __future__ import annotations

import codecs

__all__ = ["sniff", "refusal", "HEAD_BYTES"]

HEAD_BYTES = 512  # how much of a file sniff() needs

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"%PDF", "PDF"),
    (b"8BPS", "PSD"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"PK\x03\x04", "ZIP"),
    (b"\xff\x0a", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL ", "JPEG XL"),
    (b"\x1f\x8b", "GZIP"),
)
_HEIF_BRANDS = {b"heic": "HEIC", b"heix": "HEIC", b"mif1": "HEIF", b"msf1": "HEIF", b"avif": "AVIF", b"avis": "AVIF"}

# format -> (what it is, what to do instead)
_ADVICE: dict[str, tuple[str, str]] = {
    "GIF": ("a GIF", "save the frame you want as PNG or JPEG"),
    "SVG": ("an SVG drawing", "export it as PNG"),
    "HEIC": ("a HEIC (iPhone) photo", "export it as JPEG (on a Mac: File > Export)"),
    "HEIF": ("a HEIF image", "export it as JPEG"),
    "AVIF": ("an AVIF image", "export it as JPEG or PNG"),
    "PDF": ("a PDF document", "export the page you want as PNG"),
    "text": ("a text file", "it is not an image at all, so choose a JPEG, PNG or WebP file"),
    "HTML": ("a web page", "save the image itself as JPEG, PNG or WebP"),
}


def sniff(head: bytes) -> str | None:
    """The format named by a file's opening bytes, or None when nothing is recognised."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp":
        return _HEIF_BRANDS.get(head[8:12], "MP4/MOV video")
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in head.lower()):
        return "SVG"
    if text.startswith((b"<!doctype html", b"<html", b"<script", b"<head", b"<body")):
        return "HTML"
    if head and _looks_like_text(head):
        return "text"
    return None


def _looks_like_text(head: bytes) -> bool:
    try:  # incremental: a character cut at the end of the head is not an error
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return all(b >= 0x20 or b in (9, 10, 13) for b in head)


def refusal(kind: str | None, name_claims: str | None = None) -> str:
    """What to tell the user about an upload of format ``kind`` (None: unrecognised).

    ``name_claims`` is the file extension when it pretends to be an accepted format (".jpg").
    """
    if kind is None:
        claim = f", whatever its {name_claims} name says" if name_claims else ""
        return f"is not a JPEG, PNG or WebP image (its content is no image format the studio knows{claim}); choose one"
    what, advice = _ADVICE.get(kind, (f"a {kind} file", "save it as JPEG or PNG"))
    start = f"is really {what} (whatever its {name_claims} name says)" if name_claims else f"is {what}"
    return f"{start}, which Kling does not take; {advice}"
