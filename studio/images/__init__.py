"""Start and end images: preflight, privacy, and publishing to a public URL host.

Image-to-video needs an https URL that RunComfy can fetch; users have files. This package
closes that gap without leaking anything or paying for a broken link:

- :func:`prepare_image` checks and cleans a file (format, decoding, bombs, orientation, colour,
  Kling's size rules, optional crop or pad, end-versus-start shape) and re-encodes it with no
  metadata into a :class:`PreparedImage`;
- an :class:`ImageHost` chosen by :func:`host_from_settings` publishes it (``s3``, ``space``,
  ``url``, ``simulator``);
- :func:`check_public_image` (also run by :func:`publish_checked`) confirms a URL serves the
  image to an anonymous GET, behind an SSRF guard.

Every refusal is an :class:`~studio.errors.UploadError` whose message starts with the field
("start image: ...") and says what to do.
"""

from __future__ import annotations

from studio.images.fetchcheck import check_public_image
from studio.images.hosts import (
    NO_HOST_HINT,
    ImageHost,
    PastedUrlHost,
    SimulatorHost,
    host_from_settings,
    publish_checked,
)
from studio.images.prepare import Fit, PreparedImage, Role, prepare_image
from studio.images.s3host import S3Host
from studio.images.spacehost import SpaceHost
from studio.images.urlguard import Resolver, system_resolver

__all__ = [
    "PreparedImage",
    "prepare_image",
    "Fit",
    "Role",
    "ImageHost",
    "host_from_settings",
    "publish_checked",
    "check_public_image",
    "NO_HOST_HINT",
    "S3Host",
    "SpaceHost",
    "PastedUrlHost",
    "SimulatorHost",
    "Resolver",
    "system_resolver",
]
