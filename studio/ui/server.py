"""Putting the browser studio on the network: one ASGI app with Gradio and the media route.

``create_server()`` connects the studio (live with a token, else offline on the embedded
simulator), starts the job manager (which reattaches unfinished jobs), builds the Blocks and
mounts them next to ``/studio/media`` (Gradio's app made once: :mod:`studio.ui.one_app`), with Gradio's MCP server at ``/gradio_api/mcp/`` offering
the agent tools only (:mod:`studio.ui.mcp_server`), sessions that keep no per-block copies
and no deep-link route (:mod:`studio.ui.sessions`), behind a cap on request bodies
(:mod:`studio.ui.limits`) and a fix Gradio's page needs before its modules load
(:mod:`studio.ui.head_first`). ``serve()`` runs it with uvicorn; ``app.py``
calls it (on a Hugging Face Space too: see :mod:`studio.ui.space`).

``/gradio_api/file=`` serves Gradio's uploads and cache and, with the ``space`` image host
only, the published-images folder (:attr:`Settings.public_images_dir`), which holds nothing but
the metadata-stripped copies that host publishes; nothing else of the data folder.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI

from studio.config import Settings
from studio.errors import ConfigError
from studio.jobs.manager import JobManager
from studio.jobs.service import Studio
from studio.secrets_store import LEGACY_BROWSER_SECRET, load_secrets
from studio.ui.actions import ACTION_HEAD
from studio.ui.blocks import build_app
from studio.ui.guard import enforce_upload_checks
from studio.ui.handlers import Handlers
from studio.ui.head_first import IDLE_FRAMES_FIX, HeadFirst
from studio.ui.i18n import I18N
from studio.ui.limits import BodyLimit
from studio.ui.mcp_server import mcp_wanted, narrow_mcp
from studio.ui.media import MediaSigner, media_route, recipe_route, story_route
from studio.ui.one_app import adopt_mounted_app, one_gradio_app
from studio.ui.page_js import PAGE_HEAD
from studio.ui.review_links import SHARE_HEAD
from studio.ui.review_routes import review_routes
from studio.ui.sessions import lean_sessions, no_deep_links
from studio.ui.space import listen_address

__all__ = ["StudioServer", "create_server", "serve", "CSS_PATH", "lend_operator_token", "published_images_folder"]

log = logging.getLogger("studio.ui")

CSS_PATH = Path(__file__).resolve().parents[2] / "assets" / "style.css"
# What the `space` image host writes: a random name and an image extension, nothing else.
_PUBLISHED_NAME = re.compile(r"[0-9a-f]{32}\.(?:jpg|jpeg|png|webp)")


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


def published_images_folder(settings: Settings) -> Path | None:
    """The folder ``/gradio_api/file=`` may serve: the ``space`` host's published images, created
    and emptied of anything that host would not have written; None with any other host."""
    if settings.image_host != "space":
        return None
    folder = settings.public_images_dir
    folder.mkdir(parents=True, exist_ok=True)
    folder = folder.resolve()
    for entry in folder.iterdir():
        if entry.is_symlink() or not entry.is_file() or not _PUBLISHED_NAME.fullmatch(entry.name):
            # Served publicly and inline: only the host's own stripped images may be there.
            log.warning("removing %s from the published-images folder (not an image the studio published)", entry.name)
            try:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
            except OSError as exc:
                raise ConfigError(f"{folder} holds {entry.name}, which would be public; remove it ({exc})") from None
    return folder


# Gradio keeps this many events for its monitoring summary (10,000 by default).
_ANALYTICS_EVENTS = 1000


def quiet_queue(demo: gr.Blocks, seconds: float, env: Mapping[str, str] | None = None) -> None:
    """Spare the (already created) queue of ``demo`` two costs Gradio has no option for
    (tests/test_server_idle.py fails when a Gradio upgrade renames what is set here):

    - while empty it wakes every millisecond to look for new events (50 ms on Windows) and every
      10 ms to look for progress to send, a few % of a core for a studio nobody uses: now both
      every ``seconds`` (``Settings.queue_idle_poll_seconds``; bench/bench_idle_server.py);
    - after every event it rebuilds its monitoring summary (a pandas frame of up to 10,000 past
      events), though the studio never turns monitoring on: now never, unless the operator sets
      ``GRADIO_ANALYTICS_CACHE_FREQUENCY`` (bench/bench_queue_events.py), and 1,000 events kept.
    """
    env = os.environ if env is None else env
    queue = getattr(demo, "_queue", None)
    if queue is None:
        return
    for loop in ("sleep_when_free", "progress_update_sleep_when_free"):
        if isinstance(getattr(queue, loop, None), float):
            setattr(queue, loop, seconds)
    if not getattr(demo, "enable_monitoring", False) and not env.get("GRADIO_ANALYTICS_CACHE_FREQUENCY"):
        if isinstance(getattr(queue, "ANAYLTICS_CACHE_FREQUENCY", None), int):
            queue.ANAYLTICS_CACHE_FREQUENCY = 2**62
        if isinstance(getattr(queue, "ANALYTICS_MAX_EVENTS", None), int):
            queue.ANALYTICS_MAX_EVENTS = min(queue.ANALYTICS_MAX_EVENTS, _ANALYTICS_EVENTS)


def create_server(studio: Studio | None = None) -> StudioServer:
    """The studio's ASGI app, with its job manager started."""
    studio = studio or Studio.connect(Settings.from_env())
    settings = studio.settings
    published = published_images_folder(settings)
    # Browsers that used this data folder before secrets were kept still read what they stored.
    kept = load_secrets(
        settings.secrets_path,
        os.environ,
        browser_default=LEGACY_BROWSER_SECRET if studio.journal.find(limit=1) else None,
    )
    manager = JobManager(studio, allow_operator_token=lend_operator_token(studio, os.environ)).start()
    signer = MediaSigner(kept.media)
    handlers = Handlers(manager, signer, browser_secret=kept.browser)
    with one_gradio_app():  # Gradio's app is made once, by the mount (studio.ui.one_app)
        demo = build_app(handlers)
        demo.queue(default_concurrency_limit=settings.ui_concurrency, max_size=settings.queue_size)
    quiet_queue(demo, settings.queue_idle_poll_seconds)
    app = FastAPI(title="Kling Studio")
    app.router.routes.append(media_route(studio.journal, signer))
    app.router.routes.append(story_route(studio.journal, signer))
    app.router.routes.append(recipe_route(studio.journal, signer))
    app.router.routes.extend(review_routes(manager, signer))  # "Share for review" (studio.ui.review_routes)
    app.router.routes.append(no_deep_links())  # before Gradio's own (studio.ui.sessions)
    app = gr.mount_gradio_app(
        app,
        demo,
        path="/",
        css=CSS_PATH.read_text(encoding="utf-8"),
        head=ACTION_HEAD + PAGE_HEAD + SHARE_HEAD,
        i18n=I18N,
        max_file_size="25mb",
        # Only the published images (the `space` host), never the rest of the data folder.
        allowed_paths=[str(published)] if published is not None else None,
        blocked_paths=[str(settings.secrets_path.resolve())],
        footer_links=["api", "gradio", "settings"],
        run_history=False,
        # Only gr.Error texts (the studio's own words) reach a visitor; anything else is logged.
        show_error=False,
        # Agents' tools at /gradio_api/mcp/ (studio.ui.agent_tools), and only those.
        mcp_server=mcp_wanted(os.environ),
    )
    adopt_mounted_app(demo, app)
    narrow_mcp(demo)
    enforce_upload_checks(demo)
    lean_sessions(demo)
    return StudioServer(app=BodyLimit(HeadFirst(app, IDLE_FRAMES_FIX)), manager=manager, demo=demo)


def serve(host: str | None = None, port: int | None = None, **uvicorn_options: Any) -> None:
    """Run the studio in the foreground (``python app.py``)."""
    import uvicorn

    default_host, default_port = listen_address(os.environ)
    host, port = host or default_host, port or default_port
    server = create_server()
    print(f"Kling Studio: {server.manager.studio.mode.description}")
    print(f"Open http://{host}:{port}")
    if host in ("0.0.0.0", "::"):
        print(f"(listening on every interface; on this machine: http://127.0.0.1:{port})")
    try:
        # Open pages hold an event stream; don't let them keep a Ctrl-C waiting forever.
        options = {"timeout_graceful_shutdown": 3, **uvicorn_options}
        uvicorn.run(server.app, host=host, port=port, log_level="warning", **options)
    finally:
        server.close()
