"""One lock per browser session, so a page's form events are answered in the order they came.

A form change is answered outside Gradio's queue (at once), by threads that run side by side.
Several changes at once (a reused job or a restored draft sets many fields; a quick click
after a keystroke) send several requests; answered side by side, an older one that finishes
last would leave the page showing the price of a form it no longer has. Holding the session's
lock while answering makes the server finish them in the order they arrived.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

__all__ = ["SessionLocks"]


class SessionLocks:
    """A lock per session key; at most ``size`` kept, the least recently used dropped first
    (a dropped one that is still held finishes as it is; the next request makes a new one)."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._locks: OrderedDict[str, threading.Lock] = OrderedDict()
        self._guard = threading.Lock()

    def __len__(self) -> int:
        return len(self._locks)

    def get(self, key: str) -> threading.Lock:
        with self._guard:
            lock = self._locks.pop(key, None) or threading.Lock()
            self._locks[key] = lock
            while len(self._locks) > self._size:
                self._locks.popitem(last=False)
            return lock
