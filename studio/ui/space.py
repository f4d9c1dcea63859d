"""Running as a Hugging Face Space: where to listen, and what to say when nothing persists.

A Space (Gradio SDK) runs ``python app.py`` with ``SPACE_ID`` (``owner/name``) and
``SPACE_HOST`` set; its proxy reaches the app on port 7860 from outside the container, so the
app must listen on every interface there. Elsewhere the studio listens on loopback only.
A Space keeps files across restarts only in its persistent storage (``/data``); without it the
journal, the videos and the kept secrets are gone at each restart, and the page says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from studio.config import SPACES_PERSISTENT_ROOT, Settings, on_space, persistent_root
from studio.errors import ConfigError

__all__ = ["listen_address", "storage_warning", "DEFAULT_PORT"]

DEFAULT_PORT = 7860

_STORAGE_WARNING = {
    "en": (
        "This Space has no persistent storage: jobs and videos are lost at each restart "
        "(add persistent storage in the Space settings to keep them)."
    ),
    "zh": "此 Space 没有持久存储：每次重启都会丢失任务和视频（在 Space 设置中添加持久存储即可保留）。",
}


def listen_address(env: Mapping[str, str]) -> tuple[str, int]:
    """The interface and port to listen on.

    ``GRADIO_SERVER_NAME`` if set; else ``0.0.0.0`` on a Space (``SPACE_ID`` set), so its proxy
    can reach the app, and ``127.0.0.1`` anywhere else. The port is ``GRADIO_SERVER_PORT``, else
    ``PORT``, else 7860.
    """
    host = env.get("GRADIO_SERVER_NAME", "").strip() or ("0.0.0.0" if on_space(env) else "127.0.0.1")
    for name in ("GRADIO_SERVER_PORT", "PORT"):
        raw = env.get(name, "").strip()
        if raw:
            try:
                port = int(raw)
            except ValueError:
                raise ConfigError(f"{name}: {raw!r} is not a port number") from None
            if not 0 < port < 65536:
                raise ConfigError(f"{name}: {raw!r} is not a port number (1-65535)")
            return host, port
    return host, DEFAULT_PORT


def storage_warning(
    settings: Settings, env: Mapping[str, str], *, lang: str = "en", persistent: Path = SPACES_PERSISTENT_ROOT
) -> str | None:
    """On a Space whose data folder is not in persistent storage, the sentence that says jobs and
    videos are lost at each restart (plain text, no markup); None everywhere else.

    ``persistent`` is where a Space mounts its persistent storage (a parameter for tests).
    """
    if not on_space(env):
        return None
    root = persistent_root(env, persistent)
    if root is not None and _inside(settings.data_dir, root):
        return None
    return _STORAGE_WARNING["zh" if lang == "zh" else "en"]


def _inside(path: Path, root: Path) -> bool:
    try:
        return Path(path).expanduser().resolve().is_relative_to(Path(root).resolve())
    except (OSError, RuntimeError, ValueError):
        return False
