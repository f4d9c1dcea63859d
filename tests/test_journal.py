"""The SQLite journal: durable, migrated, filtered."""

import sqlite3

import pytest

from studio.jobs.journal import open_journal
from studio.jobs.journal.sqlite import MIGRATIONS


@pytest.fixture
def journal(tmp_path):
    j = open_journal(tmp_path / "j.sqlite3")
    yield j
    j.close()


def new(journal, **kw):
    return journal.begin(model_id="kling/x", request={"prompt": "p"}, payload={"prompt": "p"}, quote_usd="0.42", **kw)


def test_lifecycle_and_reopen(tmp_path, journal):
    r = new(journal, owner="alice", meta={"backend": "offline"})
    assert r.status == "submitting" and r.request_id is None
    journal.update(r.job_id, status="queued", request_id="req-1", queue_position=2)
    journal.update(r.job_id, status="succeeded", files=("/tmp/a.mp4",), cost_usd="0.42")
    journal.close()
    again = open_journal(tmp_path / "j.sqlite3")
    got = again.by_request_id("req-1")
    assert (got.status, got.files, got.owner, got.meta) == ("succeeded", ("/tmp/a.mp4",), "alice", {"backend": "offline"})
    again.close()


def test_unfinished_are_submitted_and_not_final(journal):
    a, b, c, _d = (new(journal) for _ in range(4))
    journal.update(a.job_id, status="queued", request_id="a")
    journal.update(b.job_id, status="downloading", request_id="b")
    journal.update(c.job_id, status="succeeded", request_id="c")
    # _d stays "submitting": its outcome is unknown and it is never reattached or resubmitted
    assert {r.request_id for r in journal.unfinished()} == {"a", "b"}


def test_filters_and_newest_first(journal):
    first = new(journal, owner="a")
    second = new(journal, owner="a", group_id="g")
    new(journal, owner="b")
    assert [r.job_id for r in journal.find(owner="a")] == [second.job_id, first.job_id]
    assert [r.job_id for r in journal.find(group_id="g")] == [second.job_id]
    assert journal.find(statuses=("failed",)) == []


def test_update_refuses_unknown_fields_and_jobs(journal):
    r = new(journal)
    with pytest.raises(ValueError):
        journal.update(r.job_id, colour="red")
    with pytest.raises(KeyError):
        journal.update("nope", status="failed")


def test_migrations_are_recorded_once(tmp_path):
    path = tmp_path / "m.sqlite3"
    open_journal(path).close()
    open_journal(path).close()
    names = [r[0] for r in sqlite3.connect(path).execute("SELECT name FROM _migrations")]
    assert names == [m.__name__ for m in MIGRATIONS]


def test_many_processes_opening_a_new_journal_at_once(tmp_path):
    import subprocess
    import sys
    import time

    path = tmp_path / "race.sqlite3"
    start = time.time() + 2.0  # all processes open the journal at the same instant
    code = (
        "import time; from pathlib import Path; from studio.jobs.journal import open_journal\n"
        f"while time.time() < {start}: pass\n"
        f"open_journal(Path({str(path)!r})).close()"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE) for _ in range(6)]
    errors = [p.communicate(timeout=60)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, errors
    names = [r[0] for r in sqlite3.connect(path).execute("SELECT name FROM _migrations")]
    assert names == [m.__name__ for m in MIGRATIONS]
