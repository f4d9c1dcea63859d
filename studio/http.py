"""The one HTTP layer: with :mod:`studio.http_transport` (its socket-level transport for
public hosts), the only module that imports httpx.

Two ``httpx.AsyncClient``s, created once: one for the RunComfy API, one for public hosts
(result downloads, image checks); a download's bytes reach the disk through
:class:`studio.filewriter.FileWriter`. The token is attached per request, and only when the
URL's origin is the configured API or account host, so it can never reach a file host or a
foreign ``result_url``. Every call has explicit timeouts; reads are retried per
:mod:`studio.retry`; every failure leaves as a :mod:`studio.errors` class. One INFO log line per request (method, path, status,
attempt); headers, bodies and query strings are never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import urljoin, urlsplit

import httpx

from .config import Settings
from .downloads import safe_filename, unique_path
from .filewriter import FileWriter, open_partial, remove_dead_partials, sync_directory
from .errors import (
    ApiError,
    DownloadError,
    NetworkError,
    RequestTimeout,
    StudioError,
    SubmitUnknown,
    UploadError,
    error_for_status,
)
from .http_transport import bulk_read_mounts
from .retry import CallKind, Failure, parse_retry_after, retry_delay, should_retry

__all__ = ["HttpClient", "PublicProbe", "USER_AGENT", "ProgressFn"]

USER_AGENT = "kling-studio/0.1"
log = logging.getLogger("studio.http")
_UNREADABLE = object()
_MAX_REDIRECTS = 5

ProgressFn = Callable[[int, "int | None"], None]


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


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


_JOB_FAILED_WORDS = ("failed", "error")


def _embedded_error_status(body: Any) -> int | None:
    """The HTTP status implied by an ``error_code`` inside a 2xx body, or None if there is none."""
    if not isinstance(body, dict):
        return None
    status = body.get("status")
    if isinstance(status, str) and status.strip().lower() in _JOB_FAILED_WORDS:
        # A job's own failure (``/result`` answering ``{"status": "failed", "error_code": …}``)
        # is the job's answer, not a failed call: the job ends with RunComfy's reason.
        return None
    code = body.get("error_code")
    if code in (None, 0, "", "0") or isinstance(code, bool):
        return None
    text = str(code)
    return int(text[:3]) if len(text) == 6 and text.isdigit() and text[0] in "2345" else 400


class HttpClient:
    """Async HTTP for the studio: API calls with retries, and capped streaming downloads."""

    def __init__(
        self,
        settings: Settings,
        token: str | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        public_transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._jitter = jitter
        self._clock = clock
        self._auth = {"Authorization": f"Bearer {token}"} if token else {}
        self._trusted = {_origin(settings.api_base), _origin(settings.account_base)}
        timeout = httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.pool_timeout,
        )
        headers = {"User-Agent": USER_AGENT}
        self._api = httpx.AsyncClient(
            timeout=timeout, transport=transport, headers={**headers, "Accept": "application/json"}
        )
        self._public_transport = public_transport
        self._public = self._public_client()

    def _public_client(self) -> httpx.AsyncClient:
        """A client for public hosts (downloads, image checks): no token, no redirects followed."""
        settings = self.settings
        return httpx.AsyncClient(
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.download_read_timeout,
                write=settings.read_timeout,
                pool=settings.pool_timeout,
            ),
            transport=self._public_transport,
            # Downloads and image checks read the socket in big pieces (see studio.http_transport);
            # a transport passed in (tests) serves everything.
            mounts=None if self._public_transport is not None else bulk_read_mounts(),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"HttpClient(api_base={self.settings.api_base!r}, token={'set' if self._auth else 'none'})"

    async def aclose(self) -> None:
        await self._api.aclose()
        await self._public.aclose()

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @property
    def has_token(self) -> bool:
        return bool(self._auth)

    def _headers_for(self, url: str) -> dict[str, str]:
        return dict(self._auth) if _origin(url) in self._trusted else {}

    def _delay(self, attempt: int, retry_after: float | None = None) -> float | None:
        s = self.settings
        if attempt > s.max_retries:
            return None
        return retry_delay(
            attempt,
            retry_after,
            base=s.backoff_base,
            cap=s.backoff_cap,
            max_retry_after=s.max_retry_after,
            jitter=self._jitter(),
        )

    async def call(
        self,
        method: str,
        url: str,
        *,
        kind: CallKind,
        json: Any = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        """Send one API request and return its JSON body, retrying as the policy allows.

        Raises:
            ApiError: (a subclass per status) when the API answered with an error.
            SubmitUnknown: a submit that may or may not have been accepted.
            NetworkError / RequestTimeout: a read that could not be completed.
        """
        timeout = self.settings.submit_timeout if kind == "submit" else self.settings.read_timeout
        path = urlsplit(url).path
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._api.request(
                    method,
                    url,
                    json=json,
                    params=params,
                    headers=self._headers_for(url),
                    timeout=httpx.Timeout(timeout, connect=self.settings.connect_timeout, pool=self.settings.pool_timeout),
                )
            except httpx.TransportError as exc:
                failure = _classify(exc)
                log.info("HTTP %s %s failed (%s) attempt=%d", method, path, failure, attempt)
                delay = self._delay(attempt) if should_retry(kind, failure=failure) else None
                if delay is None:
                    raise self._transport_error(kind, failure, url) from None
                await self._sleep(delay)
                continue
            log.info("HTTP %s %s %d attempt=%d", method, path, response.status_code, attempt)
            body = _json_or_unreadable(response)
            status = response.status_code
            if status < 400 and body is not _UNREADABLE:
                status = _embedded_error_status(body) or status
            if status >= 400:
                retry_after = parse_retry_after(response.headers.get("Retry-After"), self._clock())
                error = error_for_status(
                    status, None if body is _UNREADABLE else body, retry_after=retry_after
                )
                delay = self._delay(attempt, retry_after) if should_retry(kind, status=status) else None
                if delay is None:
                    raise self._final(kind, error)
                log.debug("retrying %s %s in %.2f s after HTTP %d", method, path, delay, status)
                await self._sleep(delay)
                continue
            if body is _UNREADABLE:
                if kind == "submit":
                    raise SubmitUnknown("the answer could not be read")
                delay = self._delay(attempt)
                if delay is None:
                    raise ApiError(
                        f"RunComfy answered {path} with a body that is not JSON", status_code=status
                    )
                await self._sleep(delay)
                continue
            return body

    @staticmethod
    def _final(kind: CallKind, error: ApiError) -> StudioError:
        if kind == "submit" and error.status_code >= 500:
            error.args = (
                f"{error.args[0]}. The submit was not retried: RunComfy may have accepted it, so "
                "check your dashboard before submitting again",
            )
        return error

    def _transport_error(self, kind: CallKind, failure: Failure, url: str) -> StudioError:
        host = urlsplit(url).hostname or url
        if kind == "submit" and failure != "not_sent":
            reason = "no answer in time" if failure == "timeout" else "the connection broke"
            return SubmitUnknown(reason, timeout=failure == "timeout")
        if failure == "timeout":
            return RequestTimeout(f"{host} did not answer in time")
        return NetworkError(f"could not reach {host} (the connection failed or broke)")

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
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._public.put(url, content=data, headers=headers)
            except httpx.TransportError as exc:
                failure = _classify(exc)
                log.info("HTTP PUT %s failed (%s) attempt=%d", parts.path, failure, attempt)
                delay = self._delay(attempt) if should_retry("read", failure=failure) else None
                if delay is None:
                    raise self._transport_error("read", failure, url) from None
                await self._sleep(delay)
                continue
            log.info("HTTP PUT %s %d attempt=%d", parts.path, response.status_code, attempt)
            if response.status_code < 300:
                body = _json_or_unreadable(response)
                return None if body is _UNREADABLE else body
            delay = self._delay(attempt) if should_retry("read", status=response.status_code) else None
            if delay is None:
                raise UploadError(f"the upload to {parts.hostname} answered HTTP {response.status_code}")
            await self._sleep(delay)

    async def download(
        self,
        url: str,
        directory: Path,
        *,
        allowed: Callable[[str], bool],
        on_progress: ProgressFn | None = None,
    ) -> Path:
        """Stream ``url`` into ``directory`` under its sanitised name; returns the final path.

        Never sends the token. Checks ``allowed`` on the URL and on every redirect, refuses a
        ``Content-Length`` over the cap and aborts past it mid-stream, writes to a temporary
        file (from a worker thread, see :class:`FileWriter`) and renames it only when complete
        and fsynced. Transient failures are retried as reads.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._download_once(url, directory, allowed, on_progress)
            except (httpx.TransportError, _Retryable) as exc:
                retry_after = exc.retry_after if isinstance(exc, _Retryable) else None
                delay = self._delay(attempt, retry_after)
                if delay is None:
                    if isinstance(exc, _Retryable):
                        raise DownloadError(str(exc)) from None
                    raise DownloadError(
                        f"download from {urlsplit(url).hostname} failed: the connection broke or timed out"
                    ) from None
                await self._sleep(delay)

    async def _download_once(
        self, url: str, directory: Path, allowed: Callable[[str], bool], on_progress: ProgressFn | None
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
                        raise _Retryable(f"download from {host} answered HTTP {response.status_code}", ra)
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
                return await self._write(response, current, directory, length, cap, on_progress)
        raise DownloadError(f"too many redirects downloading from {urlsplit(url).hostname}")

    async def _write(
        self,
        response: httpx.Response,
        url: str,
        directory: Path,
        length: int | None,
        cap: int,
        on_progress: ProgressFn | None,
    ) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        name = safe_filename(url)
        remove_dead_partials(directory, name)  # what a killed earlier attempt left behind
        partial, f = open_partial(directory, name)
        # Raw bytes when nothing is encoded (no re-chunking); a body already read (tests) or an
        # encoded one goes through the decoder.
        raw = response.headers.get("Content-Encoding", "identity") == "identity" and not response.is_stream_consumed
        chunks = response.aiter_raw() if raw else response.aiter_bytes()
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
                raise _Retryable(f"the download stopped at {total:,} of {length:,} bytes", None)
            if total == 0:
                raise DownloadError("the result file is empty")
            final = unique_path(directory, name)
            os.replace(partial, final)  # still locked, so no other studio takes it for a leftover
            f.close()
            await asyncio.to_thread(sync_directory, directory)  # the rename itself survives a crash too
            return final
        finally:
            writer.then(f.close)
            if partial.exists():
                partial.unlink()


class _Retryable(Exception):
    """A download failure worth another attempt (truncation, 5xx, 429)."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


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
