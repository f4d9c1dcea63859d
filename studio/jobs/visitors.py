"""The job runners of visitors who bring their own RunComfy key: a bounded, thread-safe cache.

On a public deployment every visitor key gets its own HTTP client (the key goes only with that
visitor's calls). Kept without bound, a busy server would hold a client per visitor forever, so
:class:`VisitorRunners` keeps at most ``limit``, closes the least recently used first, and never
closes one that is in use: :meth:`~VisitorRunners.get` hands a runner out *held* (until the
caller's :meth:`~VisitorRunners.release`), and :meth:`~VisitorRunners.hold` keeps it held while a
job in flight is followed; it is closed once the last holder lets go, if it is over the limit
then. Gradio's threads and the job loop both reach it, so every change happens under one lock;
closing a client is handed back to the caller, who runs it on the loop that owns the client.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable

from studio.jobs.runner import JobRunner

__all__ = ["VisitorRunners"]


class VisitorRunners:
    """Runners by visitor key hash: at most ``limit`` idle ones, least recently used closed first;
    one that is held (handed out and not released, or following a job) is never closed."""

    def __init__(self, make: Callable[[str], JobRunner], limit: int) -> None:
        self._make = make
        self._limit = max(1, limit)
        self._runners: OrderedDict[str, JobRunner] = OrderedDict()
        self._busy: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._runners)

    def get(self, key: str, token: str) -> tuple[JobRunner, list[JobRunner]]:
        """The runner for ``key`` (made from ``token`` when new), held for the caller until
        ``release(key)``, and the runners to close now."""
        with self._lock:
            runner = self._runners.get(key)
            if runner is None:
                runner = self._runners[key] = self._make(token)
            self._runners.move_to_end(key)
            self._busy[key] += 1
            return runner, self._evict()

    def hold(self, runner: JobRunner) -> str | None:
        """Mark ``runner`` as following a job; returns its key (None for a runner not kept here)."""
        with self._lock:
            key = next((k for k, r in self._runners.items() if r is runner), None)
            if key is not None:
                self._busy[key] += 1
            return key

    def release(self, key: str | None) -> list[JobRunner]:
        """One holder of ``key``'s runner (a ``get`` or a ``hold``) is done with it; returns the runners to close now."""
        if key is None:
            return []
        with self._lock:
            self._busy[key] -= 1
            if self._busy[key] <= 0:
                del self._busy[key]
            return self._evict()

    def drain(self) -> list[JobRunner]:
        """Every runner, removed (for shutdown)."""
        with self._lock:
            runners = list(self._runners.values())
            self._runners.clear()
            self._busy.clear()
            return runners

    def _evict(self) -> list[JobRunner]:
        """Idle runners past the limit, oldest first; never a held one."""
        closed = []
        for key in list(self._runners):
            if len(self._runners) <= self._limit:
                break
            if not self._busy[key]:
                closed.append(self._runners.pop(key))
                del self._busy[key]
        return closed
