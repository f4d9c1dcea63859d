"""The simulator's front door: a raw ASGI layer that logs every call and injects faults.

It classifies each request into an operation (see :data:`studio.simulator.faults.OPS`), records
it in the :class:`~studio.simulator.requestlog.RequestLog`, asks the
:class:`~studio.simulator.faults.FaultBook` whether this call misbehaves, and carries out the
transport-level faults itself: error statuses, a dropped connection (the socket is really closed
with no response at all), an accepted-then-dropped submit, a slow answer, a non-JSON 200 and a
200 carrying ``error_code``. Faults that need the API's knowledge (a job that will fail, a
truncated download) are passed on in ``scope["sim"]``. Test-control paths (``/_sim/``) are
never logged or faulted.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from studio.simulator.faults import GENERIC_KINDS, FaultBook, FaultRule
from studio.simulator.requestlog import RequestLog

__all__ = ["Gateway", "classify", "close_connection"]

Scope = MutableMapping[str, Any]  # as in the ASGI spec (and Starlette's own types)
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_REQUEST_OP = re.compile(r"^/v1/requests/[^/]+/(status|result|cancel)$")


def classify(method: str, path: str) -> str | None:
    """The operation a request performs, or None for paths outside the protocol."""
    if path.startswith("/v1/models"):
        return "submit" if method == "POST" else "catalog"
    match = _REQUEST_OP.match(path)
    if match:
        return match.group(1)
    if path.rstrip("/") == "/prod/v2/balance":
        return "balance"
    if path.startswith("/files/"):
        return "download"
    return None


async def close_connection(send: Send) -> None:
    """Close the client's TCP connection now, flushing only bytes already written.

    Reaches uvicorn's transport through the ``send`` callable it handed to the app, so no
    500 or other response is sent. Without access to a transport, it falls back to raising
    (the server then closes the connection, possibly after a 500).
    """
    cycle: Any = getattr(send, "__self__", None)  # uvicorn's protocol cycle, when ``send`` is its bound method
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionAbortedError("simulated connection drop")
    transport.close()
    for _ in range(5):  # let connection_lost run so uvicorn knows the client is gone
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0)
    if hasattr(cycle, "disconnected"):
        cycle.disconnected = True


async def _json(send: Send, status: int, body: Any, headers: Iterable[tuple[str, str]] = ()) -> None:
    data = json.dumps(body).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in headers]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": data})


_MESSAGES = {
    429: "rate limited (simulated)",
    408: "request timeout (simulated)",
    500: "internal server error (simulated)",
    502: "bad gateway (simulated)",
    503: "service unavailable (simulated)",
}


class Gateway:
    """Wraps the Starlette app: logging and fault injection in front of every route."""

    def __init__(
        self, app: ASGIApp, faults: FaultBook, log: RequestLog, tokens: Callable[[], Iterable[str]]
    ) -> None:
        self.app = app
        self.faults = faults
        self.log = log
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sim/"):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        method, path = scope["method"], scope["path"]
        op = classify(method, path)
        entry = self.log.record(
            method,
            path,
            scope.get("query_string", b"").decode("latin-1"),
            scope.get("headers", []),
            body,
            known_tokens=self.tokens(),
        )
        rule = self.faults.take(op) if op else None
        entry.op, entry.fault = op, rule.kind if rule else None

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.log.finish(entry, int(message["status"]))
            await send(message)

        async def drop() -> None:
            if entry.status is None:
                self.log.finish(entry, "dropped")
            else:
                entry.notes.append("connection closed before the body was complete")
            await close_connection(send)

        scope["sim"] = {"op": op, "fault": rule, "drop": drop}
        replay = _replay(body, receive)
        if rule is not None and rule.kind in GENERIC_KINDS and await self._generic(rule, scope, replay, logged_send, drop):
            return
        if rule is not None and rule.kind == "drop_after_accept":
            await self.app(scope, replay, _discard)
            entry.notes.append("request handled, answer discarded")
            await drop()
            return
        await self.app(scope, replay, logged_send)

    async def _generic(
        self, rule: FaultRule, scope: Scope, receive: Receive, send: Send, drop: Callable[[], Awaitable[None]]
    ) -> bool:
        """Carry out a transport-level fault; True when the request is fully answered."""
        kind = rule.kind
        if kind == "slow":
            await asyncio.sleep(rule.delay)
            return False
        if kind == "drop":
            await drop()
        elif kind == "malformed":
            data = b"<html><body>upstream returned something that is not JSON</body></html>"
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": data})
        elif kind == "error_code_200":
            body = {"error_code": 500001, "error_message": "internal error (simulated, sent with HTTP 200)"}
            await _json(send, 200, body)
        else:
            status = int(kind)
            retry_after = [("retry-after", f"{rule.retry_after:g}")] if rule.retry_after is not None else []
            body = {"error_code": status * 1000 + 1, "error_message": _MESSAGES[status], "detail": []}
            await _json(send, status, body, retry_after)
        return True


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive callable that hands the already-read body to the app once, then waits as usual."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _discard(message: Message) -> None:
    """A send callable that throws the answer away (for ``drop_after_accept``)."""
