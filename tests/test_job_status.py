"""The one job-state vocabulary (studio.domain.job_status) and its named groups."""

from typing import get_args

from studio.domain.job_status import (
    ACCEPTED,
    CANCELLABLE,
    COMMITTED,
    FINISHED,
    IN_FLIGHT,
    JOB_STATUSES,
    OUTCOME_UNKNOWN,
    UNFINISHED,
    UNSUCCESSFUL,
    FinalStatus,
    JobStatus,
)
from studio.jobs.journal import JobRecord


def test_the_tuple_and_the_types_name_the_same_states():
    assert set(JOB_STATUSES) == set(get_args(JobStatus)) and len(JOB_STATUSES) == 8
    assert set(FINISHED) == set(get_args(FinalStatus))
    # The strings are stored in the journal: they never change.
    assert JOB_STATUSES == ("submitting", "queued", "running", "downloading", "succeeded", "failed", "cancelled", "unknown")


def test_every_state_is_either_in_flight_or_finished():
    assert set(IN_FLIGHT) | set(FINISHED) == set(JOB_STATUSES)
    assert set(IN_FLIGHT).isdisjoint(FINISHED)


def test_the_groups_as_the_journal_budget_and_cards_read_them():
    assert UNFINISHED == ("queued", "running", "downloading")  # what a restart reattaches to
    assert set(IN_FLIGHT) == {"submitting", *UNFINISHED}
    assert set(OUTCOME_UNKNOWN) == {"submitting", "unknown"}
    assert set(CANCELLABLE) == {"queued", "running"} and set(CANCELLABLE) <= set(UNFINISHED)
    assert set(ACCEPTED) == {*UNFINISHED, "succeeded"}
    # The caps count every job that was or may be charged: not the failed and cancelled ones.
    assert set(COMMITTED) == set(JOB_STATUSES) - {"failed", "cancelled"}
    assert set(UNSUCCESSFUL) == set(FINISHED) - {"succeeded"}
    for group in (IN_FLIGHT, UNFINISHED, OUTCOME_UNKNOWN, CANCELLABLE, ACCEPTED, COMMITTED, FINISHED, UNSUCCESSFUL):
        assert set(group) <= set(JOB_STATUSES) and len(set(group)) == len(group)


def test_a_record_is_finished_exactly_in_the_finished_states():
    def record(status: str) -> JobRecord:
        return JobRecord(job_id="j", model_id="m", status=status, request={}, payload={}, quote_usd="0", created_at=0.0, updated_at=0.0)  # type: ignore[arg-type]

    assert [s for s in JOB_STATUSES if record(s).finished] == list(FINISHED)
