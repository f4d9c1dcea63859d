"""The studio's job states: one vocabulary, and the named groups every layer asks about. Pure.

These are the states the journal stores (the strings are on disk: never rename one) and the
stages progress reports and job cards show. RunComfy's own status words (``in_queue``,
``completed``, ``canceled``…) are a different vocabulary: :mod:`studio.client.job_states` parses
them into typed states, and the job runner turns those into these.

A job's life: ``submitting`` → ``queued`` → ``running`` → ``downloading`` → ``succeeded``; it may
end ``failed`` or ``cancelled`` instead, and a submit whose answer never came ends ``unknown``.

The groups (tuples, so they also serve as SQL ``IN`` lists):

- :data:`IN_FLIGHT`: moving now; the browser keeps asking for updates while one is.
- :data:`UNFINISHED`: submitted (a request id exists) with no final state; a restart reattaches.
- :data:`OUTCOME_UNKNOWN`: the paid POST may or may not have been accepted; there is no request
  id to follow, and such a job is never resubmitted automatically.
- :data:`CANCELLABLE`: a cancel is sent to RunComfy: a queued job is cancelled before billing;
  a running one (or one that started a moment ago) gets RunComfy's answer that it no longer can be.
- :data:`ACCEPTED`: RunComfy took the job and charges it (unless it is cancelled while queued);
  its quote counts until its cost is known.
- :data:`COMMITTED`: money charged or possibly about to be: :data:`ACCEPTED` and
  :data:`OUTCOME_UNKNOWN`. The spending caps count these.
- :data:`FINISHED`: final; nothing will change the status again.
- :data:`UNSUCCESSFUL`: finished without a video; the job card says why.
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "JobStatus",
    "FinalStatus",
    "JOB_STATUSES",
    "IN_FLIGHT",
    "UNFINISHED",
    "OUTCOME_UNKNOWN",
    "CANCELLABLE",
    "ACCEPTED",
    "COMMITTED",
    "FINISHED",
    "UNSUCCESSFUL",
]

JobStatus = Literal[
    "submitting",  # the paid POST is being sent; a crash here leaves the outcome unknown
    "queued",
    "running",
    "downloading",
    "succeeded",  # the video is on disk
    "failed",
    "cancelled",
    "unknown",  # the submit's outcome is unknown; never resubmitted automatically
]
# The states a job ends in (what the runner's ``finish`` writes).
FinalStatus = Literal["succeeded", "failed", "cancelled", "unknown"]

JOB_STATUSES: tuple[JobStatus, ...] = ("submitting", "queued", "running", "downloading", "succeeded", "failed", "cancelled", "unknown")
UNFINISHED: tuple[JobStatus, ...] = ("queued", "running", "downloading")
IN_FLIGHT: tuple[JobStatus, ...] = ("submitting", *UNFINISHED)
OUTCOME_UNKNOWN: tuple[JobStatus, ...] = ("submitting", "unknown")
CANCELLABLE: tuple[JobStatus, ...] = ("queued", "running")
ACCEPTED: tuple[JobStatus, ...] = (*UNFINISHED, "succeeded")
COMMITTED: tuple[JobStatus, ...] = (*ACCEPTED, *OUTCOME_UNKNOWN)
FINISHED: tuple[FinalStatus, ...] = ("succeeded", "failed", "cancelled", "unknown")
UNSUCCESSFUL: tuple[FinalStatus, ...] = ("failed", "cancelled", "unknown")
