"""The retry policy, table-driven, and the one retry loop (``retrying``) that applies it."""

from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from studio.client.retry import (
    AttemptFailed,
    RetryPolicy,
    backoff_delay,
    parse_retry_after,
    retry_delay,
    retrying,
    should_retry,
)
from studio.config import Settings
from studio.errors import NetworkError, NotFound, RateLimited, RequestTimeout, ServerError, SubmitUnknown


@pytest.mark.parametrize(
    "kind, status, failure, expected",
    [
        ("read", 408, None, True),
        ("read", 429, None, True),
        ("read", 500, None, True),
        ("read", 502, None, True),
        ("read", 503, None, True),
        ("read", 504, None, True),
        ("read", 400, None, False),
        ("read", 401, None, False),
        ("read", 404, None, False),
        ("read", 422, None, False),
        ("read", None, "not_sent", True),
        ("read", None, "timeout", True),
        ("read", None, "broken", True),
        ("read", None, "unreadable", True),
        # A paid submit: only when it certainly was not accepted.
        ("submit", 429, None, True),
        ("submit", None, "not_sent", True),
        ("submit", 500, None, False),
        ("submit", 502, None, False),
        ("submit", 503, None, False),
        ("submit", 408, None, False),
        ("submit", None, "timeout", False),
        ("submit", None, "broken", False),
        ("submit", None, "unreadable", False),
        ("submit", 422, None, False),
    ],
)
def test_should_retry(kind, status, failure, expected):
    assert should_retry(kind, status=status, failure=failure) is expected


NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        ("", None),
        ("3", 3.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("-4", 0.0),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        (format_datetime(datetime.fromtimestamp(NOW + 30, UTC), usegmt=True), 30.0),
        (format_datetime(datetime.fromtimestamp(NOW - 30, UTC), usegmt=True), 0.0),
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, NOW) == expected


@pytest.mark.parametrize(
    "attempt, jitter, expected",
    [(1, 0.0, 0.5), (2, 0.0, 1.0), (3, 0.0, 2.0), (4, 0.0, 4.0), (5, 0.0, 8.0), (9, 0.0, 8.0), (1, 0.999, 0.5 * 0.75025), (5, 0.5, 7.0)],
)
def test_backoff_is_capped_exponential_with_jitter(attempt, jitter, expected):
    assert backoff_delay(attempt, base=0.5, cap=8.0, jitter=jitter) == pytest.approx(expected)


@pytest.mark.parametrize(
    "attempt, retry_after, expected",
    [(1, None, 0.5), (3, None, 2.0), (1, 5.0, 5.0), (4, 0.0, 0.0), (1, 60.0, 60.0), (1, 61.0, None)],
)
def test_retry_delay_honours_retry_after_up_to_the_cap(attempt, retry_after, expected):
    assert retry_delay(attempt, retry_after, base=0.5, cap=8.0, max_retry_after=60.0, jitter=0.0) == expected


# -- the loop -------------------------------------------------------------------------------------

POLICY = RetryPolicy(max_retries=3, backoff_base=0.5, backoff_cap=8.0, max_retry_after=60.0)


class Attempts:
    """An attempt function that fails with ``failures`` in turn (a callable makes the exception
    from the attempt number), then returns "ok"; it records the attempt numbers it was given."""

    def __init__(self, *failures):
        self.failures = list(failures)
        self.calls: list[int] = []

    async def __call__(self, attempt: int) -> str:
        self.calls.append(attempt)
        if self.failures:
            failure = self.failures.pop(0)
            raise failure(attempt) if callable(failure) else failure
        return "ok"


async def run(attempts, kind="read", policy=POLICY, jitter=0.0):
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    try:
        result = await retrying(attempts, kind=kind, policy=policy, sleep=sleep, jitter=lambda: jitter)
    except Exception as exc:
        return exc, sleeps
    return result, sleeps


def busy(attempt: int) -> AttemptFailed:
    return AttemptFailed(ServerError(f"busy (attempt {attempt})", status_code=503), status=503)


