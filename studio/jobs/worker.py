"""The browser studio's worker: one thread running one event loop, and the tasks on it.

Every job and storyboard of the browser studio is submitted and followed on this loop, so no
browser request waits on RunComfy and a closed tab loses nothing. Gradio's threads reach it
through :meth:`Worker.call` (run a coroutine there and wait for its answer) and
:meth:`Worker.soon` (run one there without waiting). Background tasks are named: at most one per
name runs, and the names in flight can be asked from any thread. Knows nothing about jobs.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

__all__ = ["Worker"]

T = TypeVar("T")


class Worker:
    """A daemon thread with its own event loop, and the named background tasks running on it."""

    def __init__(self, name: str = "kling-jobs") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._lock = threading.Lock()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> bool:
        """Start the thread; False when it was already running."""
        if self._thread.is_alive():
            return False
        self._thread.start()
        return True

    def call(self, coro: Awaitable[T], *, timeout: float = 120.0) -> T:
        """Run ``coro`` on the loop and wait (from another thread) for its result."""
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]
        return future.result(timeout)

    def soon(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run ``coro`` on the loop without waiting for it (from any thread)."""
        asyncio.run_coroutine_threadsafe(coro, self.loop)

    def spawn(self, name: str, make: Callable[[], Coroutine[Any, Any, Any]]) -> bool:
        """Start ``make()`` as the task ``name`` unless one by that name is running; False then.

        Call on the loop (from a coroutine run there), so checking and starting are one step.
        """
        with self._lock:
            if name in self._tasks:
                return False
            task = self.loop.create_task(make())
            self._tasks[name] = task
        task.add_done_callback(lambda _: self._forget(name, task))
        return True

    def _forget(self, name: str, task: asyncio.Task[Any]) -> None:
        with self._lock:
            if self._tasks.get(name) is task:
                del self._tasks[name]

    def running(self, name: str) -> bool:
        """Whether the task ``name`` is running (from any thread)."""
        with self._lock:
            return name in self._tasks

    def idle(self) -> bool:
        with self._lock:
            return not self._tasks

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Wait until no task runs (tests and shutdown)."""
        deadline = time.monotonic() + timeout
        while not self.idle() and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.idle()

    def stop(self, last: Callable[[], Awaitable[None]], *, timeout: float = 30.0) -> None:
        """Cancel every task, run ``last()`` on the loop, then end the loop and its thread."""
        if not self._thread.is_alive():
            return

        async def shutdown() -> None:
            with self._lock:
                tasks = list(self._tasks.values())
            for task in tasks:
                task.cancel()
            await last()

        self.call(shutdown(), timeout=timeout)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
