"""Visitors' runners (studio.jobs.visitors): bounded, least recently used closed first, never one
that is handed out and not yet released, nor one that is following a job, safe from many threads."""

from __future__ import annotations

import threading

from studio.jobs.visitors import VisitorRunners


class Runner:
    def __init__(self, token: str) -> None:
        self.token = token


def cache(limit: int) -> VisitorRunners:
    return VisitorRunners(Runner, limit)  # type: ignore[arg-type]


def use(runners: VisitorRunners, key: str, token: str) -> tuple[Runner, list[Runner]]:
    """Get a runner, use it, give it back: the runners closed on the way."""
    runner, closed = runners.get(key, token)
    return runner, closed + runners.release(key)  # type: ignore[return-value]


def test_a_known_key_gets_its_runner_back_and_a_new_one_is_made_once():
    runners = cache(4)
    first, closed = runners.get("a", "key-a")
    again, _ = runners.get("a", "key-a")
    assert first is again and first.token == "key-a" and closed == [] and len(runners) == 1


def test_past_the_limit_the_least_recently_used_is_handed_back_to_close():
    runners = cache(2)
    a, _ = use(runners, "a", "ka")
    use(runners, "b", "kb")
    use(runners, "a", "ka")  # a is now the most recent
    _, closed = use(runners, "c", "kc")
    assert [r.token for r in closed] == ["kb"] and len(runners) == 2
    assert runners.get("a", "ka")[0] is a


def test_a_runner_following_a_job_is_kept_and_closed_once_the_job_ends():
    runners = cache(1)
    a, _ = runners.get("a", "ka")
    held = runners.hold(a)
    assert runners.release("a") == []  # the get is done with it; the job still follows
    _, closed = runners.get("b", "kb")
    assert closed == [] and len(runners) == 2  # a is busy: over the limit for now
    assert [r.token for r in runners.release(held)] == ["ka"] and len(runners) == 1


def test_a_runner_handed_out_is_not_closed_before_it_is_released():
    """Between ``get`` and the job's ``hold`` (the submit), other visitors must not close it."""
    runners = cache(1)
    a, _ = runners.get("a", "ka")
    closed = [r for n in range(64) for r in use(runners, f"v{n}", f"k{n}")[1]]
    assert a not in closed and len(closed) == 64
    held = runners.hold(a)  # the submit returned: the job follows with it
    assert held == "a" and runners.release("a") == []
    assert use(runners, "w", "kw")[1][0].token == "kw"  # a is still busy: the newcomer goes
    assert runners.release(held) == [] and len(runners) == 1
    assert [r.token for r in use(runners, "z", "kz")[1]] == ["ka"]  # idle now: the oldest goes


def test_a_runner_handed_out_twice_stays_until_both_release_it():
    runners = cache(1)
    a, _ = runners.get("a", "ka")
    assert runners.get("a", "ka")[0] is a
    runners.get("b", "kb")
    assert runners.release("a") == []
    assert [r.token for r in runners.release("a")] == ["ka"]


def test_a_runner_not_kept_here_is_neither_held_nor_released():
    runners = cache(1)
    assert runners.hold(Runner("operator")) is None  # type: ignore[arg-type]
    assert runners.release(None) == []


def test_a_thousand_visitors_from_eight_threads_leave_the_limit_and_close_every_other():
    runners = cache(16)
    made, closed = [], []
    lock = threading.Lock()

    def visit(n: int) -> None:
        for i in range(125):
            runner, gone = use(runners, f"{n}-{i}", f"k{n}-{i}")
            with lock:
                made.append(runner)
                closed.extend(gone)

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(runners) == 16 and len(made) == 1000
    assert len(closed) == 1000 - 16 and len({id(r) for r in closed}) == len(closed)
    assert len(runners.drain()) == 16 and len(runners) == 0
