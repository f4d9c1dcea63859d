"""Submits a stopped studio left unfinished: who is submitting, and when a ``submitting`` row
can be settled as ``unknown`` (never resubmitted: RunComfy may have accepted and charged it).

:class:`InterruptedSubmits` is the part of :class:`~studio.jobs.runner.JobRunner` that settles them.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from typing import Any

from studio.domain.job_status import FinalStatus
from studio.jobs.journal import JobRecord, Journal

__all__ = ["SUBMITTER", "INTERRUPTED_SUBMIT", "InterruptedSubmits", "pid_alive", "submit_abandoned"]

# Who is submitting: this process, told apart from an earlier one that had the same pid (a
# restarted container often gets the same pid again).
SUBMITTER = {"host": socket.gethostname(), "pid": os.getpid(), "run": uuid.uuid4().hex}


def _forked() -> None:
    """A process forked from this one is another submitter: a server that imports the studio
    once and forks a process per studio (the test suite's fork server; a preloading server)
    must not hand every child its parent's identity, or a restarted studio would take a
    killed sibling's unfinished submit for its own and never settle it."""
    SUBMITTER.update(pid=os.getpid(), run=uuid.uuid4().hex)


os.register_at_fork(after_in_child=_forked)

# What a row left in ``submitting`` by a stopped studio says once it is settled.
INTERRUPTED_SUBMIT = (
    "the studio stopped while this job was being submitted, so its outcome is unknown: RunComfy may "
    "have accepted (and charged) it. Check your RunComfy dashboard before submitting it again; it is "
    "never resubmitted automatically"
)


class InterruptedSubmits:
    """Settling rows left in ``submitting``; needs ``journal``, ``settings`` and ``finish`` (a JobRunner's)."""

    journal: Journal
    settings: Any

    def finish(self, record: JobRecord, status: FinalStatus, reason: str | None = None) -> JobRecord:  # provided by JobRunner
        raise NotImplementedError

    def settle_interrupted_submits(self) -> list[JobRecord]:
        """Mark ``unknown`` every row a stopped studio left in ``submitting`` (see :func:`submit_abandoned`).

        Such a row has no request id to reattach to; it is never resubmitted.
        """
        now = time.time()
        return [
            self.finish(record, "unknown", INTERRUPTED_SUBMIT)
            for record in self.journal.find(statuses=("submitting",), limit=10_000)
            if submit_abandoned(record.meta.get("submitter"), record.created_at, now=now, window=self.submit_window)
        ]

    @property
    def submit_window(self) -> float:
        """The longest a submit can take (connect, send, answer), with a margin."""
        return self.settings.connect_timeout + self.settings.submit_timeout + 30.0


def submit_abandoned(
    submitter: Any,
    created_at: float,
    *,
    now: float,
    window: float,
    me: dict[str, Any] = SUBMITTER,
    alive: Callable[[int], bool] | None = None,
) -> bool:
    """Whether a ``submitting`` row's submit can no longer be in progress.

    Never for this process's own rows. On this host: when the process that began it is gone
    (or its pid is now this process's). Whatever the host: when it began longer ago than any
    submit may take (``window``).
    """
    if not isinstance(submitter, dict):
        return now - created_at > window  # written before submitters were recorded
    if submitter.get("run") == me["run"]:
        return False
    if now - created_at > window:
        return True
    pid = submitter.get("pid")
    if submitter.get("host") != me["host"] or not isinstance(pid, int) or isinstance(pid, bool):
        return False
    return pid == me["pid"] or not (alive or pid_alive)(pid)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (one of another user counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
