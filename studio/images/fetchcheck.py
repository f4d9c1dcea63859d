"""The fetch check: does an image URL answer an anonymous GET with a usable image?

:func:`check_public_image` is run on every image URL before a job is paid for: on a URL the
user pasted (the ``url`` host) and on what a host just published. Each hop passes the SSRF
guard (:mod:`studio.images.urlguard`) and is fetched through ``HttpClient.probe_public`` (the
public client, never the token) with a short timeout and a byte cap; redirects are followed a
few times, re-checked each time. It wants HTTP 200, an ``image/*`` type, a non-empty JPEG, PNG
or WebP body within the cap, and a picture whose size Kling accepts.
"""

from __future__ import annotations

import io
import warnings
from urllib.parse import urljoin

from PIL import Image

from studio.client.http import HttpClient
from studio.errors import NetworkError, UploadError
from studio.images.geometry import size_problems
from studio.images.limits import ACCEPTED_FORMATS, MAX_CHECK_REDIRECTS, MAX_PIXELS, mb
from studio.images.sniff import refusal, sniff
from studio.images.urlguard import Resolver, vet_url

__all__ = ["check_public_image"]

_REDIRECTS = (301, 302, 303, 307, 308)
_STATUS_HINTS = {
    401: "it needs a login, so RunComfy could not fetch it either",
    403: "access is denied (a private file, or a signed link that expired or was altered)",
    404: "nothing is there (the link is wrong or the file was deleted)",
    410: "the file was deleted",
}


async def check_public_image(
    http: HttpClient,
    url: str,
    *,
    allow_http_hosts: tuple[str, ...] = (),
    field: str = "image URL",
    resolver: Resolver | None = None,
) -> None:
    """Raise UploadError (naming ``field``) unless ``url`` serves a usable image anonymously."""
    cap = http.settings.image_check_cap_bytes
    current = url.strip()
    for _ in range(MAX_CHECK_REDIRECTS + 1):
        vetted = await vet_url(current, field=field, allow_http_hosts=allow_http_hosts, resolver=resolver)
        try:
            probe = await http.probe_public(
                current, cap_bytes=cap, timeout=http.settings.image_check_timeout, connect_to=vetted.connect_to
            )
        except NetworkError as exc:
            raise UploadError(f"{field}: {exc}; check that the link opens in a private browser window") from None
        if probe.status in _REDIRECTS and probe.location:
            current = urljoin(current, probe.location)
            continue
        host = vetted.host
        if probe.status != 200:
            hint = _STATUS_HINTS.get(probe.status, "it must answer 200 to an anonymous request")
            raise UploadError(f"{field}: {host} answered HTTP {probe.status}; {hint}")
        kind = probe.content_type.split(";", 1)[0].strip().lower()
        if not kind.startswith("image/"):
            raise UploadError(
                f"{field}: {host} answered with {kind or 'no content type'}, not an image; use the image's "
                "own address (right-click the picture, Copy image address)"
            )
        if probe.over_cap or (probe.content_length or 0) > cap:
            raise UploadError(f"{field}: the image is larger than {mb(cap)}; use a smaller image")
        if not probe.body:
            raise UploadError(f"{field}: {host} answered with an empty file")
        _check_picture(probe.body, field)
        return
    raise UploadError(f"{field}: too many redirects (more than {MAX_CHECK_REDIRECTS}); use the image's final address")


def _check_picture(data: bytes, field: str) -> None:
    """The bytes must be a JPEG, PNG or WebP whose header declares a size Kling accepts."""
    kind = sniff(data[:512])
    if kind not in ACCEPTED_FORMATS:
        raise UploadError(f"{field}: the file at that address is not usable: {refusal(kind)}")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                width, height = image.size
        except Exception:  # any decoder complaint: the bytes are not a readable image
            raise UploadError(f"{field}: the file at that address is damaged or not really a {kind}") from None
    if width * height > MAX_PIXELS:
        raise UploadError(f"{field}: the image is {width:,}×{height:,} px, too large; use a smaller image")
    problems = size_problems(width, height)
    if problems:
        raise UploadError(f"{field}: the image " + "; ".join(problems))
