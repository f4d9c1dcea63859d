"""The simulator's image upload host, so offline image-to-video needs no outside service.

``PUT /uploads/{key}`` stores the request body (a JPEG, PNG or WebP image, at most
:data:`UPLOAD_CAP_BYTES`) under ``key`` and answers 201 ``{"url": ...}``; it needs the bearer
token, so a simulator listening beyond loopback is not an open file host. ``GET /uploads/{key}``
(and HEAD) serves the stored bytes with the content type of the key's extension, without a
token, as a public image host would. Keys are ``[A-Za-z0-9_-]{8,64}`` plus an image extension;
anything else is refused. The studio side is ``studio.images.SimulatorHost``.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from studio.simulator.replies import authorize, error, sim

__all__ = ["UPLOAD_CAP_BYTES", "CONTENT_TYPES", "put_upload", "get_upload", "upload_dir"]

UPLOAD_CAP_BYTES = 20 * 1024 * 1024  # the same cap the simulator applies when fetching images
CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}\.(jpg|jpeg|png|webp)$")


def upload_dir(request: Request) -> Path:
    """Where uploads of the simulator serving ``request`` are kept."""
    return Path(sim(request).store.data_dir) / "uploads"


def _key(request: Request) -> tuple[str, str] | None:
    key = request.path_params["key"]
    match = _KEY.match(key)
    return (key, CONTENT_TYPES[match.group(1)]) if match else None


async def put_upload(request: Request) -> Response:
    """``PUT /uploads/{key}``: store an image; 201 with its public URL."""
    token = authorize(request)
    if isinstance(token, Response):
        return token
    found = _key(request)
    if found is None:
        return error(400, 400001, "upload key must be 8-64 letters, digits, '-' or '_' plus .jpg, .png or .webp")
    key, content_type = found
    sent_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if sent_type != content_type:
        return error(415, 415001, f"content type must be {content_type} for {key}, not {sent_type or 'none'}")
    data = await request.body()
    if not data:
        return error(400, 400001, "the upload is empty")
    if len(data) > UPLOAD_CAP_BYTES:
        return error(413, 413001, f"uploads are capped at {UPLOAD_CAP_BYTES} bytes")
    folder = upload_dir(request)
    await asyncio.to_thread(_write, folder, key, data)
    url = f"{str(request.base_url).rstrip('/')}/uploads/{key}"
    return JSONResponse({"url": url, "size": len(data), "content_type": content_type}, status_code=201)


def _write(folder: Path, key: str, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{key}.part"
    partial.write_bytes(data)
    partial.replace(folder / key)


async def get_upload(request: Request) -> Response:
    """``GET|HEAD /uploads/{key}``: the stored image, no token needed."""
    found = _key(request)
    if found is None:
        return error(404, 404001, "no such upload")
    key, content_type = found
    path = upload_dir(request) / key
    if not path.is_file():
        return error(404, 404001, "no such upload")
    return FileResponse(path, media_type=content_type, headers={"Cache-Control": "no-store"})
