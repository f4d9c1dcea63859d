"""Local image file → checked, cleaned, published URL: one step shared by the studio's callers.

Wraps :func:`studio.images.prepare_image` and :func:`studio.images.publish_checked` with the
image host the settings choose (the simulator's upload host in offline mode), created once.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from studio.client.http import HttpClient
from studio.config import Settings
from studio.errors import UploadError
from studio.images import (
    NO_HOST_HINT,
    PreparedImage,
    host_from_settings,
    prepare_image,
    publish_checked,
)

__all__ = ["Publisher"]


class Publisher:
    """Prepares and publishes images for one studio."""

    def __init__(self, settings: Settings, http: HttpClient, *, simulator_base: str | None = None) -> None:
        self.settings = settings
        self.http = http
        self._simulator_base = simulator_base
        self._host: Any = None

    def _image_host(self) -> Any:
        if self._host is None:
            self._host = host_from_settings(self.settings, self.http, simulator_base=self._simulator_base)
        if self._host is None:
            raise UploadError(f"start image: {NO_HOST_HINT}")
        return self._host

    async def publish(
        self,
        path: Path,
        *,
        role: str,
        out_dir: Path,
        fit: str = "none",
        aspect_ratio: str | None = None,
        match: PreparedImage | None = None,
    ) -> tuple[str, PreparedImage]:
        """The public URL of a checked, metadata-free copy of ``path``, and that copy.

        ``fit`` ("crop" or "pad") reshapes the image to ``aspect_ratio``; an end image with no
        ratio follows ``match``, the prepared start image.
        """
        host = self._image_host()
        prepared = await asyncio.to_thread(
            prepare_image, path, role=role, out_dir=out_dir, fit=fit, aspect_ratio=aspect_ratio, match=match  # type: ignore[arg-type]
        )
        url = await publish_checked(host, prepared, self.http, allow_http_hosts=self.settings.http_image_hosts)
        return url, prepared
