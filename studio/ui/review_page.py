"""The public review page, as server-rendered HTML: the video, its prompt or shots, the answer form.

Pure (no I/O). Everything a person wrote (prompt, shots, the reviewer's comment) is escaped.
The page shows the one shared video and what it is (tier, mode, seconds, aspect ratio, sound),
never the owner's key or its hash, a token, a price, a server path or another job. Its style is
inline and allowed by hash in the page's Content-Security-Policy (:data:`CSP`), which allows no
script at all.
"""

from __future__ import annotations

import base64
import hashlib

from studio.domain.catalog import find_endpoint
from studio.domain.vocabulary import parse_request
from studio.jobs.journal import JobRecord, ShareLink
from studio.jobs.reviews import MAX_COMMENT_CHARS
from studio.ui.card_text import esc, mode_name
from studio.ui.i18n import t
from studio.ui.review_links import verdict_words, when

__all__ = ["CSP", "CLOSED", "closed_page", "review_page"]

_STYLE = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",sans-serif;margin:0;background:#0f1117;color:#e8e8ee}
main{max-width:860px;margin:0 auto;padding:24px 16px 48px}
h1{font-size:1.5rem;margin:0 0 4px}
.meta,.until,footer{color:#a3a3b5;font-size:.9rem}
video{width:100%;max-height:70vh;background:#000;border-radius:10px;margin:16px 0}
section{background:#181b24;border-radius:10px;padding:12px 16px;margin:12px 0}
h2{font-size:1.05rem;margin:0 0 8px}
.prompt{white-space:pre-wrap;margin:0}
ol{margin:0;padding-left:1.4em}
li{margin:4px 0;white-space:pre-wrap}
fieldset{border:0;padding:0;margin:0 0 8px;display:flex;gap:16px;flex-wrap:wrap}
textarea{width:100%;box-sizing:border-box;min-height:7em;font:inherit;background:#0f1117;color:inherit;border:1px solid #3a3f52;border-radius:8px;padding:8px}
button{font:inherit;margin-top:8px;padding:8px 18px;border:0;border-radius:8px;background:#6d5dfc;color:#fff;cursor:pointer}
.notice{padding:10px 14px;border-radius:8px;margin:12px 0}
.ok{background:#163a2a}.problem{background:#4a1d1d}
blockquote{margin:6px 0 0;padding-left:10px;border-left:3px solid #6d5dfc;white-space:pre-wrap}
.closed{text-align:center;padding-top:15vh}
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
# No script, media and forms from this origin only, never framed, nothing leaks as a referrer.
CSP = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; media-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# Why a link shows no video: the page's title and text keys, by status.
CLOSED = {
    "expired": ("review_expired_title", "review_expired_text"),
    "revoked": ("review_revoked_title", "review_revoked_text"),
    "gone": ("review_gone_title", "review_gone_text"),
    "unknown": ("review_unknown_title", "review_unknown_text"),
}


def _document(title: str, body: str, lang: str) -> str:
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!doctype html><html lang="{html_lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer">'
        f"<title>{esc(title)} · Kling Studio</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def closed_page(status: str, lang: str, text_key: str | None = None) -> str:
    """The page of a link that shows nothing: expired, revoked, its video gone, or unknown
    (``text_key`` says why, instead of the status's own words)."""
    title_key, own_text = CLOSED.get(status, CLOSED["unknown"])
    text_key = text_key or own_text
    body = f'<div class="closed" data-status="{esc(status)}"><h1>{esc(t(title_key, lang))}</h1><p>{esc(t(text_key, lang))}</p></div>'
    return _document(t(title_key, lang), body, lang)


def _facts(record: JobRecord, lang: str) -> tuple[str, str]:
    """The video's title (tier · mode) and its facts line (seconds, aspect ratio, sound)."""
    request, _ = parse_request(record.request)
    ep = find_endpoint(record.model_id)
    title = f"{ep.tier.label} · {mode_name(ep.mode.key, lang)}" if ep else t("review_heading", lang)
    seconds = request.duration if request.duration is not None else record.payload.get("duration")
    parts = [t("review_seconds", lang).format(n=seconds)] if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) else []
    if request.aspect_ratio and ep is not None and not ep.mode.needs_start_image:
        parts.append(request.aspect_ratio)
    parts.append(t("with_audio", lang) if request.audio else t("review_silent", lang))
    return title, " · ".join(parts)


def _script(record: JobRecord, lang: str) -> str:
    """The prompt, or the shots (each with its seconds, camera move and sound), and what was left out."""
    request, _ = parse_request(record.request)
    out = []
    if request.shots:
        items = []
        for n, shot in enumerate(request.shots, 1):
            bits = [t("review_seconds", lang).format(n=shot.duration)]
            bits += [t("review_camera", lang).format(x=shot.camera)] if shot.camera else []
            bits += [t("review_sound", lang).format(x=shot.audio_cue)] if shot.audio_cue else []
            items.append(f'<li><b>{esc(t("review_shot", lang).format(n=n))}</b> · {esc(" · ".join(bits))}<br>{esc(shot.prompt)}</li>')
        out.append(f'<section class="shots"><h2>{esc(t("review_shots", lang))}</h2><ol>{"".join(items)}</ol></section>')
    if request.prompt and not request.shots:
        out.append(f'<section class="script"><h2>{esc(t("review_prompt", lang))}</h2><p class="prompt">{esc(request.prompt)}</p></section>')
    if request.negative_prompt:
        out.append(f'<section class="negative"><h2>{esc(t("review_negative", lang))}</h2><p class="prompt">{esc(request.negative_prompt)}</p></section>')
    return "".join(out)


def _form(link: ShareLink, sig: str, lang: str, verdict: str | None, comment: str) -> str:
    """The answer form: approve or ask for changes, a comment; POSTed to this page with its
    signature (in the form, and in the address, so even a body that cannot be read is answered)."""
    choices = "".join(
        f'<label><input type="radio" name="verdict" value="{value}"{" checked" if verdict == value else ""} required> {esc(t(key, lang))}</label>'
        for value, key in (("approved", "review_approve"), ("changes", "review_changes"))
    )
    return (
        f'<section class="answer"><h2>{esc(t("review_answer", lang))}</h2>'
        f'<form method="post" action="/review/{esc(link.share_id)}?sig={esc(sig)}" accept-charset="utf-8">'
        f'<input type="hidden" name="sig" value="{esc(sig)}">'
        f"<fieldset>{choices}</fieldset>"
        f'<label for="comment">{esc(t("review_comment", lang))}</label>'
        f'<textarea id="comment" name="comment" maxlength="{MAX_COMMENT_CHARS}">{esc(comment)}</textarea>'
        f'<button type="submit">{esc(t("review_send", lang))}</button></form></section>'
    )


def review_page(
    record: JobRecord,
    link: ShareLink,
    *,
    sig: str,
    video_url: str,
    lang: str,
    sent: bool = False,
    problem: str = "",
    typed: tuple[str | None, str] | None = None,
) -> str:
    """The page of an open link. ``sent`` thanks the reviewer for an answer just kept;
    ``problem`` says why one was not (the form then keeps ``typed``: their verdict and comment)."""
    title, facts = _facts(record, lang)
    notices = f'<div class="notice ok" role="status">{esc(t("review_sent", lang))}</div>' if sent else ""
    notices += f'<div class="notice problem" role="alert">{esc(problem)}</div>' if problem else ""
    current = ""
    if link.verdict:
        said = f"<blockquote>{esc(link.comment)}</blockquote>" if link.comment else ""
        current = f'<section class="current" data-verdict="{esc(link.verdict)}">{esc(t("review_current", lang).format(verdict=verdict_words(link, lang)))}{said}</section>'
    verdict, comment = typed if typed is not None else (link.verdict, link.comment)
    body = (
        f'<h1>{esc(t("review_heading_of", lang).format(title=title))}</h1>'
        f'<div class="meta">{esc(facts)}</div><p>{esc(t("review_intro", lang))}</p>'
        f'<video controls playsinline preload="metadata" src="{esc(video_url)}#t=0.1">{esc(t("review_no_video", lang))}</video>'
        f"{notices}{_script(record, lang)}{current}{_form(link, sig, lang, verdict, comment)}"
        f'<p class="until">{esc(t("review_open_until", lang).format(when=when(link.expires_at)))}</p>'
        f'<footer>{esc(t("review_footer", lang))}</footer>'
    )
    return _document(t("review_heading_of", lang).format(title=title), body, lang)
