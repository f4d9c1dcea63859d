"""Retry policy as pure functions: what may be retried, and how long to wait first.

Two kinds of call:

- ``read`` (status, result, catalog, balance, downloads, cancel): retried on 408, 429 and 5xx
  and on any transport failure, with capped exponential backoff and jitter, honouring
  ``Retry-After``.
- ``submit`` (the paid POST): retried only when the request certainly was not accepted: a 429,
  or a connection that failed before the request was sent. A timeout after sending, a 5xx, a
  dropped connection or an unreadable body leave the outcome unknown and are never retried,
  so no one is charged twice.

No I/O and no clock: callers pass ``now`` and a random number.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Literal

__all__ = [
    "CallKind",
    "Failure",
    "RETRYABLE_STATUSES",
    "should_retry",
    "parse_retry_after",
    "backoff_delay",
    "retry_delay",
]

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
