"""The image rules of Kling 3.0 image-to-video, and the studio's own safety caps, as named values.

Kling's documented input limits (short side, aspect range, file size) and the caps that keep a
hostile file from exhausting memory (input bytes, decoded pixels) live here and nowhere else, so
every message quotes the same numbers. Values only; no I/O.
"""

from __future__ import annotations

__all__ = [
    "ACCEPTED_FORMATS",
    "MIN_SHORT_SIDE",
    "MAX_ASPECT",
    "MAX_OUTPUT_BYTES",
    "MAX_INPUT_BYTES",
    "MAX_PIXELS",
    "MATCH_TOLERANCE",
    "JPEG_QUALITIES",
    "MAX_CHECK_REDIRECTS",
    "mb",
]

# What the studio takes from a user; everything else is refused by its real name.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# Kling: the short side at least 300 px, aspect between 1:2.5 and 2.5:1, at most 10 MB.
MIN_SHORT_SIDE = 300
MAX_ASPECT = 2.5
MAX_OUTPUT_BYTES = 10 * 1024 * 1024
# A file this large is refused before it is decoded (RunComfy recommends images of 50 MB at most).
MAX_INPUT_BYTES = 50 * 1024 * 1024
# Decompression-bomb guard: about an 8K x 5K photo; larger images are refused from the header alone.
MAX_PIXELS = 40_000_000
# The end image's aspect may differ from the start image's by this fraction before it is refused.
MATCH_TOLERANCE = 0.03
# Re-encoding tries these JPEG qualities in turn until the file fits MAX_OUTPUT_BYTES.
JPEG_QUALITIES = (95, 90, 85, 80, 70)
# The fetch check follows at most this many redirects, re-checking each hop.
MAX_CHECK_REDIRECTS = 3


def mb(size: int) -> str:
    """A byte count in megabytes for messages, e.g. ``12.3 MB``."""
    return f"{size / (1024 * 1024):.1f} MB"
