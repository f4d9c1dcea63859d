"""Review links on the gallery cards: signing them, the card's share box, its two actions.

A review link is ``/review/<share id>?sig=<signature>``: the share id is random (192 bits, kept
in the journal by :mod:`studio.jobs.reviews`), and the signature is an HMAC, under a key derived
from the media secret (:meth:`MediaSigner.derived_key`), of the share id, the job it shows and
its expiry, so a link can be neither guessed, forged, pointed at another video nor extended.
The reviewer's video comes from ``/review/<share id>/video?sig=…`` (same signature), never from
the owner's own media URL. The page and those routes are :mod:`studio.ui.review_routes`.

A finished video's card shows "Share for review"; once shared, its share box holds the link
(with "Copy link", "Open" and "Stop sharing"), until when it is open, and the reviewer's latest
answer. Rendering is pure; :func:`share_action` carries out the "share" and "unshare" buttons.
"""

from __future__ import annotations

import hmac
import time
from hashlib import sha256
from typing import Protocol

from studio.jobs.journal import ShareLink
from studio.jobs.reviews import link_status
from studio.ui.card_text import esc
from studio.ui.i18n import t
from studio.ui.media import MediaSigner

__all__ = ["SHARE_HEAD", "ReviewSigner", "share_action", "share_boxes", "share_button", "share_box", "verdict_words", "when"]

_SIG_CHARS = 40


class ReviewSigner:
    """Signs and checks review links (see the module's docstring)."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __repr__(self) -> str:
        return "ReviewSigner(<secret>)"

    @classmethod
    def of(cls, media: MediaSigner) -> ReviewSigner:
        return cls(media.derived_key("review-links"))

    def signature(self, link: ShareLink) -> str:
        message = f"review:{link.share_id}:{link.job_id}:{link.expires_at:.0f}"
        return hmac.new(self._key, message.encode(), sha256).hexdigest()[:_SIG_CHARS]

    def check(self, link: ShareLink, sig: object) -> bool:
        return isinstance(sig, str) and len(sig) == _SIG_CHARS and hmac.compare_digest(self.signature(link), sig)

    def page_url(self, link: ShareLink) -> str:
        return f"/review/{link.share_id}?sig={self.signature(link)}"

    def video_url(self, link: ShareLink) -> str:
        return f"/review/{link.share_id}/video?sig={self.signature(link)}"


def when(seconds: float) -> str:
    """A moment as people read it anywhere: ``2025-06-01 14:00 UTC``."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds))


def verdict_words(link: ShareLink, lang: str) -> str:
    """The reviewer's latest answer ("Approved" / "Changes requested"), unescaped; "" if none."""
    return t(f"verdict_{link.verdict}", lang) if link.verdict in ("approved", "changes") else ""


def share_button(job_id: str, lang: str, *, again: bool = False) -> str:
    return f'<button class="job-action share" data-action="share" data-job="{esc(job_id)}">{esc(t("share_new" if again else "share_btn", lang))}</button>'


def _verdict(link: ShareLink, lang: str) -> str:
    words = verdict_words(link, lang)
    if not words:
        return ""
    mark = "✓" if link.verdict == "approved" else "✎"
    comment = f'<blockquote class="verdict-comment">{esc(link.comment)}</blockquote>' if link.comment else ""
    stamp = f' <small>{esc(when(link.reviewed_at))}</small>' if link.reviewed_at else ""
    return f'<div class="verdict verdict-{esc(link.verdict)}"><b>{mark} {esc(t("verdict_by", lang).format(verdict=words))}</b>{stamp}{comment}</div>'


def share_box(link: ShareLink, signer: ReviewSigner, lang: str, now: float | None = None) -> str:
    """The card's share box for its latest link: the link while it is open (copy, open, stop
    sharing), else why it is closed with a button for a new one; and the reviewer's answer.
    Only absolute dates, so the box (and the gallery's version) changes only with its state."""
    job = esc(link.job_id)
    status = link_status(link, time.time() if now is None else now)
    if status == "open":
        url = esc(signer.page_url(link))
        head = (
            f'<label class="share-head">{esc(t("share_link", lang))} · {esc(t("share_until", lang).format(when=when(link.expires_at)))}'
            f'<input class="share-url" type="url" readonly value="{url}" aria-label="{esc(t("share_link", lang))}"></label>'
            f'<div class="share-actions">'
            f'<button type="button" class="job-action share-copy" data-done="{esc(t("share_copied", lang))}">{esc(t("share_copy", lang))}</button>'
            f'<a class="job-action share-open" href="{url}" target="_blank" rel="noopener noreferrer">{esc(t("share_open", lang))}</a>'
            f'<button class="job-action share-stop" data-action="unshare" data-job="{job}" data-confirm="{esc(t("share_stop_confirm", lang))}">{esc(t("share_stop", lang))}</button>'
            f"</div>"
        )
        waiting = "" if link.verdict else f'<div class="share-waiting">{esc(t("share_waiting", lang))}</div>'
        return f'<div class="share-box" data-share="open">{head}{waiting}{_verdict(link, lang)}</div>'
    closed = t("share_revoked", lang) if status == "revoked" else t("share_expired", lang).format(when=when(link.expires_at))
    return (
        f'<div class="share-box" data-share="{status}"><div class="share-closed">{esc(closed)}</div>'
        f'{_verdict(link, lang)}<div class="share-actions">{share_button(link.job_id, lang, again=True)}</div></div>'
    )


class _Sharing(Protocol):
    def shares(self, owner_key: str) -> dict[str, ShareLink]: ...
    def share_video(self, owner_key: str, job_id: str) -> ShareLink: ...
    def stop_sharing(self, owner_key: str, job_id: str) -> int: ...


def share_boxes(manager: _Sharing, media: MediaSigner, owner_key: str, lang: str) -> dict[str, str]:
    """Job id → the share box of each of this browser's videos that was ever shared."""
    if not owner_key:
        return {}
    signer, now = ReviewSigner.of(media), time.time()
    return {job_id: share_box(link, signer, lang, now) for job_id, link in manager.shares(owner_key).items()}


def share_action(manager: _Sharing, owner_key: str, action: str, job_id: str, lang: str) -> str | None:
    """Carry out "share" (make or reuse the video's review link) or "unshare" (stop sharing);
    the note to show, or None for any other action. Another browser's video raises a
    ValidationError naming "job"."""
    if action == "share":
        link = manager.share_video(owner_key, job_id)
        return t("shared_note", lang).format(when=when(link.expires_at))
    if action == "unshare":
        return t("unshared_note" if manager.stop_sharing(owner_key, job_id) else "unshared_none", lang)
    return None


# The share box's "Copy link": the link as the browser reaches this page (behind any proxy),
# copied to the clipboard; the box shows the full address too. No server round trip.
SHARE_HEAD = """
<script>
(() => {
  const full = () => {
    for (const box of document.querySelectorAll("input.share-url")) {
      if (box.value.startsWith("/")) box.value = new URL(box.value, location.href).href;
    }
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; full(); });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button.share-copy");
    if (!button) return;
    const box = button.closest(".share-box") && button.closest(".share-box").querySelector("input.share-url");
    if (!box) return;
    full();
    box.focus();
    box.select();
    try { await navigator.clipboard.writeText(box.value); } catch (e) { try { document.execCommand("copy"); } catch (e2) {} }
    const label = button.textContent;
    button.textContent = button.dataset.done || label;
    setTimeout(() => { button.textContent = label; }, 2000);
  });
})();
</script>
"""
