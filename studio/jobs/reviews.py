"""Sharing a finished video for review: links kept in the journal, the reviewer's answer.

Part of the :class:`~studio.jobs.manager.JobManager` facade. An owner (a browser's key) makes a
link to one of their finished videos; the link has a random id (192 bits, URL-safe), opens for
``settings.share_days`` and can be revoked by its owner at any time. Whoever holds the link (the
UI signs it, see :mod:`studio.ui.review_links`) may answer once or again: approve, or ask for
changes with a comment; the latest answer is kept on the link, and the owner's gallery shows it.

Nothing here knows about HTTP: :meth:`ReviewJobs.open` says what a link leads to (the video's
journal row while it is open, else why not), and the UI decides what to show of it.
"""

from __future__ import annotations

import math
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from studio.domain import bounds
from studio.errors import Problem, StudioError, ValidationError
from studio.jobs.job_service import JobService
from studio.jobs.journal import JobRecord, ShareLink
from studio.jobs.owners import owner_id
from studio.jobs.service import Studio

__all__ = [
    "MAX_COMMENT_CHARS",
    "SHARE_ID",
    "VERDICTS",
    "LinkClosed",
    "LinkState",
    "ReviewJobs",
    "clean_comment",
    "link_status",
]

# The reviewer's two answers, as stored.
VERDICTS = ("approved", "changes")
MAX_COMMENT_CHARS = 2000
# What a share id looks like: secrets.token_urlsafe(24), 32 characters.
SHARE_ID = re.compile(r"[A-Za-z0-9_-]{32}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# At most this many links are listed for one owner (newest first).
_MAX_LISTED = 2000

Status = Literal["open", "expired", "revoked", "gone", "unknown"]


class LinkClosed(StudioError):
    """A review answer sent to a link that is not open (expired, revoked, video gone, unknown)."""

    def __init__(self, status: Status) -> None:
        super().__init__(f"this review link is {status}")
        self.status = status


@dataclass(frozen=True)
class LinkState:
    """What a review link leads to: ``status`` "open" with its video's row, or why not."""

    status: Status
    link: ShareLink | None = None
    record: JobRecord | None = None


def link_status(link: ShareLink, now: float) -> Status:
    """``open``, ``revoked`` or ``expired`` (revoked wins: the owner's word is the last)."""
    if link.revoked_at is not None:
        return "revoked"
    return "open" if now < link.expires_at else "expired"


def clean_comment(value: object) -> str:
    """A reviewer's comment: text of at most :data:`MAX_COMMENT_CHARS` characters (line breaks
    and tabs kept, Windows line ends made plain), without control characters; trimmed."""
    text = bounds.optional_text(value, "comment", 100_000).replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_COMMENT_CHARS:
        raise ValidationError([Problem("comment", f"is {len(text):,} characters; at most {MAX_COMMENT_CHARS:,} ({len(text) - MAX_COMMENT_CHARS:,} too many)")])
    if _CONTROL.search(text):
        raise ValidationError([Problem("comment", "must not contain control characters")])
    return text


class ReviewJobs:
    """Review links of browsers' finished videos, and their reviewers' answers."""

    def __init__(self, studio: Studio, jobs: JobService, clock: Callable[[], float] = time.time) -> None:
        self.studio = studio
        self.settings = studio.settings
        self.jobs = jobs
        self.clock = clock

    def _own_video(self, owner_key: str, job_id: str) -> JobRecord:
        record = self.jobs.job(owner_key, job_id) if isinstance(job_id, str) and job_id else None
        if record is None:
            raise ValidationError([Problem("job", "no such video in this browser")])
        if record.status != "succeeded" or not record.files or record.meta.get("deleted_at"):
            raise ValidationError([Problem("job", "only a finished video that is still in the gallery can be shared")])
        return record

    def share(self, owner_key: str, job_id: str) -> ShareLink:
        """A review link to one of this browser's finished videos: the open one if there is one
        (a second click makes no second link), else a new one open for ``settings.share_days``."""
        record = self._own_video(owner_key, job_id)
        now = self.clock()
        for link in self.studio.journal.shares(owner=record.owner, job_id=record.job_id, limit=50):
            if link_status(link, now) == "open":
                return link
        link = ShareLink(
            share_id=secrets.token_urlsafe(24),
            job_id=record.job_id,
            owner=owner_id(owner_key),
            created_at=now,
            # Whole seconds: the signature covers the expiry as written.
            expires_at=float(math.ceil(now + self.settings.share_days * 86400)),
        )
        return self.studio.journal.add_share(link)

    def stop_sharing(self, owner_key: str, job_id: str) -> int:
        """Revoke every open link to one of this browser's videos; how many were open.
        Another browser's video (or none) is a ValidationError naming "job"."""
        record = self.jobs.job(owner_key, job_id) if isinstance(job_id, str) and job_id else None
        if record is None:
            raise ValidationError([Problem("job", "no such video in this browser")])
        now = self.clock()
        stopped = 0
        for link in self.studio.journal.shares(owner=record.owner, job_id=record.job_id, limit=_MAX_LISTED):
            if link_status(link, now) == "open":
                self.studio.journal.update_share(link.share_id, revoked_at=now)
                stopped += 1
        return stopped

    def links(self, owner_key: str) -> dict[str, ShareLink]:
        """This browser's videos that were ever shared: job id → its latest link."""
        latest: dict[str, ShareLink] = {}
        for link in self.studio.journal.shares(owner=owner_id(owner_key), limit=_MAX_LISTED):
            latest.setdefault(link.job_id, link)  # newest first
        return latest

    def open(self, share_id: str) -> LinkState:
        """Where a link leads: the video's journal row while the link is open and the video is
        still there; else "expired", "revoked", "gone" (the owner deleted it) or "unknown"."""
        link = self.studio.journal.share(share_id) if isinstance(share_id, str) and SHARE_ID.fullmatch(share_id) else None
        if link is None:
            return LinkState("unknown")
        status = link_status(link, self.clock())
        if status != "open":
            return LinkState(status, link)
        record = self.studio.journal.get(link.job_id)
        if record is None or record.owner != link.owner or record.status != "succeeded" or not record.files or record.meta.get("deleted_at"):
            return LinkState("gone", link)
        return LinkState("open", link, record)

    def review(self, share_id: str, verdict: str, comment: object) -> ShareLink:
        """Keep a reviewer's answer on an open link (it replaces any answer before). A verdict
        other than "approved"/"changes" or a bad comment is a ValidationError; a link that is not
        open is :class:`LinkClosed`."""
        if verdict not in VERDICTS:
            raise ValidationError([Problem("verdict", f"{bounds.shown(verdict, 20)} is not one of {', '.join(VERDICTS)}")])
        text = clean_comment(comment)
        if verdict == "changes" and not text:
            raise ValidationError([Problem("comment", "say what should change")])
        state = self.open(share_id)
        if state.status != "open" or state.link is None:
            raise LinkClosed(state.status)
        return self.studio.journal.update_share(state.link.share_id, verdict=verdict, comment=text, reviewed_at=self.clock())
