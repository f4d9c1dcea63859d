"""Serving a browser its own videos, and nobody else's.

Each gallery video is served at ``/studio/media/{job_id}?sig=…`` where the signature is an HMAC
(server secret) of the job id and its owner. The route checks the signature and that the
journal row belongs to that owner, and serves the file with ``FileResponse`` (HTTP ranges for
seeking). A guessed or altered URL gets 404, whoever asks. The job files are never put in
Gradio's ``allowed_paths``.
"""

from __future__ import annotations

import hmac
import os
import secrets
from hashlib import sha256
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from studio.jobs.journal import JobRecord, Journal

__all__ = ["MediaSigner", "media_route", "story_route", "recipe_route"]


class MediaSigner:
    """Signs and checks media URLs.

    The secret is the one given (the web studio passes ``STUDIO_MEDIA_SECRET``, else the one kept
    in the data folder, see :mod:`studio.secrets_store`), else ``STUDIO_MEDIA_SECRET``, else
    random for this process.
    """

    def __init__(self, secret: str | None = None) -> None:
        self._key = (secret or os.environ.get("STUDIO_MEDIA_SECRET") or secrets.token_hex(32)).encode()

    def __repr__(self) -> str:
        return "MediaSigner(<secret>)"

    def signature(self, job_id: str, owner: str) -> str:
        return hmac.new(self._key, f"{job_id}:{owner}".encode(), sha256).hexdigest()[:40]

    def url(self, record: JobRecord) -> str:
        return f"/studio/media/{record.job_id}?sig={self.signature(record.job_id, record.owner or '')}"

    def check(self, job_id: str, owner: str, sig: str) -> bool:
        return hmac.compare_digest(self.signature(job_id, owner), sig)

    def derived_key(self, purpose: str) -> bytes:
        """A key for another kind of link (review links), derived from this secret: a signature
        made for one purpose never passes for another, and no second secret needs keeping."""
        return hmac.new(self._key, f"kling-studio-derived:{purpose}".encode(), sha256).digest()


def media_route(journal: Journal, signer: MediaSigner) -> Route:
    """The Starlette route that serves a job's video to whoever holds its signed URL."""

    async def serve(request: Request) -> Response:
        job_id = request.path_params["job_id"]
        sig = request.query_params.get("sig", "")
        record = journal.get(job_id) if len(job_id) == 32 and job_id.isalnum() else None
        if record is None or not record.files or not signer.check(job_id, record.owner or "", sig):
            return JSONResponse({"error": "not found"}, status_code=404)
        path = Path(record.files[0])
        if not path.is_file():
            return JSONResponse({"error": "the file is no longer on disk"}, status_code=410)
        disposition = "attachment" if request.query_params.get("download") else "inline"
        return FileResponse(
            path,
            media_type="video/mp4",
            filename=path.name,
            content_disposition_type=disposition,
            headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
        )

    return Route("/studio/media/{job_id}", serve, methods=["GET", "HEAD"])


def story_route(journal: Journal, signer: MediaSigner) -> Route:
    """The route that serves a finished storyboard's stitched video (the journal's storyboard
    run) to its owner's signed URL."""

    async def serve(request: Request) -> Response:
        run_id = request.path_params["run_id"]
        run = journal.story(run_id) if 0 < len(run_id) <= 100 and run_id.replace("-", "").isalnum() else None
        if run is None or not run.file or not signer.check(run_id, run.owner, request.query_params.get("sig", "")):
            return JSONResponse({"error": "not found"}, status_code=404)
        path = Path(run.file)
        if not path.is_file():
            return JSONResponse({"error": "the file is no longer on disk"}, status_code=410)
        disposition = "attachment" if request.query_params.get("download") else "inline"
        return FileResponse(path, media_type="video/mp4", filename=path.name, content_disposition_type=disposition)

    return Route("/studio/story/{run_id}", serve, methods=["GET", "HEAD"])


def recipe_route(journal: Journal, signer: MediaSigner) -> Route:
    """A job's recipe (JSON, never a token) for its owner's signed URL."""
    from studio.domain.recipes import job_recipe

    async def serve(request: Request) -> Response:
        job_id = request.path_params["job_id"]
        record = journal.get(job_id) if len(job_id) == 32 and job_id.isalnum() else None
        if record is None or not signer.check(job_id, record.owner or "", request.query_params.get("sig", "")):
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse(
            job_recipe(record), headers={"Content-Disposition": f'attachment; filename="recipe-{job_id[:8]}.json"'}
        )

    return Route("/studio/recipe/{job_id}", serve, methods=["GET"])
