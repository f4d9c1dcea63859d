"""The one HTTP layer: with :mod:`studio.client.http_public` (its calls to public hosts), the only
module that imports httpx, used as shipped (its own transport, pool and TLS).

Two ``httpx.AsyncClient``s, created once: one for the RunComfy API, one for public hosts
(result downloads, image checks); a download's bytes reach the disk through
:class:`studio.media.filewriter.FileWriter`. The token is attached per request, and only when the
URL's origin is the configured API or account host, so it can never reach a file host or a
foreign ``result_url``. Every call has explicit timeouts; every retry (API calls, uploads,
downloads) goes through the one loop, :func:`studio.client.retry.retrying`, with the sleep, jitter
and clock given to :class:`HttpClient`; every failure leaves as a :mod:`studio.errors` class. One
INFO log line per request (method, path, status, attempt); headers, bodies and query strings are
never logged.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from studio.client.retry import (
    AttemptFailed,
    CallKind,
    Failure,
    RetryPolicy,
    parse_retry_after,
    retrying,
)
from studio.config import Settings
from studio.errors import (
    ApiError,
    NetworkError,
    RequestTimeout,
    StudioError,
    SubmitUnknown,
    error_for_status,
)

__all__ = ["HttpClient", "PublicProbe", "USER_AGENT", "ProgressFn"]

from studio.client.http_public import (
    _UNREADABLE,
    ProgressFn,
    PublicHostCalls,
    PublicProbe,
    _classify,
    _json_or_unreadable,
)

USER_AGENT = "kling-studio/0.1"
log = logging.getLogger("studio.client.http")
T = TypeVar("T")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


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


class HttpClient(PublicHostCalls):
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

    async def _retrying(self, attempt: Callable[[int], Awaitable[T]], *, kind: CallKind, what: str) -> T:
        """``attempt`` run through :func:`studio.client.retry.retrying` with this client's policy,
        sleep and jitter."""
        return await retrying(
            attempt,
            kind=kind,
            policy=RetryPolicy.from_settings(self.settings),
            sleep=self._sleep,
            jitter=self._jitter,
            what=what,
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
        settings = self.settings
        timeout = settings.submit_timeout if kind == "submit" else settings.read_timeout
        path = urlsplit(url).path

        async def once(attempt: int) -> Any:
            try:
                response = await self._api.request(
                    method,
                    url,
                    json=json,
                    params=params,
                    headers=self._headers_for(url),
                    timeout=httpx.Timeout(timeout, connect=settings.connect_timeout, pool=settings.pool_timeout),
                )
            except httpx.TransportError as exc:
                failure = _classify(exc)
                log.info("HTTP %s %s failed (%s) attempt=%d", method, path, failure, attempt)
                raise AttemptFailed(self._transport_error(kind, failure, url), failure=failure) from None
            log.info("HTTP %s %s %d attempt=%d", method, path, response.status_code, attempt)
            body = _json_or_unreadable(response)
            status = response.status_code
            if status < 400 and body is not _UNREADABLE:
                status = _embedded_error_status(body) or status
            if status >= 400:
                retry_after = parse_retry_after(response.headers.get("Retry-After"), self._clock())
                error = error_for_status(status, None if body is _UNREADABLE else body, retry_after=retry_after)
                raise AttemptFailed(self._final(kind, error), status=status, retry_after=retry_after)
            if body is _UNREADABLE:
                unreadable: StudioError = (
                    SubmitUnknown("the answer could not be read")
                    if kind == "submit"
                    else ApiError(f"RunComfy answered {path} with a body that is not JSON", status_code=status)
                )
                raise AttemptFailed(unreadable, failure="unreadable")
            return body

        return await self._retrying(once, kind=kind, what=f"{method} {path}")

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
