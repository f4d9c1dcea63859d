"""The studio's own secrets, generated once and kept in the data folder.

Two secrets belong to the web studio itself (never the RunComfy token, which is only ever read,
see :mod:`studio.client.credentials`):

- ``media`` signs the gallery's video, storyboard and recipe links (``STUDIO_MEDIA_SECRET``);
- ``browser`` obscures what a browser keeps in ``gr.BrowserState`` (``STUDIO_BROWSER_SECRET``).

A value set in the environment always wins and is never written anywhere. A value not set there
is read from ``<data dir>/secrets.json`` (mode 0600), or generated once and written there, so
signed links and browser state survive restarts. A file that cannot be read or parsed is
replaced by new secrets, with a log line; when the file cannot be written the studio still
starts, with secrets that last until the process ends (logged too).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["StudioSecrets", "load_secrets", "ENV_NAMES", "LEGACY_BROWSER_SECRET"]

log = logging.getLogger("studio.secrets")

# Which environment variable overrides which kept secret.
ENV_NAMES = {"media": "STUDIO_MEDIA_SECRET", "browser": "STUDIO_BROWSER_SECRET"}
# The browser secret every studio used before secrets were kept (a fixed, public string).
LEGACY_BROWSER_SECRET = "kling-studio-browser-state"
_MIN_LEN, _MAX_LEN = 16, 512


@dataclass(frozen=True)
class StudioSecrets:
    """The secrets in use, and where each came from (``"env"``, ``"file"``, ``"new"`` or ``"memory"``)."""

    media: str = field(repr=False)
    browser: str = field(repr=False)
    sources: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"StudioSecrets(<secrets>, sources={dict(self.sources)!r})"


def load_secrets(
    path: Path, env: Mapping[str, str] | None = None, *, browser_default: str | None = None
) -> StudioSecrets:
    """The secrets to use: each from the environment, else from ``path``, else new (and kept there).

    ``browser_default`` is the browser secret to keep when one must be made and the folder
    already served browsers before secrets were kept (pass :data:`LEGACY_BROWSER_SECRET` then),
    so those browsers still read what they stored; otherwise a random one is made.
    """
    env = os.environ if env is None else env
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for key, name in ENV_NAMES.items():
        if env.get(name):
            values[key], sources[key] = env[name], "env"
    missing = [key for key in ENV_NAMES if key not in values]
    if missing:
        path = Path(path)
        present = os.path.lexists(path)
        stored = _read(path) if present else None
        kept = dict(stored or {})
        made = False
        for key in missing:
            if _valid(kept.get(key)):
                values[key], sources[key] = kept[key], "file"
                continue
            new = browser_default if key == "browser" and browser_default else secrets.token_urlsafe(32)
            values[key] = kept[key] = new
            sources[key] = "new"
            made = True
        if made:
            # A file that was there (damaged, or lacking a secret) is replaced; a new one is only
            # created if no other process created it meanwhile.
            winner = _write(path, kept, replace=present)
            if winner is None:
                for key in missing:
                    if sources[key] == "new":
                        sources[key] = "memory"
            elif winner != kept:  # another process made the file first: use its secrets
                for key in missing:
                    if _valid(winner.get(key)):
                        values[key], sources[key] = winner[key], "file"
    return StudioSecrets(media=values["media"], browser=values["browser"], sources=sources)


def _valid(value: object) -> bool:
    return isinstance(value, str) and _MIN_LEN <= len(value) <= _MAX_LEN and value.isprintable()


def _read(path: Path) -> dict[str, str] | None:
    """The kept secrets, or None when there are none (missing, unreadable or damaged: logged)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("the studio's secrets file %s cannot be read (%s); new secrets are made", path, exc.strerror or exc)
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            log.warning("the studio's secrets file %s is not a regular file; new secrets are made", path)
            return None
        if info.st_mode & 0o077:
            try:
                os.fchmod(fd, 0o600)
                log.warning("the studio's secrets file %s was readable by others; its mode is now 0600", path)
            except OSError:
                log.warning("the studio's secrets file %s is readable by others and its mode cannot be changed", path)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(64 * 1024)
    except OSError as exc:
        log.warning("the studio's secrets file %s cannot be read (%s); new secrets are made", path, exc.strerror or exc)
        return None
    finally:
        os.close(fd)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict) or not any(_valid(data.get(key)) for key in ENV_NAMES):
        log.warning(
            "the studio's secrets file %s is damaged; new secrets are made (older video links and "
            "values kept in browsers stop working)",
            path,
        )
        return None
    return {key: value for key, value in data.items() if key in ENV_NAMES and _valid(value)}


def _write(path: Path, data: dict[str, str], *, replace: bool) -> dict[str, str] | None:
    """Write ``data`` to ``path`` (0600, atomically). Returns what the file holds afterwards
    (another process's secrets if it created the file first), or None when nothing could be kept."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".secrets-", suffix=".tmp", dir=path.parent)  # mode 0600
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
            tmp = None
        else:
            try:
                os.link(tmp, path)  # only if nobody made it meanwhile
            except FileExistsError:
                other = _read(path)
                if other is not None and all(key in other for key in data):
                    return other
                # Made meanwhile but damaged, or lacking a secret: keep theirs and add ours.
                return _write(path, {**data, **(other or {})}, replace=True)
        _fsync_dir(path.parent)
        return data
    except OSError as exc:
        log.warning(
            "cannot keep the studio's secrets in %s (%s); video links and values kept in browsers "
            "will not survive a restart (set STUDIO_MEDIA_SECRET and STUDIO_BROWSER_SECRET)",
            path,
            exc.strerror or exc,
        )
        return None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
