"""A cap on request bodies, in front of everything the studio serves (pure ASGI).

Gradio reads a whole JSON body into memory before any handler can check it, so a visitor
could make the server allocate as much as they send. :class:`BodyLimit` answers 413 to any
body over :data:`MAX_BODY_BYTES` (by its ``Content-Length``, or while it streams in), except
file uploads, which Gradio streams to disk under its own ``max_file_size``.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimit", "MAX_BODY_BYTES"]

MAX_BODY_BYTES = 1024 * 1024
_STREAMED_TO_DISK = ("/gradio_api/upload",)


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse request bodies larger than ``limit`` bytes with 413, before they are read whole."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").endswith(_STREAMED_TO_DISK):
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._refuse(send)
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"error": f"request body: larger than {self.limit // 1024} KB; nothing was done"}).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
