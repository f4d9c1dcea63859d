"""The simulator's file host: result MP4s behind signed-looking URLs, and benchmark blobs.

``GET /files/{request_id}/{name}.mp4?sig=…`` serves a finished job's video with
``Content-Type: video/mp4`` and ``Content-Length``, streamed in chunks with constant memory. No
token is needed; whether one was sent anyway is in the request log (the studio must never
send it here). ``GET /files/blob/{size}.bin`` streams ``size`` deterministic bytes for
download benchmarks. The download faults (truncated, oversized, huge chunked, redirects,
empty, expired) are carried out here, for both routes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from studio.simulator.jobs import NotOwner, UnknownJob

__all__ = ["CHUNK", "HUGE_BYTES", "OFFHOST_URL", "blob", "job_file", "block"]

CHUNK = 1024 * 1024  # bytes per streamed chunk
HUGE_BYTES = 3 * 1024**3  # what "oversized" advertises and "huge_chunked" streams at most
OFFHOST_URL = "http://evil.example.net/x.mp4"
_PATTERN = bytes(range(256)) * (CHUNK // 256)
_ZEROS = bytes(CHUNK)
_MAX_BLOB = 64 * 1024**3

Chunks = Callable[[int], AsyncIterator[bytes]]  # limit in bytes -> chunks


def block(size: int) -> Chunks:
    """Chunks of the deterministic blob pattern (byte ``i`` is ``i % 256``), at most ``size`` bytes."""

    async def chunks(limit: int) -> AsyncIterator[bytes]:
        left = min(size, limit)
        while left > 0:
            piece = _PATTERN if left >= CHUNK else _PATTERN[:left]
            left -= len(piece)
            yield piece

    return chunks


def _file(path: Path) -> Chunks:
    async def chunks(limit: int) -> AsyncIterator[bytes]:
        with path.open("rb") as handle:
            left = limit
            while left > 0:
                piece = await asyncio.to_thread(handle.read, min(CHUNK, left))
                if not piece:
                    break
                left -= len(piece)
                yield piece

    return chunks


class _Download(Response):
    """A raw streamed answer of ``size`` bytes, possibly sabotaged by a download fault."""

    media_type: str  # always given (Response allows None)

    def __init__(self, size: int, chunks: Chunks, media_type: str, kind: str | None, drop: Any, rate: float = 0.0) -> None:
        self.size, self.chunks, self.kind, self.drop, self.rate = size, chunks, kind, drop, rate
        self.media_type = media_type
        self.background = None

    async def __call__(self, scope: Any, receive: Any, send: Callable[[Any], Awaitable[None]]) -> None:
        kind, size = self.kind, self.size
        headers = [(b"content-type", self.media_type.encode()), (b"accept-ranges", b"none")]
        if kind == "empty":
            size = 0
        if kind == "oversized":
            headers.append((b"content-length", str(HUGE_BYTES).encode()))
        elif kind != "huge_chunked":
            headers.append((b"content-length", str(size).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        if scope["method"] == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        if kind == "huge_chunked":
            await self._zeros(send)
            return
        limit = {"truncated": size // 2, "oversized": min(size, 64 * 1024)}.get(kind or "", size)
        async for piece in self.chunks(limit):
            for part in _paced(piece, self.rate):
                await send({"type": "http.response.body", "body": part, "more_body": True})
                if self.rate:
                    await asyncio.sleep(len(part) / self.rate)
        if kind in ("truncated", "oversized"):
            await self.drop()
            return
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    async def _zeros(send: Callable[[Any], Awaitable[None]]) -> None:
        """Stream zeros with no Content-Length until :data:`HUGE_BYTES`, reusing one buffer."""
        for _ in range(HUGE_BYTES // CHUNK):
            await send({"type": "http.response.body", "body": _ZEROS, "more_body": True})
        await send({"type": "http.response.body", "body": b""})


def _paced(piece: bytes, rate: float) -> list[bytes]:
    """``piece`` whole, or cut into tenth-of-a-second parts when downloads are paced."""
    if not rate:
        return [piece]
    step = max(1024, int(rate / 10))
    return [piece[i : i + step] for i in range(0, len(piece), step)]


def _error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"error_code": code, "error_message": message, "detail": []}, status_code=status)


def _answer(request: Request, size: int, chunks: Chunks, media_type: str) -> Response:
    sim = request.scope.get("sim") or {}
    rule = sim.get("fault")
    kind = rule.kind if rule is not None else None
    if kind == "expired":
        return _error(404, 404001, "this file link has expired")
    if kind == "redirect_offhost":
        return RedirectResponse(OFFHOST_URL, status_code=302)
    if kind == "redirect_onhost":
        # The same file on the same host as the link handed out (the configured file base,
        # so a client reaching us through a routed https host is sent back to that host).
        base = request.app.state.sim.config.file_base_url or str(request.base_url).rstrip("/")
        query = request.url.query
        return RedirectResponse(f"{base}{request.url.path}?{query + '&' if query else ''}hop=1", status_code=302)
    rate = request.app.state.sim.config.download_bytes_per_second
    return _Download(size, chunks, media_type, kind, sim.get("drop"), rate)


async def blob(request: Request) -> Response:
    """``GET /files/blob/{size}.bin``: ``size`` deterministic bytes (byte ``i`` is ``i % 256``)."""
    size = int(request.path_params["size"])
    if size > _MAX_BLOB:
        return _error(400, 400001, f"blob size is capped at {_MAX_BLOB} bytes")
    return _answer(request, size, block(size), "application/octet-stream")


async def job_file(request: Request) -> Response:
    """``GET /files/{request_id}/{name}?sig=…``: a finished job's MP4 (no token needed)."""
    store = request.app.state.sim.store
    request_id, name = request.path_params["request_id"], request.path_params["name"]
    try:
        job = store.get(request_id)
    except (UnknownJob, NotOwner):
        return _error(404, 404001, "no such file (unknown or expired)")
    if name != job.file_name or job.state != "completed" or job.output is None:
        return _error(404, 404001, "no such file")
    if request.query_params.get("sig") != job.sig:
        return _error(403, 403001, "the link's signature does not match")
    path = Path(job.output)
    if not path.is_file():
        return _error(404, 404001, "the file is gone")
    return _answer(request, path.stat().st_size, _file(path), "video/mp4")