async def test_a_read_is_retried_up_to_max_retries_with_the_policys_delays_then_gives_up_with_the_last_error():
    attempts = Attempts(*[busy] * 10)
    error, sleeps = await run(attempts)
    assert attempts.calls == [1, 2, 3, 4]  # the first try and max_retries more
    assert sleeps == [0.5, 1.0, 2.0]  # backoff_base·2^(n-1)
    assert isinstance(error, ServerError) and "attempt 4" in str(error)
    assert error.__cause__ is None and error.__suppress_context__


async def test_the_backoff_is_capped_and_jittered():
    policy = RetryPolicy(max_retries=6, backoff_base=1.0, backoff_cap=4.0, max_retry_after=60.0)
    _, sleeps = await run(Attempts(*[busy] * 10), policy=policy, jitter=0.5)
    assert sleeps == [0.875, 1.75, 3.5, 3.5, 3.5, 3.5]  # capped at 4, scaled by 1 - 0.25·jitter


async def test_a_read_that_succeeds_on_a_retry_returns_its_value():
    timeout = AttemptFailed(RequestTimeout("no answer in time"), failure="timeout")
    result, sleeps = await run(Attempts(busy, timeout))
    assert result == "ok" and sleeps == [0.5, 1.0]


async def test_retry_after_is_honoured_instead_of_the_backoff():
    limited = AttemptFailed(RateLimited("slow down", status_code=429, retry_after=7.0), status=429, retry_after=7.0)
    result, sleeps = await run(Attempts(limited, busy, limited))
    assert result == "ok" and sleeps == [7.0, 1.0, 7.0]


async def test_a_retry_after_over_max_retry_after_is_not_waited_out():
    limited = AttemptFailed(RateLimited("slow down", status_code=429, retry_after=600.0), status=429, retry_after=600.0)
    attempts = Attempts(limited)
    error, sleeps = await run(attempts)
    assert isinstance(error, RateLimited) and error.retry_after == 600.0
    assert attempts.calls == [1] and sleeps == []


@pytest.mark.parametrize(
    "failed",
    [
        AttemptFailed(SubmitUnknown("no answer in time", timeout=True), failure="timeout"),
        AttemptFailed(SubmitUnknown("the connection broke"), failure="broken"),
        AttemptFailed(SubmitUnknown("the answer could not be read"), failure="unreadable"),
        AttemptFailed(ServerError("boom", status_code=500), status=500),
        AttemptFailed(ServerError("bad gateway", status_code=502), status=502),
    ],
)
async def test_a_submit_whose_outcome_is_unknown_is_tried_exactly_once(failed):
    attempts = Attempts(failed)
    error, sleeps = await run(attempts, kind="submit")
    assert error is failed.error
    assert attempts.calls == [1] and sleeps == []


@pytest.mark.parametrize(
    "failed",
    [
        AttemptFailed(RateLimited("slow down", status_code=429), status=429),
        AttemptFailed(NetworkError("could not connect"), failure="not_sent"),
    ],
)
async def test_a_submit_certainly_not_accepted_is_retried(failed):
    attempts = Attempts(failed)
    result, sleeps = await run(attempts, kind="submit")
    assert result == "ok" and attempts.calls == [1, 2] and sleeps == [0.5]


async def test_a_refusal_the_policy_does_not_retry_leaves_at_once():
    missing = AttemptFailed(NotFound("gone", status_code=404), status=404)
    attempts = Attempts(missing)
    error, sleeps = await run(attempts)
    assert error is missing.error and attempts.calls == [1] and sleeps == []


async def test_any_other_exception_leaves_untouched_without_a_retry():
    attempts = Attempts(ValueError("a bug"))
    error, sleeps = await run(attempts)
    assert isinstance(error, ValueError) and attempts.calls == [1] and sleeps == []


def test_the_policy_is_the_settings_numbers():
    settings = Settings(data_dir=None, max_retries=2, backoff_base=0.25, backoff_cap=3.0, max_retry_after=9.0)  # type: ignore[arg-type]
    assert RetryPolicy.from_settings(settings) == RetryPolicy(2, 0.25, 3.0, 9.0)
