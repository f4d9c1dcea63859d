"""Public URL hosts for start and end images: the interface, the choice, and publish-then-check.

An :class:`ImageHost` turns a :class:`PreparedImage` into a URL RunComfy can fetch. The hosts
are ``s3`` (:class:`~studio.images.s3host.S3Host`), ``space``
(:class:`~studio.images.spacehost.SpaceHost`), ``url`` (:class:`PastedUrlHost`: the user pastes
a link instead of uploading a file) and ``simulator`` (:class:`SimulatorHost`, offline mode).
:func:`host_from_settings` picks one from :class:`~studio.config.Settings`; when it returns
None in live mode, :data:`NO_HOST_HINT` is the sentence to show. :func:`publish_checked`
publishes and then runs the fetch check, so no job is paid for with a broken link.
"""

from __future__ import annotations

import secrets
from typing import Protocol, runtime_checkable

from studio.client.http import HttpClient
from studio.config import Settings
from studio.errors import ConfigError, NetworkError, UploadError
from studio.images.fetchcheck import check_public_image
from studio.images.prepare import PreparedImage
from studio.images.s3host import S3Host
from studio.images.spacehost import SpaceHost, public_base
from studio.images.urlguard import Resolver

__all__ = [
    "ImageHost",
    "PastedUrlHost",
    "SimulatorHost",
    "NO_HOST_HINT",
    "host_from_settings",
    "publish_checked",
]

NO_HOST_HINT = (
    "To animate a file from your computer the studio needs somewhere public to put it: set "
    "STUDIO_IMAGE_HOST=s3 with STUDIO_S3_ENDPOINT_URL, STUDIO_S3_BUCKET, STUDIO_S3_ACCESS_KEY_ID and "
    "STUDIO_S3_SECRET_ACCESS_KEY (AWS S3, Cloudflare R2, Backblaze B2 or MinIO), run the studio on a "
    "public Hugging Face Space with STUDIO_IMAGE_HOST=space, or set STUDIO_IMAGE_HOST=url and paste "
    "a public https:// image link."
)


@runtime_checkable
class ImageHost(Protocol):
    """Publishes a prepared image and returns a URL RunComfy can fetch (optionally ``aclose()``)."""

    name: str

    async def publish(self, image: PreparedImage) -> str: ...


class PastedUrlHost:
    """The ``url`` host: files are not published; the user pastes a link, checked before paying."""

    name = "url"
    unreachable_hint = "open the link in a private browser window to see what RunComfy would get"

    async def publish(self, image: PreparedImage) -> str:
        raise UploadError(
            f"{image.role} image: this studio takes image links, not files (STUDIO_IMAGE_HOST=url); paste a "
            "public https:// link to the image"
        )


class SimulatorHost:
    """Offline mode: PUTs the image to the local simulator's ``/uploads/`` and returns its URL."""

    name = "simulator"
    unreachable_hint = "is the local simulator still running?"

    def __init__(self, http: HttpClient, base_url: str) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")

    def __repr__(self) -> str:
        return f"SimulatorHost(base_url={self.base_url!r})"

    async def publish(self, image: PreparedImage) -> str:
        url = f"{self.base_url}/uploads/{secrets.token_hex(16)}.{image.extension}"
        data = image.path.read_bytes()
        try:
            await self.http.put_bytes(url, data, content_type=image.content_type)
        except UploadError as exc:
            raise UploadError(f"{image.role} image: {exc}") from None
        except NetworkError as exc:
            raise UploadError(f"{image.role} image: the local upload host did not answer ({exc}); restart the studio") from None
        return url


def host_from_settings(
    settings: Settings, http: HttpClient, *, simulator_base: str | None = None, app_uses_auth: bool = False
) -> ImageHost | None:
    """The image host ``settings.image_host`` names; None when there is none (see NO_HOST_HINT).

    With no host named, offline mode (``backend="offline"`` and a ``simulator_base``) uses the
    simulator. Raises ConfigError naming the variable that is missing or wrong.
    """
    choice = settings.image_host
    if choice == "s3":
        return S3Host(settings)
    if choice == "space":
        return SpaceHost(public_base(settings), settings.public_images_dir, app_uses_auth=app_uses_auth)
    if choice == "url":
        return PastedUrlHost()
    if choice == "simulator" or (not choice and settings.backend == "offline" and simulator_base):
        if not simulator_base:
            raise ConfigError("STUDIO_IMAGE_HOST=simulator works only in offline mode, with the simulator running")
        return SimulatorHost(http, simulator_base)
    if choice:
        raise ConfigError(f"STUDIO_IMAGE_HOST: {choice!r} is not one of s3, space, url, simulator")
    return None


async def publish_checked(
    host: ImageHost,
    image: PreparedImage,
    http: HttpClient,
    *,
    allow_http_hosts: tuple[str, ...] = (),
    resolver: Resolver | None = None,
) -> str:
    """Publish ``image`` and confirm the URL is fetchable anonymously; the URL, or UploadError."""
    url = await host.publish(image)
    field = f"{image.role} image"
    try:
        await check_public_image(http, url, allow_http_hosts=allow_http_hosts, field=field, resolver=resolver)
    except UploadError as exc:
        hint = getattr(host, "unreachable_hint", "")
        message = str(exc).replace(f"{field}: ", f"{field}: published to {host.name}, but ", 1)
        raise UploadError(f"{message}{'; ' + hint if hint else ''}") from None
    return url
