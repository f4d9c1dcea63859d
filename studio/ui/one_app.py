"""Gradio's web app made once per studio, not four times.

Building and mounting a ``gr.Blocks`` makes Gradio 6.31 create its FastAPI app (some 80 routes,
an MCP set-up and the page's whole configuration each) four times: when the Blocks is made
(``Blocks.__init__`` calls ``queue()``), when its ``with`` block ends, when the studio calls
``queue()`` with its own limits, and in ``mount_gradio_app``. Only the last one serves
anything; the third stays as ``demo.app``, which Gradio's queue consults when it runs an event.
Together the first three were about half of a studio's start (``bench/bench_boot.py``).

:func:`one_gradio_app` is the window (build and queue) in which ``gradio.blocks`` makes no app;
:func:`adopt_mounted_app` then gives the Blocks the app that was mounted, as ``launch()``
would, so the queue and the routes share one app. tests/test_one_app.py fails when a Gradio
upgrade changes what is relied on here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import gradio.blocks
from gradio.routes import App
from starlette.routing import Mount

__all__ = ["adopt_mounted_app", "one_gradio_app"]

_WINDOW = threading.Lock()  # one window at a time: the name replaced is the module's


class _NoApp:
    """What ``gradio.blocks`` sees as ``App`` inside the window: ``create_app`` makes nothing."""

    @staticmethod
    def create_app(*_: Any, **__: Any) -> None:
        return None


@contextmanager
def one_gradio_app() -> Iterator[None]:
    """Inside: building a Blocks and calling its ``queue()`` make no FastAPI app (``demo.app``
    stays None until :func:`adopt_mounted_app`). Only ``gradio.blocks`` is affected; a
    ``mount_gradio_app`` (in ``gradio.routes``) still makes its app."""
    with _WINDOW:
        gradio.blocks.App = _NoApp  # type: ignore[assignment,misc]
        try:
            yield
        finally:
            gradio.blocks.App = App  # type: ignore[misc]


def adopt_mounted_app(demo: Any, parent: Any) -> None:
    """Make the Gradio app mounted at ``/`` of ``parent`` the one ``demo`` (and its queue) uses."""
    mounted = [route.app for route in parent.routes if isinstance(route, Mount) and isinstance(route.app, App)]
    if len(mounted) != 1 or mounted[0].get_blocks() is not demo:
        raise RuntimeError("the studio's Gradio app is not mounted as expected")
    demo.app = mounted[0]
