"""The simulator's request log: every call it served, for tests to assert on.

Tests ask questions such as "was the paid POST sent only once?", "did the token ever reach the
file host?" and "was cancel sent on Ctrl-C?". Each :class:`LogEntry` records the method, path,
query, headers, the body as text (truncated to :data:`BODY_LIMIT`), the operation and fault, the
answer's status (or ``dropped``) and timestamps. An ``Authorization`` value is kept only when it
is one of the simulator's own tokens, so a real key sent here by mistake is never stored.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["BODY_LIMIT", "LogEntry", "RequestLog"]

BODY_LIMIT = 4096  # bytes of each request body kept in the log
MAX_ENTRIES = 20_000  # the oldest entries are forgotten beyond this


@dataclass
class LogEntry:
    """One request the simulator received."""

    seq: int
    started_at: float
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: str
    authorization: bool
    op: str | None = None
    fault: str | None = None
    status: int | str | None = None
    finished_at: float | None = None
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _headers(raw: Iterable[tuple[bytes, bytes]], known_tokens: Iterable[str]) -> dict[str, str]:
    allowed = {f"bearer {t}".lower() for t in known_tokens}
    out: dict[str, str] = {}
    for key, value in raw:
        name = key.decode("latin-1").lower()
        text = value.decode("latin-1")
        if name == "authorization" and text.strip().lower() not in allowed:
            text = f"<redacted: {len(text)} characters, not a simulator token>"
        out[name] = f"{out[name]}, {text}" if name in out else text
    return out


class RequestLog:
    """A thread-safe, bounded, append-only list of :class:`LogEntry`."""

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._entries: deque[LogEntry] = deque(maxlen=MAX_ENTRIES)
        self._seq = 0

    def record(
        self,
        method: str,
        path: str,
        query: str,
        raw_headers: Iterable[tuple[bytes, bytes]],
        body: bytes,
        *,
        known_tokens: Iterable[str] = (),
    ) -> LogEntry:
        """Add an entry for a request that just arrived and return it (to fill in its outcome)."""
        raw = list(raw_headers)
        headers = _headers(raw, known_tokens)
        with self._lock:
            self._seq += 1
            entry = LogEntry(
                seq=self._seq,
                started_at=self._now(),
                method=method,
                path=path,
                query=query,
                headers=headers,
                body=body[:BODY_LIMIT].decode("utf-8", errors="replace"),
                authorization=any(k.lower() == b"authorization" for k, _ in raw),
            )
            self._entries.append(entry)
        return entry

    def finish(self, entry: LogEntry, status: int | str) -> None:
        """Record how a request ended: its HTTP status, or ``"dropped"``."""
        with self._lock:
            entry.status = status
            entry.finished_at = self._now()

    def entries(self, *, since: int = 0, op: str | None = None) -> list[LogEntry]:
        """Entries with ``seq > since`` (optionally only one operation), oldest first."""
        with self._lock:
            return [e for e in self._entries if e.seq > since and (op is None or e.op == op)]

    def clear(self) -> None:
        """Forget every entry (sequence numbers keep growing)."""
        with self._lock:
            self._entries.clear()

    def as_json(self, *, since: int = 0, op: str | None = None) -> list[dict[str, Any]]:
        return [e.as_json() for e in self.entries(since=since, op=op)]
