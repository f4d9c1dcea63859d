"""Both status vocabularies parse into the same typed states."""

from decimal import Decimal

import pytest

from studio.client.job_states import (
    Cancelled,
    Failed,
    Queued,
    Running,
    Succeeded,
    parse_state,
    valid_request_id,
)
from studio.errors import ApiError


@pytest.mark.parametrize(
    "payload, state",
    [
        ({"status": "in_queue", "queue_position": 3}, Queued(3)),
        ({"status": "IN_QUEUE"}, Queued(None)),
        ({"status": "pending"}, Queued(None)),
        ({"status": "in_progress", "instance_id": "i-1"}, Running("i-1")),
        ({"status": "processing"}, Running(None)),
        ({"status": "completed"}, Succeeded(None, None)),
        ({"status": "succeeded", "output": {"video": "u"}, "cost": 1.344}, Succeeded({"video": "u"}, Decimal("1.344"))),
        ({"status": "completed", "output": {"videos": ["u"]}, "cost": "0.42"}, Succeeded({"videos": ["u"]}, Decimal("0.42"))),
        ({"status": "completed", "error": "boom"}, Failed("boom")),
        ({"status": "failed", "error": "content policy"}, Failed("content policy")),
        ({"status": "failed", "error": {"error_message": "gpu lost"}}, Failed("gpu lost")),
        ({"status": "failed", "error": [{"errorCode": 1, "error": "a"}]}, Failed("a")),
        ({"status": "failed"}, Failed("RunComfy reported the job as failed without a reason")),
        ({"status": "cancelled"}, Cancelled()),
        ({"status": "canceled"}, Cancelled()),
        ({"status": "succeeded", "cost": -1}, Succeeded(None, None)),
        ({"status": "succeeded", "cost": "abc"}, Succeeded(None, None)),
    ],
)
def test_parse_state(payload, state):
    assert parse_state(payload) == state


@pytest.mark.parametrize("payload", [{"status": "exploded"}, {}, [], "completed", None])
def test_unknown_status_raises(payload):
    with pytest.raises(ApiError):
        parse_state(payload)


@pytest.mark.parametrize(
    "value, ok",
    [("0f8c3c9e-1b2a-4c1d-9e7f-1234567890ab", True), ("req_xxx", True), ("../../x", False), ("a/b", False), ("", False), ("x" * 129, False), (5, False)],
)
def test_request_id_shape(value, ok):
    assert valid_request_id(value) is ok
