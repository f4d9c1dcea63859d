"""Which result URLs may be downloaded, and under what file names. Pure.

Only a result's ``output`` is scanned (never its echoed ``input`` or its own URLs). A URL is
fetched only from hosts ending in ``.runcomfy.net`` or ``.runcomfy.com`` (plus exact hosts the
settings add, as the simulator mode does); IP literals, bare domains and user-info tricks are
refused. The streaming itself is :meth:`studio.client.http.HttpClient.download`, which asks
:func:`host_allowed` again on every redirect.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["ALLOWED_SUFFIXES", "find_output_urls", "host_allowed", "safe_filename", "unique_path"]

ALLOWED_SUFFIXES = (".runcomfy.net", ".runcomfy.com")
_UNSAFE = re.compile(r"[^\w\-.]")


def find_output_urls(output: Any) -> list[str]:
    """Every http(s) URL inside a result's ``output``, first seen first, without duplicates."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if value.startswith(("http://", "https://")) and value not in found:
                found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(output)
    return found


def host_allowed(url: str, extra_hosts: Iterable[str] = ()) -> bool:
    """Whether ``url`` points at a RunComfy file host (or one of ``extra_hosts`` exactly)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host or not port_ok:
        return False
    if parts.username is not None or parts.password is not None or "\\" in url:
        return False
    extra = {h.lower() for h in extra_hosts}
    if host in extra:
        return True
    return any(host.endswith(s) and len(host) > len(s) for s in ALLOWED_SUFFIXES)


def safe_filename(url: str, default: str = "output") -> str:
    """The URL's last path segment with every character outside ``[\\w\\-.]`` made ``_``."""
    try:
        path = urlsplit(url).path
    except ValueError:
        path = ""
    segments = [s for s in unquote(path).replace("\\", "/").split("/") if s]
    name = _UNSAFE.sub("_", segments[-1]) if segments else ""
    name = name.strip(".")[:120]
    return name or default


def unique_path(directory: Path, name: str) -> Path:
    """``directory/name``, or ``stem-1.ext`` … when taken."""
    candidate = directory / name
    if not candidate.exists():
        return candidate
    stem, ext = Path(name).stem, Path(name).suffix
    for n in range(1, 1000):
        candidate = directory / f"{stem}-{n}{ext}"
        if not candidate.exists():
            return candidate
    return directory / f"{stem}-many{ext}"
