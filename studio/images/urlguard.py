"""The SSRF guard for image URLs: form, DNS and address checks before anything is fetched.

:func:`vet_url` accepts only https URLs without credentials (http only for the exact hosts the
configuration allows, such as the offline simulator), resolves the host with an injectable
resolver (:func:`system_resolver` by default) and refuses loopback, private, link-local,
multicast, reserved and unspecified addresses, including IPv4 hidden inside IPv6. It returns
the address to connect to, so the fetch that follows cannot be sent elsewhere by a second DNS
answer. No HTTP here; :mod:`studio.images.fetchcheck` does the fetching through ``studio.client.http``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from studio.domain.validation import check_image_url, host_allowed
from studio.errors import UploadError

__all__ = ["Resolver", "Vetted", "system_resolver", "address_problem", "vet_url"]

Resolver = Callable[[str, int], Awaitable[list[str]]]  # (host, port) -> IP addresses as text


@dataclass(frozen=True)
class Vetted:
    """A URL that passed the guard: its host and the checked address to connect to (None: any)."""

    url: str
    host: str
    connect_to: str | None


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, via the event loop's ``getaddrinfo``."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def address_problem(text: str) -> str | None:
    """Why an address must not be fetched from (loopback, private ...), or None if it is public."""
    try:
        addr: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(addr, ipaddress.IPv6Address):
        embedded = addr.ipv4_mapped or addr.sixtofour or (addr.teredo[1] if addr.teredo else None)
        if embedded is not None:
            inner = address_problem(str(embedded))
            if inner:
                return inner
    checks = (
        (addr.is_loopback, "a loopback address (this machine)"),
        (addr.is_link_local, "a link-local address (where cloud metadata services live)"),
        (addr.is_unspecified, "an unspecified address"),
        (addr.is_multicast, "a multicast address"),
        (addr.is_reserved, "a reserved address"),
        (addr.is_private, "a private network address"),
    )
    for hit, why in checks:
        if hit:
            return why
    return None if addr.is_global else "not a public internet address"


def _literal_ip(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        return None


async def vet_url(
    url: str, *, field: str, allow_http_hosts: tuple[str, ...] = (), resolver: Resolver | None = None
) -> Vetted:
    """Check ``url``'s form and every address of its host; raises UploadError naming ``field``."""
    reason = check_image_url(url, allow_http_hosts)
    if reason:
        raise UploadError(f"{field}: {reason}")
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise UploadError(f"{field}: has an invalid port number") from None
    if parts.scheme.lower() == "http" and host_allowed(url, allow_http_hosts):
        # Trusted by configuration (the offline simulator's own host and port), over http only.
        return Vetted(url.strip(), host, None)
    literal = _literal_ip(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = await (resolver or system_resolver)(host, port)
        except (OSError, UnicodeError):
            raise UploadError(f"{field}: the host {host} could not be found; check the link") from None
        if not addresses:
            raise UploadError(f"{field}: the host {host} could not be found; check the link")
    for address in addresses:
        problem = address_problem(address)
        if problem:
            shown = address if literal is not None else f"{host} resolves to {address}, which"
            raise UploadError(
                f"{field}: {shown} is {problem}; the studio only fetches images from public "
                "internet hosts, so use a public https:// link"
            )
    # Every address is public; connect over IPv4 when there is one (IPv6 routes are often missing).
    return Vetted(url.strip(), host, next((a for a in addresses if ":" not in a), addresses[0]))
