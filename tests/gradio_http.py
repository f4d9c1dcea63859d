"""Gradio's HTTP protocol as an outsider speaks it to ``python app.py``: call an endpoint by
name (``POST /gradio_api/call/<name>``, then its event stream), and join the queue as a session
of the caller's naming (``/gradio_api/queue/join``, then ``/gradio_api/queue/data``)."""

from __future__ import annotations

import json
from typing import Any

import httpx

__all__ = ["call", "fn_index", "join"]


def call(client: httpx.Client, api_name: str, data: list[Any]) -> tuple[str, Any]:
    """``("complete", data)`` or ``("error", data)`` as the stream ends; ``("http <status>", body
    text)`` when the call is refused; ``("transport", None)`` when the stream ends without either."""
    name = api_name.lstrip("/")
    posted = client.post(f"/gradio_api/call/{name}", json={"data": data})
    if posted.status_code != 200:
        return f"http {posted.status_code}", posted.text
    event = None
    with client.stream("GET", f"/gradio_api/call/{name}/{posted.json()['event_id']}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                raw = line[5:].strip()
                try:
                    return event, json.loads(raw)
                except ValueError:
                    return event, raw
    return "transport", None


def fn_index(config: dict[str, Any], api_name: str) -> int:
    """The index of the event named ``api_name`` in the app's ``/config``."""
    return next(d["id"] for d in config["dependencies"] if d.get("api_name") == api_name.lstrip("/"))


def join(client: httpx.Client, index: int, session: str, data: list[Any]) -> httpx.Response:
    """Run event ``index`` as session ``session`` through the queue, until it completes; the
    join's own answer."""
    joined = client.post("/gradio_api/queue/join", json={"data": data, "fn_index": index, "session_hash": session})
    if joined.status_code == 200:
        with client.stream("GET", f"/gradio_api/queue/data?session_hash={session}") as stream:
            for line in stream.iter_lines():
                if "process_completed" in line:
                    break
    return joined
