"""A value worth keeping for a while: asked for again only once it is older than its lifetime.

The browser studio keeps a few answers that are slow or costly to get and change slowly (the
account balance, the typical run times learned from the journal). Safe from any thread: two
threads that find it stale at once may both fetch, and the later answer is kept.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Cached"]

T = TypeVar("T")


class Cached(Generic[T]):
    """One value, fetched again once it is ``seconds`` old (or after :meth:`clear`)."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._kept: tuple[float, T] | None = None
        self._lock = threading.Lock()

    def get(self, fetch: Callable[[], T]) -> T:
        """The kept value while it is fresh, else ``fetch()`` (kept from now)."""
        now = self._clock()
        with self._lock:
            kept = self._kept
        if kept is not None and now - kept[0] < self.seconds:
            return kept[1]
        value = fetch()
        with self._lock:
            self._kept = (now, value)
        return value

    def clear(self) -> None:
        """Forget the value: the next :meth:`get` fetches."""
        with self._lock:
            self._kept = None
