"""The retry policy, table-driven."""

from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from studio.client.retry import (
    backoff_delay,
    parse_retry_after,
    retry_delay,
    should_retry,
)


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
