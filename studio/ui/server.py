"""Putting the browser studio on the network: one ASGI app with Gradio and the media route.

``create_server()`` connects the studio (live with a token, else offline on the embedded
simulator), starts the job manager (which reattaches unfinished jobs), builds the Blocks and
mounts them next to ``/studio/media``. ``serve()`` runs it with uvicorn; ``app.py`` calls it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import gradio as gr
from fastapi import FastAPI

from ..config import Settings
from ..errors import ConfigError
from ..manager import JobManager
from ..service import Studio
from .actions import ACTION_HEAD
from .blocks import build_app
from .handlers import Handlers
from .i18n import I18N
from .limits import BodyLimit
from .media import MediaSigner, media_route, recipe_route, story_route
from .guard import enforce_upload_checks

__all__ = ["StudioServer", "create_server", "serve", "CSS_PATH", "lend_operator_token"]

CSS_PATH = Path(__file__).resolve().parents[2] / "assets" / "style.css"


@dataclass
class StudioServer:
    """The ASGI app and the parts a caller may need to stop or inspect."""

    app: Any
    manager: JobManager
    demo: gr.Blocks

    def close(self) -> None:
        self.manager.stop()


def lend_operator_token(studio: Studio, env: Mapping[str, str]) -> bool:
    """Whether visitors may spend the operator's token.

    On a public deployment (a Hugging Face Space, or ``STUDIO_PUBLIC=1``) it is off unless
    ``STUDIO_SHARE_OPERATOR_TOKEN=1``, and then a spending cap is required. On one's own machine
    it is on unless ``STUDIO_SHARE_OPERATOR_TOKEN=0``.
    """
    choice = env.get("STUDIO_SHARE_OPERATOR_TOKEN", "").strip()
    public = bool(env.get("SPACE_ID")) or env.get("STUDIO_PUBLIC", "") == "1"
    if not public:
        return choice != "0"
    if choice != "1":
        return False
    if studio.mode.live and studio.budget is None:
        raise ConfigError(
            "STUDIO_SHARE_OPERATOR_TOKEN=1 on a public deployment needs a spending cap: set "
            "STUDIO_DAILY_CAP_USD (and/or STUDIO_SESSION_CAP_USD)"
        )
    return True


def create_server(studio: Studio | None = None, *, queue_size: int = 64) -> StudioServer:
    """The studio's ASGI app, with its job manager started."""
    studio = studio or Studio.connect(Settings.from_env())
    manager = JobManager(studio, allow_operator_token=lend_operator_token(studio, os.environ)).start()
    signer = MediaSigner()
    demo = build_app(Handlers(manager, signer))
    demo.queue(default_concurrency_limit=8, max_size=queue_size)
    app = FastAPI(title="Kling Studio")
    app.router.routes.append(media_route(studio.journal, signer))
    app.router.routes.append(story_route(studio.settings.data_dir / "storyboards", signer))
    app.router.routes.append(recipe_route(studio.journal, signer))
    app = gr.mount_gradio_app(
        app,
        demo,
        path="/",
        css=CSS_PATH.read_text(encoding="utf-8"),
        head=ACTION_HEAD,
        i18n=I18N,
        max_file_size="25mb",
        footer_links=["api", "gradio", "settings"],
        run_history=False,
        # Only gr.Error texts (the studio's own words) reach a visitor; anything else is logged.
        show_error=False,
    )
    enforce_upload_checks(demo)
    return StudioServer(app=BodyLimit(app), manager=manager, demo=demo)


def serve(host: str | None = None, port: int | None = None, **uvicorn_options: Any) -> None:
    """Run the studio in the foreground (``python app.py``)."""
    import uvicorn

    server = create_server()
    host = host or os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1")
    port = port or int(os.environ.get("GRADIO_SERVER_PORT", os.environ.get("PORT", "7860")))
    print(f"Kling Studio: {server.manager.studio.mode.description}")
    print(f"Open http://{host}:{port}")
    try:
        # Open pages hold an event stream; don't let them keep a Ctrl-C waiting forever.
        options = {"timeout_graceful_shutdown": 3, **uvicorn_options}
        uvicorn.run(server.app, host=host, port=port, log_level="warning", **options)
    finally:
        server.close()
