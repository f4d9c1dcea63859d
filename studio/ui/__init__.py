"""The browser studio (Gradio 6). ``create_server()`` builds the app; ``serve()`` runs it.

Nothing here runs at import. Handlers call the :class:`~studio.jobs.manager.JobManager`, never HTTP.
"""

from __future__ import annotations

from studio.ui.blocks import build_app
from studio.ui.server import StudioServer, create_server, serve

__all__ = ["build_app", "create_server", "serve", "StudioServer"]
