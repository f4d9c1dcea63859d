"""Calls to public hosts, for :class:`~studio.client.http.HttpClient`: the image fetch check, uploads
with PUT, and capped, durable result downloads. Never with the API token.

A mixin of the one HTTP layer (``HttpClient`` inherits it), kept apart from the API calls so
each module has one concern: this one owns what crosses to file hosts and the disk.
"""


from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import httpx

from studio.client.downloads import safe_filename, unique_path
from studio.client.retry import AttemptFailed, CallKind, Failure, parse_retry_after, should_retry
from studio.config import Settings
from studio.errors import (
    DownloadError,
    NetworkError,
    RequestTimeout,
    StudioError,
    UploadError,
)
from studio.media.filewriter import (
    FileWriter,
    open_partial,
    remove_dead_partials,
    sync_directory,
)

__all__ = ["PublicHostCalls", "PublicProbe", "ProgressFn"]

_MAX_REDIRECTS = 5
_CHUNK_BYTES = 1024 * 1024  # what a download hands the file writer at a time
_UNREADABLE = object()
log = logging.getLogger("studio.client.http")
T = TypeVar("T")


def _classify(exc: httpx.TransportError) -> Failure:
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return "not_sent"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    return "broken"


def _json_or_unreadable(response: httpx.Response) -> Any:
    if not response.content:
        return _UNREADABLE
    try:
        return response.json()
    except ValueError:
        return _UNREADABLE





ProgressFn = Callable[[int, "int | None"], None]


