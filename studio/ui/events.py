"""How the page's events are sent to the server: the keyword sets the wiring passes to Gradio.

:data:`QUIET`: private to the page (no API endpoint) and no progress shown. :data:`AT_ONCE`:
the same, answered at once (``queue=False``: one request, no queue stream). What only reshapes
the page (its load, the form's event, the shots, the modes, a refresh, the gallery's filters,
the storyboard's price) is sent at once; only work that costs waits in Gradio's queue, bounded
by ``Settings.ui_concurrency`` (a submit, an image's decoding, a recipe file, a job's action, a
storyboard run). Queued events fired together at load sometimes left the page's event stream
open after their answers (Gradio 6.31's client), and each one costs a join and a stream where
one request does (``tests/test_ui_wiring.py`` checks which events wait).
"""

from __future__ import annotations

from typing import Any

__all__ = ["AT_ONCE", "QUIET"]

QUIET: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden"}
AT_ONCE: dict[str, Any] = {**QUIET, "queue": False}
