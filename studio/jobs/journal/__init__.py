"""The job journal: every paid request id, written the moment the submit returns, and the
browser studio's storyboard runs.

Callers see only :class:`Journal`, :class:`JobRecord` and :class:`StoryRun`; :func:`open_journal`
picks the backend (SQLite under the studio's data directory today; a PostgreSQL backend for
multi-replica deployments would implement the same interface). A job record holds the endpoint,
the request (never a token), the quote, and later the status, actual cost, file paths and
timestamps; a story run holds where a storyboard is and, once stitched, its film. Records are
never deleted by the studio. The status vocabulary is :mod:`studio.domain.job_status`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.domain.job_status import FINISHED, UNFINISHED, JobStatus

__all__ = ["JobRecord", "StoryRun", "ShareLink", "Journal", "open_journal"]


@dataclass(frozen=True)
class JobRecord:
    """One journal row."""

    job_id: str
    model_id: str
    status: JobStatus
    request: dict[str, Any]
    payload: dict[str, Any]
    quote_usd: str
    created_at: float
    updated_at: float
    request_id: str | None = None
    owner: str | None = None
    group_id: str | None = None
    queue_position: int | None = None
    cost_usd: str | None = None
    output_urls: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    error: str | None = None
    submitted_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The job as the command line and the API show it: never the owner, never a token."""
        return {
            "job_id": self.job_id,
            "request_id": self.request_id,
            "model_id": self.model_id,
            "status": self.status,
            "queue_position": self.queue_position,
            "quote_usd": self.quote_usd,
            "cost_usd": self.cost_usd,
            "error": self.error,
            "created_at": self.created_at,
        }

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


@dataclass(frozen=True)
class StoryRun:
    """One storyboard run of a browser: where it is and, once stitched, its film.

    ``done`` is False while the run goes on (``stage`` says where: "clip 2 of 3: running");
    a run that stopped has ``error``; a stitched one has ``file``, ``seconds`` and ``finished_at``
    (kept when a later run of the same storyboard stops, as the film is still on disk).
    """

    run_id: str
    owner: str
    title: str = ""
    stage: str = "starting"
    done: bool = False
    error: str | None = None
    file: str | None = None
    seconds: float | None = None
    clips: int | None = None
    reused_clips: tuple[int, ...] = ()
    started_at: float = 0.0
    updated_at: float = 0.0
    finished_at: float | None = None


@dataclass(frozen=True)
class ShareLink:
    """A "Share for review" link to one finished video, and the reviewer's latest answer.

    ``share_id`` is random (the link's unguessable part); ``owner`` is the owner's hash, as in
    :class:`JobRecord`. The link is open until ``expires_at`` unless ``revoked_at`` is set;
    ``verdict`` ("approved" or "changes"), ``comment`` and ``reviewed_at`` hold the reviewer's
    latest answer (a new answer replaces the one before).
    """

    share_id: str
    job_id: str
    owner: str
    created_at: float
    expires_at: float
    revoked_at: float | None = None
    verdict: str | None = None
    comment: str = ""
    reviewed_at: float | None = None


class Journal(ABC):
    """Durable job storage. Each write is committed before the method returns."""

    @abstractmethod
    def begin(
        self,
        *,
        model_id: str,
        request: dict[str, Any],
        payload: dict[str, Any],
        quote_usd: str,
        owner: str | None = None,
        group_id: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> JobRecord:
        """Record a job about to be submitted (status ``submitting``)."""

    @abstractmethod
    def update(self, job_id: str, **fields: Any) -> JobRecord:
        """Change some fields of a job; ``updated_at`` is set automatically."""

    @abstractmethod
    def get(self, job_id: str) -> JobRecord | None: ...

    @abstractmethod
    def by_request_id(self, request_id: str) -> JobRecord | None: ...

    @abstractmethod
    def find(
        self,
        *,
        statuses: Sequence[JobStatus] | None = None,
        owner: str | None = None,
        group_id: str | None = None,
        limit: int = 200,
    ) -> list[JobRecord]:
        """Jobs, newest first, filtered by status, owner and group when given."""

    @abstractmethod
    def save_story(self, run: StoryRun) -> StoryRun:
        """Write a storyboard run (new or changed); ``updated_at`` is set automatically."""

    @abstractmethod
    def story(self, run_id: str) -> StoryRun | None: ...

    @abstractmethod
    def stories(self, *, owner: str | None = None, done: bool | None = None, limit: int = 200) -> list[StoryRun]:
        """Storyboard runs, most recently started first, filtered by owner and ``done`` when given."""

    @abstractmethod
    def add_share(self, link: ShareLink) -> ShareLink:
        """Write a new review link."""

    @abstractmethod
    def update_share(self, share_id: str, **fields: Any) -> ShareLink:
        """Change some fields of a review link (KeyError when there is none)."""

    @abstractmethod
    def share(self, share_id: str) -> ShareLink | None: ...

    @abstractmethod
    def shares(self, *, owner: str | None = None, job_id: str | None = None, limit: int = 500) -> list[ShareLink]:
        """Review links, newest (last made) first, filtered by owner and job when given."""

    def unfinished(self) -> list[JobRecord]:
        """Submitted jobs without a final state: the ones to reattach after a restart."""
        return [r for r in self.find(statuses=UNFINISHED, limit=10_000) if r.request_id]

    def close(self) -> None:  # noqa: B027  a no-op by default: a backend without resources need not override it
        """Release the backend's resources."""


def open_journal(path: Path) -> Journal:
    """The journal stored at ``path`` (SQLite), created and migrated as needed."""
    from studio.jobs.journal.sqlite import SqliteJournal

    return SqliteJournal(path)
