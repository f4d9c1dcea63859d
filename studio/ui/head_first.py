"""Scripts that must run before Gradio's own modules, put at the top of the page's ``<head>``
(pure ASGI, in front of the Gradio app).

Gradio adds a ``head=`` string to the page only after its modules have loaded, which is too late
for a fix to something those modules capture when they load. :class:`HeadFirst` inserts its
script right after ``<head>`` in the HTML of the page itself (``GET /``); every other response
passes through untouched.

:data:`IDLE_FRAMES_FIX` is the one script so far: Gradio 6.31's status tracker counts elapsed
seconds with a ``requestAnimationFrame`` loop that outlives the tracker. The app's own
"Loading..." tracker goes on asking for a frame 60 times a second after the page has loaded, so
an idle tab never stops drawing (about 8 % of a core in Chromium; the same in a bare Gradio 6.31
app). The tracker's requests are served on a 100 ms timer instead: a shown timer still counts
to the tenth of a second it displays, and an idle page draws nothing.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HeadFirst", "IDLE_FRAMES_FIX"]


IDLE_FRAMES_FIX = """<script>
(() => {
  const frame = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => /\\/statustracker-[^/]*\\.js/.test(new Error().stack || "")
    ? setTimeout(() => callback(performance.now()), 100)
    : frame(callback);
})();
</script>"""

_HEAD = re.compile(rb"<head(\s[^>]*)?>", re.IGNORECASE)


def insert_first(html: bytes, script: str) -> bytes:
    """``html`` with ``script`` right after its ``<head>`` tag (unchanged when it has none)."""
    found = _HEAD.search(html)
    if found is None:
        return html
    return html[: found.end()] + script.encode() + html[found.end() :]


class HeadFirst:
    """Insert ``script`` first in the ``<head>`` of the HTML answered to ``GET`` on ``paths``."""

    def __init__(self, app: ASGIApp, script: str, paths: tuple[str, ...] = ("/",)) -> None:
        self.app = app
        self.script = script
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or scope.get("path") not in self.paths:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                html = headers.get(b"content-type", b"").startswith(b"text/html")
                if not html or b"content-encoding" in headers:
                    await send(message)  # not the page (or compressed): as it is
                else:
                    start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            page = insert_first(b"".join(body), self.script)
            kept = [(k, v) for k, v in start.get("headers") or [] if k.lower() != b"content-length"]
            await send({**start, "headers": [*kept, (b"content-length", str(len(page)).encode())]})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, rewrite)
