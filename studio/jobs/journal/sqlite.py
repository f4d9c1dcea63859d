"""The SQLite journal backend: one file, WAL, ``synchronous=FULL``, numbered migrations.

Tables: ``jobs`` (one row per job), ``storyboards`` (one row per browser storyboard run) and
``shares`` (one row per review link, with the reviewer's latest answer).
Migrations are append-only functions ``m001_…``, ``m002_…``; applied names are recorded in
``_migrations``. Safe to share between threads (one connection behind a lock).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from studio.domain.job_status import JobStatus
from studio.jobs.journal import JobRecord, Journal, ShareLink, StoryRun

__all__ = ["SqliteJournal", "MIGRATIONS"]

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = []


def migration(fn: Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_jobs(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE jobs (
            job_id TEXT PRIMARY KEY,
            request_id TEXT UNIQUE,
            model_id TEXT NOT NULL,
            status TEXT NOT NULL,
            owner TEXT,
            group_id TEXT,
            request TEXT NOT NULL,
            payload TEXT NOT NULL,
            quote_usd TEXT NOT NULL,
            cost_usd TEXT,
            queue_position INTEGER,
            output_urls TEXT NOT NULL DEFAULT '[]',
            files TEXT NOT NULL DEFAULT '[]',
            error TEXT,
            meta TEXT NOT NULL DEFAULT '{}',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            submitted_at REAL,
            started_at REAL,
            finished_at REAL
        )"""
    )
    db.execute("CREATE INDEX jobs_status ON jobs(status)")
    db.execute("CREATE INDEX jobs_owner ON jobs(owner, created_at)")
    db.execute("CREATE INDEX jobs_group ON jobs(group_id)")


@migration
def m002_storyboards(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE storyboards (
            run_id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            stage TEXT NOT NULL,
            done INTEGER NOT NULL,
            error TEXT,
            file TEXT,
            seconds REAL,
            clips INTEGER,
            reused_clips TEXT NOT NULL DEFAULT '[]',
            started_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            finished_at REAL
        )"""
    )
    db.execute("CREATE INDEX storyboards_owner ON storyboards(owner, started_at)")


@migration
def m003_shares(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE shares (
            share_id TEXT PRIMARY KEY,
            job_id TEXT NOT NULL,
            owner TEXT NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            revoked_at REAL,
            verdict TEXT,
            comment TEXT NOT NULL DEFAULT '',
            reviewed_at REAL
        )"""
    )
    db.execute("CREATE INDEX shares_owner ON shares(owner, created_at)")
    db.execute("CREATE INDEX shares_job ON shares(job_id)")


_JSON_FIELDS = {"request", "payload", "output_urls", "files", "meta"}
_COLUMNS = [f.name for f in fields(JobRecord)]
_STORY_COLUMNS = [f.name for f in fields(StoryRun)]
_SHARE_COLUMNS = [f.name for f in fields(ShareLink)]
_ADD_SHARE = f"INSERT INTO shares ({', '.join(_SHARE_COLUMNS)}) VALUES ({', '.join(':' + c for c in _SHARE_COLUMNS)})"
_SAVE_STORY = f"INSERT OR REPLACE INTO storyboards ({', '.join(_STORY_COLUMNS)}) VALUES ({', '.join(':' + c for c in _STORY_COLUMNS)})"


def _row_to_record(row: sqlite3.Row) -> JobRecord:
    values: dict[str, Any] = {}
    for name in _COLUMNS:
        value = row[name]
        if name in _JSON_FIELDS:
            value = json.loads(value)
            if name in ("output_urls", "files"):
                value = tuple(value)
        values[name] = value
    return JobRecord(**values)


def _row_to_story(row: sqlite3.Row) -> StoryRun:
    values = {name: row[name] for name in _STORY_COLUMNS}
    values["done"] = bool(values["done"])
    values["reused_clips"] = tuple(json.loads(values["reused_clips"]))
    return StoryRun(**values)


