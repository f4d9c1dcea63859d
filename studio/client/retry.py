"""Retry policy and the one retry loop: what may be retried, how long to wait first, and
:func:`retrying`, which applies both.

Two kinds of call:

- ``read`` (status, result, catalog, balance, cancel, downloads, upload PUTs): retried on 408, 429 and 5xx
  and on any transport failure, with capped exponential backoff and jitter, honouring
  ``Retry-After``.
- ``submit`` (the paid POST): retried only when the request certainly was not accepted: a 429,
  or a connection that failed before the request was sent. A timeout after sending, a 5xx, a
  dropped connection or an unreadable body leave the outcome unknown and are never retried,
  so no one is charged twice.

The policy functions do no I/O and read no clock: callers pass ``now`` and a random number.
:func:`retrying` is the one retry loop of the studio (API calls, uploads and downloads all go
through it): it counts attempts, asks the policy, waits with the sleep it is given (tests pass
one that only records), and gives up with the error the last attempt named.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Literal, TypeVar

if TYPE_CHECKING:
    from studio.config import Settings

__all__ = [
    "CallKind",
    "Failure",
    "RETRYABLE_STATUSES",
    "should_retry",
    "parse_retry_after",
    "backoff_delay",
    "retry_delay",
    "RetryPolicy",
    "AttemptFailed",
    "retrying",
]

log = logging.getLogger("studio.client.retry")
T = TypeVar("T")

CallKind = Literal["read", "submit"]
# How a request failed without a usable response:
#   "not_sent" — connecting failed or timed out, or no pooled connection: nothing was sent;
#   "timeout"  — sent, then no answer in time;
#   "broken"   — sent, then the connection broke or the reply was not HTTP;
#   "unreadable" — an answer came but its body could not be read as JSON.
Failure = Literal["not_sent", "timeout", "broken", "unreadable"]

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def should_retry(kind: CallKind, *, status: int | None = None, failure: Failure | None = None) -> bool:
    """Whether a failed call of this kind may be sent again."""
    if kind == "submit":
        return status == 429 or failure == "not_sent"
    if status is not None:
        return status in RETRYABLE_STATUSES
    return failure is not None


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP-date), or None."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        return max(0.0, when.timestamp() - now)
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    return max(0.0, seconds)


def backoff_delay(attempt: int, *, base: float, cap: float, jitter: float) -> float:
    """``base·2^(attempt-1)`` capped at ``cap``, scaled into [75 %, 100 %] by ``jitter`` in [0, 1)."""
    doubling: int = 2 ** max(0, attempt - 1)  # int ** int is typed Any (a negative power would be a float)
    raw = min(cap, base * doubling)
    return raw * (1 - 0.25 * jitter)


def retry_delay(
    attempt: int,
    retry_after: float | None,
    *,
    base: float,
    cap: float,
    max_retry_after: float,
    jitter: float,
) -> float | None:
    """Seconds to wait before retry number ``attempt`` (1-based), or None to stop retrying.

    A ``Retry-After`` within ``max_retry_after`` is honoured as given; a longer one stops the
    retries (the caller reports it) rather than hammering the server early.
    """
    if retry_after is not None:
        return retry_after if retry_after <= max_retry_after else None
    return backoff_delay(attempt, base=base, cap=cap, jitter=jitter)


@dataclass(frozen=True)
class RetryPolicy:
    """How many times and how patiently to retry: the numbers of :class:`~studio.config.Settings`."""

    max_retries: int
    backoff_base: float
    backoff_cap: float
    max_retry_after: float

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            max_retries=settings.max_retries,
            backoff_base=settings.backoff_base,
            backoff_cap=settings.backoff_cap,
            max_retry_after=settings.max_retry_after,
        )

    def delay(self, attempt: int, retry_after: float | None, jitter: Callable[[], float]) -> float | None:
        """Seconds to wait after failed attempt ``attempt`` (1-based), or None: no retries left,
        or a ``Retry-After`` too long to wait out."""
        if attempt > self.max_retries:
            return None
        return retry_delay(
            attempt,
            retry_after,
            base=self.backoff_base,
            cap=self.backoff_cap,
            max_retry_after=self.max_retry_after,
            jitter=jitter(),
        )


class AttemptFailed(Exception):
    """Raised by one attempt inside :func:`retrying`: how it failed, for the policy to judge.

    ``error`` is what the caller sees if no other attempt is made (a :mod:`studio.errors`
    class); ``status`` or ``failure`` is what :func:`should_retry` decides on, and
    ``retry_after`` the server's ``Retry-After`` in seconds, if it sent one.
    """

    def __init__(
        self,
        error: Exception,
        *,
        status: int | None = None,
        failure: Failure | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(str(error))
        self.error = error
        self.status = status
        self.failure = failure
        self.retry_after = retry_after

    @property
    def reason(self) -> str:
        return f"HTTP {self.status}" if self.status is not None else str(self.failure)


async def retrying(
    attempt: Callable[[int], Awaitable[T]],
    *,
    kind: CallKind,
    policy: RetryPolicy,
    sleep: Callable[[float], Awaitable[None]],
    jitter: Callable[[], float],
    what: str = "call",
) -> T:
    """Run ``attempt(1)``, ``attempt(2)``, … until one returns, as the policy allows.

    An attempt that raises :class:`AttemptFailed` is retried when :func:`should_retry` allows
    it for ``kind`` and :meth:`RetryPolicy.delay` gives a wait (attempts left, any
    ``Retry-After`` short enough); otherwise its ``error`` is raised. So a ``submit`` whose
    outcome is unknown is tried exactly once. Any other exception leaves at once, untouched.
    ``what`` names the call in the DEBUG line logged before each wait.
    """
    number = 0
    while True:
        number += 1
        try:
            return await attempt(number)
        except AttemptFailed as failed:
            allowed = should_retry(kind, status=failed.status, failure=failed.failure)
            delay = policy.delay(number, failed.retry_after, jitter) if allowed else None
            if delay is None:
                raise failed.error from None
            log.debug("retrying %s in %.2f s after %s (attempt %d)", what, delay, failed.reason, number)
        await sleep(delay)
