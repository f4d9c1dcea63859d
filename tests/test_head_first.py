"""HeadFirst puts its script first in the page's <head>, and only there (pure ASGI, no server)."""

from __future__ import annotations

import asyncio
from typing import Any

from studio.ui.head_first import HeadFirst, insert_first

SCRIPT = "<script>first()</script>"


def _app(body_chunks: list[bytes], content_type: bytes = b"text/html; charset=utf-8", extra: list[tuple[bytes, bytes]] | None = None):
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        length = str(sum(map(len, body_chunks))).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", content_type), (b"content-length", length), *(extra or [])]})
        for n, chunk in enumerate(body_chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": n < len(body_chunks) - 1})

    return app


def _get(app: Any, path: str = "/", method: str = "GET") -> tuple[dict[bytes, bytes], bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(HeadFirst(app, SCRIPT)({"type": "http", "method": method, "path": path, "headers": []}, receive, send))
    headers = dict(sent[0]["headers"])
    return headers, b"".join(m.get("body", b"") for m in sent[1:])


def test_the_script_goes_right_after_the_head_tag_and_the_length_follows() -> None:
    page = [b"<!doctype html><html><HEAD lang='x'><script type=module src=a.js></script>", b"</head><body></body></html>"]
    headers, body = _get(_app(page))
    assert body == b"<!doctype html><html><HEAD lang='x'>" + SCRIPT.encode() + b"<script type=module src=a.js></script></head><body></body></html>"
    assert int(headers[b"content-length"]) == len(body)
    assert list(dict(_get(_app(page))[0]).keys()).count(b"content-length") == 1


def test_other_paths_methods_types_and_compressed_pages_pass_untouched() -> None:
    page = [b"<html><head></head></html>"]
    assert _get(_app(page), path="/gradio_api/info")[1] == page[0]
    assert _get(_app(page), method="HEAD")[1] == page[0]
    assert _get(_app(page, content_type=b"application/json"))[1] == page[0]
    assert _get(_app(page, extra=[(b"content-encoding", b"gzip")]))[1] == page[0]


def test_a_page_without_a_head_is_left_as_it_is() -> None:
    assert insert_first(b"<html><body>hi</body></html>", SCRIPT) == b"<html><body>hi</body></html>"
    assert insert_first(b"<header></header><head>", SCRIPT) == b"<header></header><head>" + SCRIPT.encode()