class SqliteJournal(Journal):
    """A :class:`Journal` in one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._set_wal()
        self._db.execute("PRAGMA synchronous=FULL")
        self._migrate()

    def _set_wal(self) -> None:
        # Switching a new file to WAL can answer "locked" at once (no busy wait) while another
        # process does the same; it is safe to try again.
        for attempt in range(100):
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 99:
                    raise
                time.sleep(0.05)

    def _migrate(self) -> None:
        """Apply pending migrations; safe when several processes open the journal at once."""
        with self._lock:
            self._db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at REAL)")
            for fn in MIGRATIONS:
                self._db.execute("BEGIN IMMEDIATE")  # one writer at a time: re-check inside
                try:
                    done = self._db.execute("SELECT 1 FROM _migrations WHERE name = ?", (fn.__name__,)).fetchone()
                    if not done:
                        fn(self._db)
                        self._db.execute("INSERT INTO _migrations VALUES (?, ?)", (fn.__name__, time.time()))
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise

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
        now = time.time()
        job_id = uuid.uuid4().hex
        with self._lock:
            self._db.execute(
                "INSERT INTO jobs (job_id, model_id, status, owner, group_id, request, payload, quote_usd,"
                " meta, created_at, updated_at) VALUES (?, ?, 'submitting', ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    job_id,
                    model_id,
                    owner,
                    group_id,
                    json.dumps(request),
                    json.dumps(payload),
                    quote_usd,
                    json.dumps(meta or {}),
                    now,
                    now,
                ),
            )
        record = self.get(job_id)
        assert record is not None
        return record

    def update(self, job_id: str, **changes: Any) -> JobRecord:
        unknown = set(changes) - set(_COLUMNS) - {"job_id"}
        if unknown or "job_id" in changes:
            raise ValueError(f"cannot update {sorted(unknown | ({'job_id'} & set(changes)))}")
        changes["updated_at"] = time.time()
        values = [json.dumps(list(v) if isinstance(v, tuple) else v) if k in _JSON_FIELDS else v for k, v in changes.items()]
        assignments = ", ".join(f"{k} = ?" for k in changes)
        with self._lock:
            cursor = self._db.execute(f"UPDATE jobs SET {assignments} WHERE job_id = ?", (*values, job_id))
        if cursor.rowcount != 1:
            raise KeyError(job_id)
        record = self.get(job_id)
        assert record is not None
        return record

    def _one(self, sql: str, arg: str) -> JobRecord | None:
        with self._lock:
            row = self._db.execute(sql, (arg,)).fetchone()
        return _row_to_record(row) if row else None

    def get(self, job_id: str) -> JobRecord | None:
        return self._one("SELECT * FROM jobs WHERE job_id = ?", job_id)

    def by_request_id(self, request_id: str) -> JobRecord | None:
        return self._one("SELECT * FROM jobs WHERE request_id = ?", request_id)

    def find(
        self,
        *,
        statuses: Sequence[JobStatus] | None = None,
        owner: str | None = None,
        group_id: str | None = None,
        limit: int = 200,
    ) -> list[JobRecord]:
        where: list[str] = []
        args: list[str] = []
        if statuses is not None:
            where.append(f"status IN ({', '.join('?' for _ in statuses)})")
            args += list(statuses)
        if owner is not None:
            where.append("owner = ?")
            args.append(owner)
        if group_id is not None:
            where.append("group_id = ?")
            args.append(group_id)
        sql = "SELECT * FROM jobs" + (f" WHERE {' AND '.join(where)}" if where else "")
        sql += " ORDER BY created_at DESC LIMIT ?"
        with self._lock:
            rows = self._db.execute(sql, (*args, limit)).fetchall()
        return [_row_to_record(r) for r in rows]

    def save_story(self, run: StoryRun) -> StoryRun:
        run = replace(run, updated_at=time.time())
        values = {name: getattr(run, name) for name in _STORY_COLUMNS}
        values["done"] = int(run.done)
        values["reused_clips"] = json.dumps(list(run.reused_clips))
        with self._lock:
            self._db.execute(_SAVE_STORY, values)
        return run

    def story(self, run_id: str) -> StoryRun | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM storyboards WHERE run_id = ?", (run_id,)).fetchone()
        return _row_to_story(row) if row else None

    def stories(self, *, owner: str | None = None, done: bool | None = None, limit: int = 200) -> list[StoryRun]:
        where: list[str] = []
        args: list[Any] = []
        if owner is not None:
            where.append("owner = ?")
            args.append(owner)
        if done is not None:
            where.append("done = ?")
            args.append(int(done))
        sql = "SELECT * FROM storyboards" + (f" WHERE {' AND '.join(where)}" if where else "")
        sql += " ORDER BY started_at DESC LIMIT ?"
        with self._lock:
            rows = self._db.execute(sql, (*args, limit)).fetchall()
        return [_row_to_story(r) for r in rows]

    def add_share(self, link: ShareLink) -> ShareLink:
        with self._lock:
            self._db.execute(_ADD_SHARE, {name: getattr(link, name) for name in _SHARE_COLUMNS})
        return link

    def update_share(self, share_id: str, **changes: Any) -> ShareLink:
        if not changes or set(changes) - set(_SHARE_COLUMNS) or "share_id" in changes:
            raise ValueError(f"cannot update {sorted(changes)}")
        assignments = ", ".join(f"{k} = ?" for k in changes)
        with self._lock:
            cursor = self._db.execute(f"UPDATE shares SET {assignments} WHERE share_id = ?", (*changes.values(), share_id))
        found = self.share(share_id)
        if cursor.rowcount != 1 or found is None:
            raise KeyError(share_id)
        return found

    def share(self, share_id: str) -> ShareLink | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM shares WHERE share_id = ?", (share_id,)).fetchone()
        return ShareLink(**{name: row[name] for name in _SHARE_COLUMNS}) if row else None

    def shares(self, *, owner: str | None = None, job_id: str | None = None, limit: int = 500) -> list[ShareLink]:
        where = [f"{name} = ?" for name, value in (("owner", owner), ("job_id", job_id)) if value is not None]
        args = [value for value in (owner, job_id) if value is not None]
        sql = "SELECT * FROM shares" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY rowid DESC LIMIT ?"
        with self._lock:
            rows = self._db.execute(sql, (*args, limit)).fetchall()
        return [ShareLink(**{name: r[name] for name in _SHARE_COLUMNS}) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()
