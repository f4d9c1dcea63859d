"""A start or end image checked the moment it is uploaded, not when Generate is clicked.

A file that is not a picture the studio can read (a text file renamed ``.jpg``, an SVG, an
empty file, a decompression bomb, a damaged PNG) is refused with the message Generate would
give ("start image: …", in the visitor's language) and taken out of the form, so the page
never keeps a broken picture with Generate on. The check is
:func:`~studio.images.decode.load_image`, the same reading a submit does; shape and size rules
that cropping or padding can still fix wait for the submit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from studio.images.decode import load_image
from studio.ui.guard import uploaded_path
from studio.ui.messages import refusing

__all__ = ["image_check", "CLEAR_ON_REFUSAL_JS"]

# Run in the browser when the check refuses: the image component's value becomes empty.
CLEAR_ON_REFUSAL_JS = "() => null"


def image_check(field: str) -> Callable[[Any], None]:
    """The upload event of the image named ``field`` ("start image"): raises the refusal, or
    returns nothing (the upload stays as it is)."""

    @refusing
    def check(value: Any) -> None:
        path = uploaded_path(value, field)
        if path is not None:
            load_image(path, field).image.close()

    check.__name__ = f"check_{field.replace(' ', '_')}"
    return check
