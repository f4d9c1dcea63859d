"""The simulated model catalog: ``GET /v1/models``, ``/v1/models/categories``, ``/v1/models/{id}``.

Entries come from :mod:`studio.simulator.catalog_source` (the bundled snapshots, or a published
catalog file when one is configured), in RunComfy's shape
(``model_id``, ``display_name``, ``categories``, ``base_price_usd``, ``price_unit``,
``input_schema`` with ``"type": "float"`` and ``format: image_uri``). The list omits
``input_schema`` unless ``include_schema=true`` and pages with ``limit`` (1–500, default 100)
and ``offset``; ``search``, ``category`` and ``kind`` filter it.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from studio.simulator.catalog_source import catalog_entries
from studio.simulator.replies import authorize, bad_model, error, sim
from studio.simulator.schema_check import problem

__all__ = ["list_models", "categories", "one_model", "MAX_LIMIT", "DEFAULT_LIMIT"]

MAX_LIMIT = 500
DEFAULT_LIMIT = 100


def _entries(request: Request) -> list[dict[str, Any]]:
    return catalog_entries(sim(request).config.catalog_file)


def _int(request: Request, name: str, default: int, lo: int, hi: int) -> int | dict[str, Any]:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        return problem([name], f"{raw!r} is not an integer", "int_parsing")
    if not lo <= value <= hi:
        return problem([name], f"must be between {lo} and {hi}", "value_error")
    return value


def _matches(entry: dict[str, Any], search: str, category: str, kind: str) -> bool:
    text = " ".join(str(entry.get(k, "")) for k in ("model_id", "display_name", "description")).lower()
    return (
        (not search or search.lower() in text)
        and (not category or category in entry.get("categories", []))
        and (not kind or entry.get("kind") == kind)
    )


async def list_models(request: Request) -> Response:
    """``GET /v1/models?limit=&offset=&search=&category=&kind=&include_schema=``."""
    token = authorize(request)
    if isinstance(token, Response):
        return token
    limit = _int(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int(request, "offset", 0, 0, 10**9)
    bad = [p for p in (limit, offset) if isinstance(p, dict)]
    if bad or not isinstance(limit, int) or not isinstance(offset, int):
        for p in bad:
            p["loc"][0] = "query"
        return error(422, 422001, "bad query parameters", bad)
    q = request.query_params
    with_schema = q.get("include_schema", "").lower() in ("true", "1")
    found = [
        e for e in _entries(request) if _matches(e, q.get("search", ""), q.get("category", ""), q.get("kind", ""))
    ]
    page = found[offset : offset + limit]
    if not with_schema:
        page = [{k: v for k, v in e.items() if k != "input_schema"} for e in page]
    return JSONResponse({"models": page, "total": len(found), "limit": limit, "offset": offset})


async def categories(request: Request) -> Response:
    """``GET /v1/models/categories``."""
    token = authorize(request)
    if isinstance(token, Response):
        return token
    names = sorted({c for e in _entries(request) for c in e.get("categories", [])})
    return JSONResponse({"categories": names})


async def one_model(request: Request) -> Response:
    """``GET /v1/models/{model_id}``: one entry, with its ``input_schema``."""
    token = authorize(request)
    if isinstance(token, Response):
        return token
    model_id = request.path_params["model_id"]
    wanted = model_id.strip().strip("/")
    entry = next((e for e in _entries(request) if e.get("model_id") == wanted), None)
    if entry is None:
        return bad_model(request, model_id)
    return JSONResponse(entry)
