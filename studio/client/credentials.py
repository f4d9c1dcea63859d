"""Finding the user's RunComfy token, and keeping it out of every log, repr and file.

Order: ``RUNCOMFY_TOKEN``, then ``RUNCOMFY_API_KEY``, then the official CLI's token file
(``$RUNCOMFY_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/runcomfy``, else ``~/.config/runcomfy``;
``token.json``, field ``access_token``), so a user who ran ``runcomfy login`` needs nothing
else. The studio only reads the file; it never writes a token anywhere.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Token", "token_file", "resolve_token"]


@dataclass(frozen=True)
class Token:
    """A token and where it came from; its value never appears in ``repr`` or ``str``."""

    value: str = field(repr=False)
    source: str

    def __str__(self) -> str:
        return f"<token from {self.source}>"


def token_file(env: Mapping[str, str]) -> Path:
    """Where ``runcomfy login`` keeps its token."""
    if env.get("RUNCOMFY_CONFIG_DIR", "").strip():
        base = Path(env["RUNCOMFY_CONFIG_DIR"].strip()).expanduser()
    elif env.get("XDG_CONFIG_HOME", "").strip():
        base = Path(env["XDG_CONFIG_HOME"].strip()).expanduser() / "runcomfy"
    else:
        base = Path.home() / ".config" / "runcomfy"
    return base / "token.json"


def _clean(value: str) -> str | None:
    value = value.strip()
    if value.lower().startswith("bearer "):
        value = value[7:].strip()
    # Printable ASCII without spaces, as RunComfy's own clients require.
    if not value or len(value) > 4096 or any(not 0x21 <= ord(c) <= 0x7E for c in value):
        return None
    return value


def resolve_token(env: Mapping[str, str] | None = None) -> Token | None:
    """The first usable token from the environment or the CLI's token file, or None."""
    env = os.environ if env is None else env
    for name in ("RUNCOMFY_TOKEN", "RUNCOMFY_API_KEY"):
        value = _clean(env.get(name, ""))
        if value:
            return Token(value, name)
    path = token_file(env)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    raw = data.get("access_token") if isinstance(data, dict) else None
    value = _clean(raw) if isinstance(raw, str) else None
    return Token(value, f"token file {path}") if value else None
