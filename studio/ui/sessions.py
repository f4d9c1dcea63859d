"""What Gradio keeps per visitor session: the blocks as that session's events changed them, and
nothing for deep links, which the studio does not offer.

For every new session (each page load, each API call), Gradio 6.31 builds the configuration of
every block of the page (about 210 here) for its "deep link" feature: about 20 ms of CPU and
0.4 MB that stay until 10,000 sessions are held, so an outsider's 10,000 API calls would hold
about 4 GB (bench/bench_sessions.py). It builds a block's configuration again, JSON schema
included, each time a handler changes that block with ``gr.update``. And
``GET /gradio_api/deep_link?session_hash=…`` writes that session's whole configuration (about
150 KB) into Gradio's temp folder on every call, without bound.

:func:`lean_sessions` makes the app's sessions :class:`LeanSessionState`: Gradio's own, with its
copy of the block table (the blocks ``gr.update`` changed for this session) and its ``gr.State``
values, but no configuration copies. :func:`no_deep_links` is the route that answers
``/gradio_api/deep_link`` with 404 before Gradio's would write anything.
tests/test_sessions.py fails when a Gradio upgrade changes what is replaced here.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from copy import copy
from typing import Any

from gradio.components import State
from gradio.state_holder import SessionState, StateHolder
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

__all__ = ["DEEP_LINK_PATH", "LeanSessionState", "LeanStateHolder", "lean_sessions", "no_deep_links"]

DEEP_LINK_PATH = "/gradio_api/deep_link"


class LeanSessionState(SessionState):
    """Gradio's session state without the per-block configuration copies kept for deep links."""

    def __init__(self, blocks: Any) -> None:  # SessionState.__init__, less the configuration copies
        self.blocks_config = copy(blocks.default_config)
        self.config_values: dict[int, Any] = {}
        self.state_data: dict[int, Any] = {}
        self._state_ttl: dict[int, Any] = {}
        self.is_closed = False
        self.STATE_TTL_WHEN_CLOSED = 1 if os.getenv("GRADIO_IS_E2E_TEST", None) else 3600

    def __setitem__(self, key: int, value: Any) -> None:  # SessionState.__setitem__, less the configuration
        block = self.blocks_config.blocks.get(key)
        if isinstance(block, State):
            self._state_ttl[key] = (block.time_to_live, datetime.datetime.now())
            self.state_data[key] = value
        else:
            self.blocks_config.blocks[key] = value  # a component a handler changed, this session's own

    def _update_config(self, key: int) -> None:
        pass

    def _update_value_in_config(self, key: int, value: Any) -> None:
        pass

    @property
    def components(self) -> Iterator[dict[str, Any]]:
        return iter(())


class LeanStateHolder(StateHolder):
    """Gradio's session store, making :class:`LeanSessionState` sessions."""

    def __getitem__(self, session_id: str) -> SessionState:
        if session_id not in self.session_data:
            self.session_data[session_id] = LeanSessionState(self.blocks)
        return super().__getitem__(session_id)


def lean_sessions(demo: Any) -> None:
    """Make the sessions of ``demo`` (mounted already) lean, sessions made so far included."""
    holder = demo.state_holder
    if type(holder) is StateHolder:
        holder.__class__ = LeanStateHolder
    for session in holder.session_data.values():
        if type(session) is SessionState:
            session.__class__ = LeanSessionState
            session.config_values = {}


async def _no_deep_link(request: Request) -> JSONResponse:
    return JSONResponse({"error": "this studio has no deep links"}, status_code=404)


def no_deep_links() -> Route:
    """The route to put before Gradio's mount: ``/gradio_api/deep_link`` answers 404."""
    return Route(DEEP_LINK_PATH, _no_deep_link, methods=["GET", "HEAD", "POST"])
