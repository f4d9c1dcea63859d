"""The ``space`` image host: on a public Hugging Face Space, the app serves the image itself.

:class:`SpaceHost` copies a prepared image under a random name into :attr:`SpaceHost.served_dir`
and returns its Gradio file URL, ``{public base}/gradio_api/file=<path>``. The public base is
``STUDIO_PUBLIC_BASE_URL`` if set, else ``https://`` + the first entry of ``SPACE_HOST``. The UI
lists ``served_dir`` (and nothing else of the data folder) in ``allowed_paths``
(:func:`studio.ui.server.published_images_folder`). A private Space, or an app behind a
login, cannot serve RunComfy: publishing refuses up front when the app uses auth, and the fetch
check that follows every publish catches a private Space (its hint says what to do).
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
from pathlib import Path
from urllib.parse import quote

from studio.config import Settings
from studio.domain.validation import host_allowed
from studio.errors import ConfigError, UploadError
from studio.images.prepare import PreparedImage

__all__ = ["SpaceHost", "public_base"]

_AUTH_REFUSAL = (
    "the app asks for a login, so its file links are not public and RunComfy cannot fetch them; "
    "set STUDIO_IMAGE_HOST=s3 (or paste a public image link) instead"
)


def public_base(settings: Settings) -> str:
    """The app's public https base URL; raises ConfigError when none is configured."""
    base = settings.public_base_url or (f"https://{settings.space_host}" if settings.space_host else "")
    if not base:
        raise ConfigError(
            "STUDIO_IMAGE_HOST=space works on a Hugging Face Space (which sets SPACE_HOST); elsewhere set "
            "STUDIO_PUBLIC_BASE_URL to the app's public https:// address"
        )
    # http only for an exact host the configuration trusts (STUDIO_HTTP_IMAGE_HOSTS: a local test).
    if not base.startswith("https://") and not (base.startswith("http://") and host_allowed(base, settings.http_image_hosts)):
        raise ConfigError("STUDIO_PUBLIC_BASE_URL must start with https:// (RunComfy only fetches https links)")
    return base.rstrip("/")


class SpaceHost:
    """Serves prepared images from the app's own public file route."""

    name = "space"
    unreachable_hint = (
        "a private Space (or an app with a login) cannot serve RunComfy; make the Space public, "
        "or set STUDIO_IMAGE_HOST=s3"
    )

    def __init__(self, base_url: str, served_dir: Path, *, app_uses_auth: bool = False) -> None:
        self.base_url = base_url.rstrip("/")
        self.served_dir = Path(served_dir).resolve()
        self.app_uses_auth = app_uses_auth

    def __repr__(self) -> str:
        return f"SpaceHost(base_url={self.base_url!r}, served_dir={str(self.served_dir)!r})"

    async def publish(self, image: PreparedImage) -> str:
        """Copy ``image`` into the served folder under a random name; its public Gradio file URL."""
        if self.app_uses_auth:
            raise UploadError(f"{image.role} image: {_AUTH_REFUSAL}")
        target = self.served_dir / f"{secrets.token_hex(16)}.{image.extension}"
        try:
            await asyncio.to_thread(self._copy, image.path, target)
        except OSError:
            raise UploadError(f"{image.role} image: could not store the file for the app to serve; try again") from None
        return f"{self.base_url}/gradio_api/file={quote(str(target), safe='/')}"

    def _copy(self, source: Path, target: Path) -> None:
        self.served_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