class PublicHostCalls:
    """The public-host half of :class:`~studio.client.http.HttpClient` (see there for the state it uses)."""

    # Provided by HttpClient (declared here so the mixin type-checks on its own).
    settings: Settings
    _public: httpx.AsyncClient
    _public_transport: httpx.AsyncBaseTransport | None
    _clock: Callable[[], float]

    def _public_client(self) -> httpx.AsyncClient:
        raise NotImplementedError

    def _headers_for(self, url: str) -> dict[str, str]:
        raise NotImplementedError

    async def _retrying(self, attempt: Callable[[int], Awaitable[T]], *, kind: CallKind, what: str) -> T:
        raise NotImplementedError

    def _transport_error(self, kind: CallKind, failure: Failure, url: str) -> StudioError:
        raise NotImplementedError

    async def probe_public(
        self, url: str, *, cap_bytes: int, timeout: float, connect_to: str | None = None
    ) -> PublicProbe:
        """One anonymous GET of a public URL: never the token, never a redirect followed.

        Reads at most ``cap_bytes`` of the body (``over_cap`` says there was more). ``connect_to``
        pins the connection to an IP address the caller has already checked, keeping the host
        name for TLS (SNI and certificate) and the Host header, so DNS cannot change between
        the check and the fetch. Raises NetworkError or RequestTimeout.
        """
        parts = urlsplit(url)
        target, headers, extensions = url, {}, {}
        if connect_to:
            ip = f"[{connect_to}]" if ":" in connect_to else connect_to
            netloc = ip if parts.port is None else f"{ip}:{parts.port}"
            target = parts._replace(netloc=netloc).geturl()
            headers["Host"] = parts.netloc.rsplit("@", 1)[-1]
            if parts.scheme == "https":
                extensions["sni_hostname"] = parts.hostname or ""
        limit = httpx.Timeout(timeout, pool=self.settings.pool_timeout)
        body, over = bytearray(), False
        # A pinned fetch gets a connection of its own: a pooled one to the same address may have
        # been verified for another host name, and would be reused without a new TLS handshake.
        own = connect_to is not None and self._public_transport is None
        try:
            async with self._public_client() if own else contextlib.nullcontext(self._public) as client, client.stream(
                "GET", target, headers=headers, timeout=limit, extensions=extensions
            ) as response:
                log.info("HTTP GET %s %d (image check)", parts.path, response.status_code)
                if response.status_code == 200:
                    async for chunk in response.aiter_bytes():
                        body.extend(chunk)
                        if len(body) > cap_bytes:
                            over = True
                            break
                return PublicProbe(
                    status=response.status_code,
                    content_type=response.headers.get("Content-Type", ""),
                    content_length=_int_or_none(response.headers.get("Content-Length")),
                    location=response.headers.get("Location"),
                    body=bytes(body[:cap_bytes]),
                    over_cap=over,
                )
        except httpx.TransportError as exc:
            failure = _classify(exc)
            log.info("HTTP GET %s failed (%s, image check)", parts.path, failure)
            if failure == "timeout":
                raise RequestTimeout(f"{parts.hostname} did not answer in time") from None
            raise NetworkError(f"could not reach {parts.hostname} (the connection failed or broke)") from None

    async def put_bytes(self, url: str, data: bytes, *, content_type: str) -> Any:
        """PUT ``data`` to an upload URL; returns the JSON answer (or None) of a 2xx.

        The token goes along only when ``url`` is on the API's own origin (the offline
        simulator's upload route). A PUT to one key is idempotent, so it is retried as a read.
        Raises UploadError on an error status, NetworkError / RequestTimeout when unreachable.
        """
        parts = urlsplit(url)
        headers = {**self._headers_for(url), "Content-Type": content_type}

        async def once(attempt: int) -> Any:
            try:
                response = await self._public.put(url, content=data, headers=headers)
            except httpx.TransportError as exc:
                failure = _classify(exc)
                log.info("HTTP PUT %s failed (%s) attempt=%d", parts.path, failure, attempt)
                raise AttemptFailed(self._transport_error("read", failure, url), failure=failure) from None
            log.info("HTTP PUT %s %d attempt=%d", parts.path, response.status_code, attempt)
            if response.status_code < 300:
                body = _json_or_unreadable(response)
                return None if body is _UNREADABLE else body
            error = UploadError(f"the upload to {parts.hostname} answered HTTP {response.status_code}")
            raise AttemptFailed(error, status=response.status_code)

        return await self._retrying(once, kind="read", what=f"PUT {parts.path}")

    async def download(
        self,
        url: str,
        directory: Path,
        *,
        allowed: Callable[[str], bool],
        on_progress: ProgressFn | None = None,
        name: str | None = None,
    ) -> Path:
        """Stream ``url`` into ``directory`` under its sanitised name (``stem-1.ext``… when
        taken), or exactly ``name`` when the caller reserved one; returns the final path.

        Never sends the token. Checks ``allowed`` on the URL and on every redirect, refuses a
        ``Content-Length`` over the cap and aborts past it mid-stream, writes to a temporary
        file (from a worker thread, see :class:`FileWriter`) and renames it only when complete
        and fsynced. Transient failures are retried as reads.
        """

        async def once(attempt: int) -> Path:
            try:
                return await self._download_once(url, directory, allowed, on_progress, name)
            except httpx.TransportError as exc:
                error = DownloadError(f"download from {urlsplit(url).hostname} failed: the connection broke or timed out")
                raise AttemptFailed(error, failure=_classify(exc)) from None

        return await self._retrying(once, kind="read", what=f"download of {urlsplit(url).path}")

    async def _download_once(
        self, url: str, directory: Path, allowed: Callable[[str], bool], on_progress: ProgressFn | None, name: str | None
    ) -> Path:
        cap = self.settings.download_cap_bytes
        current = url
        for _ in range(_MAX_REDIRECTS + 1):
            host = urlsplit(current).hostname or "?"
            if not allowed(current):
                raise DownloadError(f"refused to download from {host}: not a RunComfy file host")
            async with self._public.stream("GET", current) as response:
                log.info("HTTP GET %s %d (download)", urlsplit(current).path, response.status_code)
                if response.is_redirect:
                    current = urljoin(current, response.headers.get("Location", ""))
                    continue
                if response.status_code != 200:
                    if should_retry("read", status=response.status_code):
                        ra = parse_retry_after(response.headers.get("Retry-After"), self._clock())
                        error = DownloadError(f"download from {host} answered HTTP {response.status_code}")
                        raise AttemptFailed(error, status=response.status_code, retry_after=ra)
                    raise DownloadError(
                        f"download from {host} answered HTTP {response.status_code} "
                        "(the link may have expired)"
                    )
                length_header = response.headers.get("Content-Length")
                length = int(length_header) if length_header and length_header.isdigit() else None
                if length is not None and length > cap:
                    raise DownloadError(f"refused: the file is {length:,} bytes, over the {cap:,}-byte cap")
                if response.headers.get("Content-Encoding", "identity") != "identity":
                    length = None  # the header counts encoded bytes; the cap still holds
                return await self._write(response, current, directory, length, cap, on_progress, name)
        raise DownloadError(f"too many redirects downloading from {urlsplit(url).hostname}")

    async def _write(
        self,
        response: httpx.Response,
        url: str,
        directory: Path,
        length: int | None,
        cap: int,
        on_progress: ProgressFn | None,
        reserved: str | None = None,
    ) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        name = safe_filename(reserved or url)
        remove_dead_partials(directory, name)  # what a killed earlier attempt left behind
        partial, f = open_partial(directory, name)
        # httpx's stream, gathered into large chunks: the writer thread, the cap check and the
        # progress callback see a few per megabyte, not one per socket read. Raw bytes when
        # nothing is encoded; a body already read (tests) or an encoded one goes through the decoder.
        raw = response.headers.get("Content-Encoding", "identity") == "identity" and not response.is_stream_consumed
        chunks = response.aiter_raw(_CHUNK_BYTES) if raw else response.aiter_bytes(_CHUNK_BYTES)
        total = 0
        writer = FileWriter(f.fileno())
        try:
            async for chunk in chunks:
                total += len(chunk)
                if total > cap:
                    raise DownloadError(f"aborted: the file passed the {cap:,}-byte cap")
                await writer.add(chunk)  # two batches in memory at most: constant memory
                if on_progress is not None:
                    on_progress(total, length)
            # Durable before it is called done: a paid video must survive a crash.
            await writer.finish()
            if length is not None and total != length:
                raise AttemptFailed(DownloadError(f"the download stopped at {total:,} of {length:,} bytes"), failure="broken")
            if total == 0:
                raise DownloadError("the result file is empty")
            final = directory / name if reserved else unique_path(directory, name)
            os.replace(partial, final)  # still locked, so no other studio takes it for a leftover
            f.close()
            await asyncio.to_thread(sync_directory, directory)  # the rename itself survives a crash too
            return final
        finally:
            writer.then(f.close)
            if partial.exists():
                partial.unlink()


@dataclass(frozen=True)
class PublicProbe:
    """What a public URL answered to :meth:`HttpClient.probe_public` (body cut at the cap)."""

    status: int
    content_type: str
    content_length: int | None
    location: str | None
    body: bytes
    over_cap: bool


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None
