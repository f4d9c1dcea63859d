"""Which catalog the simulator serves and enforces: a published catalog file, or the snapshots.

By default the simulator answers with the studio's bundled snapshots (:mod:`studio.domain.catalog`).
With ``catalog_file`` set (``STUDIO_SIM_CATALOG``), it serves and enforces that file instead, a
catalog in RunComfy's published shape: that is how the tests check the studio against what
RunComfy publishes rather than against its own snapshots.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from studio.domain.catalog import ENDPOINTS

__all__ = ["catalog_entries", "catalog_entry"]


@lru_cache(maxsize=8)
def _from_file(path: str) -> tuple[dict[str, Any], ...]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    models = data["models"] if isinstance(data, dict) else data
    return tuple(m for m in models if isinstance(m, dict) and isinstance(m.get("model_id"), str))


def catalog_entries(catalog_file: str = "") -> list[dict[str, Any]]:
    """Every catalog entry (with ``input_schema``), copied so callers may change them."""
    if catalog_file:
        return [json.loads(json.dumps(m)) for m in _from_file(catalog_file)]
    return [dict(e.entry) for e in ENDPOINTS]


def catalog_entry(model_id: str, catalog_file: str = "") -> dict[str, Any] | None:
    """The entry for ``model_id`` (slashes and spaces around it ignored), or None."""
    wanted = model_id.strip().strip("/")
    return next((e for e in catalog_entries(catalog_file) if e.get("model_id") == wanted), None)
