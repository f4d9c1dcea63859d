"""The review page's routes: plain Starlette, no Gradio, answering whoever holds a review link.

- ``GET /review/<share id>?sig=…``: the page (:mod:`studio.ui.review_page`) while the link is
  open; 410 with a plain page once it expired, was revoked or its video was deleted; 404 for a
  share id or signature that is not right (whether the id exists is not told).
- ``POST /review/<share id>``: the reviewer's answer, a urlencoded form carrying the signature
  (a cross-site POST, by ``Sec-Fetch-Site``, is refused too); kept, then 303 back to the page
  (a reload sends nothing twice). A bad answer shows the page again with the reason, never a
  traceback.
- ``GET /review/<share id>/video?sig=…``: the video itself, on the same checks, never cached.

Every answer carries the page's Content-Security-Policy, ``no-referrer`` (the link's signature
never leaves in a Referer) and ``noindex``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from studio.errors import ValidationError
from studio.jobs.manager import JobManager
from studio.jobs.reviews import SHARE_ID, LinkClosed, LinkState
from studio.ui.i18n import language_of, t
from studio.ui.media import MediaSigner
from studio.ui.review_links import ReviewSigner
from studio.ui.review_page import CSP, closed_page, review_page

__all__ = ["review_routes"]

log = logging.getLogger("studio.ui")

_SIG = re.compile(r"[0-9a-f]{40}")
_MAX_FORM_BYTES = 32 * 1024
_HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-store",
}


class _BadForm(Exception):
    pass


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=_HEADERS)


def _closed(status: str, lang: str) -> HTMLResponse:
    return _html(closed_page(status, lang), 404 if status == "unknown" else 410)


def _lang(request: Request) -> str:
    return language_of(request.headers.get("accept-language"))


class _Review:
    """The three endpoints, bound to the job manager and the review signer."""

    def __init__(self, manager: JobManager, signer: ReviewSigner) -> None:
        self.manager = manager
        self.signer = signer

    def state(self, share_id: str, sig: object) -> LinkState:
        """The link's state, "unknown" unless the id and its signature are right."""
        if not SHARE_ID.fullmatch(share_id) or not isinstance(sig, str) or not _SIG.fullmatch(sig):
            return LinkState("unknown")
        state = self.manager.open_share(share_id)
        if state.link is None or not self.signer.check(state.link, sig):
            return LinkState("unknown")
        return state

    async def page(self, request: Request) -> Response:
        lang = _lang(request)
        state = self.state(request.path_params["share_id"], request.query_params.get("sig"))
        if state.status != "open" or state.link is None or state.record is None:
            return _closed(state.status, lang)
        html = review_page(
            state.record, state.link, sig=self.signer.signature(state.link), video_url=self.signer.video_url(state.link),
            lang=lang, sent=request.query_params.get("sent") == "1",
        )
        return _html(html)

    async def answer(self, request: Request) -> Response:
        lang = _lang(request)
        share_id = request.path_params["share_id"]
        if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
            return _html(closed_page("unknown", lang, "review_cross_site"), 403)
        try:
            form = await _read_form(request)
        except _BadForm:
            form = {}
        state = self.state(share_id, form.get("sig") or request.query_params.get("sig"))
        if state.status != "open" or state.link is None or state.record is None:
            return _closed(state.status, lang)
        if not form or set(form) - {"sig", "verdict", "comment"}:
            problem, typed = t("review_bad_form", lang), None
        else:
            verdict, comment = form.get("verdict"), form.get("comment", "")
            try:
                self.manager.review(share_id, verdict or "", comment)
            except LinkClosed as exc:
                return _closed(exc.status, lang)
            except ValidationError as exc:
                problem, typed = _problem(exc, lang), (verdict, comment[:100_000])
            except Exception:  # the reviewer reads a plain sentence; the log keeps the rest
                log.exception("a review answer could not be kept")
                problem, typed = t("unexpected", lang), (verdict, comment[:100_000])
            else:
                return RedirectResponse(f"{self.signer.page_url(state.link)}&sent=1", status_code=303, headers=_HEADERS)
        html = review_page(state.record, state.link, sig=self.signer.signature(state.link), video_url=self.signer.video_url(state.link), lang=lang, problem=problem, typed=typed)
        return _html(html, 400)

    async def video(self, request: Request) -> Response:
        state = self.state(request.path_params["share_id"], request.query_params.get("sig"))
        if state.status != "open" or state.record is None:
            return Response(status_code=404 if state.status == "unknown" else 410, headers=_HEADERS)
        path = Path(state.record.files[0])
        if not path.is_file():
            return Response(status_code=410, headers=_HEADERS)
        return FileResponse(path, media_type="video/mp4", filename="review.mp4", content_disposition_type="inline", headers=_HEADERS)


async def _read_form(request: Request) -> dict[str, str]:
    """The answer's fields (each given once), from a urlencoded body of at most 32 KB."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise _BadForm
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_FORM_BYTES:
            raise _BadForm
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=10, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise _BadForm from None
    if any(len(values) != 1 for values in fields.values()):
        raise _BadForm
    return {name: values[0] for name, values in fields.items()}


def _problem(exc: ValidationError, lang: str) -> str:
    """Why an answer was not kept, in the reviewer's language."""
    fields = {p.field: p.message for p in exc.problems}
    if "verdict" in fields:
        return t("review_bad_verdict", lang)
    message = fields.get("comment", "")
    if found := re.match(r"is ([\d,]+) characters", message):
        return t("review_too_long", lang).format(n=found[1])
    if "control characters" in message:
        return t("review_bad_text", lang)
    if "what should change" in message:
        return t("review_need_comment", lang)
    return t("review_bad_form", lang)


def review_routes(manager: JobManager, media: MediaSigner) -> list[Route]:
    """The review page's routes, to append before Gradio is mounted (see :mod:`studio.ui.server`)."""
    review = _Review(manager, ReviewSigner.of(media))
    return [
        Route("/review/{share_id}", review.page, methods=["GET", "HEAD"]),
        Route("/review/{share_id}", review.answer, methods=["POST"]),
        Route("/review/{share_id}/video", review.video, methods=["GET", "HEAD"]),
    ]
