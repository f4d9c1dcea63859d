"""Domain → HTML for the job cards and the gallery. Pure: no Gradio, no I/O.

Every user-written string is escaped. Buttons carry ``data-action`` and ``data-job``; the page's
script turns a click into the matching Gradio event (see :mod:`studio.ui.actions`).
"""

from __future__ import annotations

import html
import time
from decimal import Decimal
from typing import Callable, Sequence

from ..budget import drift
from ..catalog import endpoint, find_endpoint
from ..journal import JobRecord
from ..manager import LiveState
from ..pricing import format_usd, quote_request
from ..vocabulary import parse_request
from .i18n import t

__all__ = ["job_cards", "gallery", "spend_text", "promotions"]

MediaUrl = Callable[[JobRecord], str]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _label(record: JobRecord, lang: str) -> str:
    ep = find_endpoint(record.model_id)
    if ep is None:
        return _e(record.model_id)
    mode = t("t2v" if ep.mode.key == "text-to-video" else "i2v", lang)
    return f"{_e(ep.tier.label)} · {_e(mode)}"


def _summary(record: JobRecord, limit: int = 160) -> str:
    shots = record.request.get("shots")
    if isinstance(shots, list) and shots:
        parts = [f"{i}. {s.get('prompt', '')} ({s.get('duration', '?')} s)" for i, s in enumerate(shots, 1)]
        text = " · ".join(parts)
    else:
        text = str(record.request.get("prompt", ""))
    return _e(text if len(text) <= limit else text[: limit - 1] + "…")


def _stage(record: JobRecord, live: LiveState | None, lang: str, now: float) -> str:
    stage = live.stage if live else record.status
    if stage == "queued":
        position = live.position if live and live.position is not None else record.queue_position
        return t("queued", lang) + (f" · {t('position', lang)} {position}" if position is not None else "")
    if stage == "running":
        since = (live.running_since if live else None) or record.started_at
        return t("running", lang) + (f" · {int(now - since)} s" if since else "")
    if stage == "downloading" and live and live.bytes_done is not None:
        total = f" / {live.bytes_total / 1e6:.1f} MB" if live.bytes_total else ""
        return f"{t('downloading', lang)} · {live.bytes_done / 1e6:.1f} MB{total}"
    return t(stage, lang) if stage in ("downloading", "succeeded", "failed", "cancelled", "unknown", "submitting") else _e(stage)


def job_cards(items: Sequence[tuple[JobRecord, LiveState | None]], lang: str = "en", now: float | None = None) -> str:
    """Cards for jobs that are not (yet) in the gallery: in flight, failed, cancelled."""
    now = time.time() if now is None else now
    cards = []
    for record, live in items:
        if record.status == "succeeded":
            continue
        status = live.stage if live else record.status
        button = ""
        if status == "queued":
            button = f'<button class="job-action" data-action="cancel" data-job="{_e(record.job_id)}">{t("cancel", lang)}</button>'
        elif status == "running":
            button = f'<span class="job-note">{t("not_cancellable", lang)}</span>'
        error = f'<div class="job-error">{_e(record.error)}</div>' if record.error and status in ("failed", "unknown", "cancelled") else ""
        cards.append(
            f'<div class="job-card" data-job="{_e(record.job_id)}" data-status="{_e(status)}">'
            f'<div class="job-head"><b>{_label(record, lang)}</b> <span class="job-stage">{_stage(record, live, lang, now)}</span></div>'
            f'<div class="job-prompt">{_summary(record)}</div>'
            f'<div class="job-meta">{t("quote", lang)} ${_e(record.quote_usd)}'
            f'{" · " + _e(record.request_id) if record.request_id else ""}</div>{error}{button}</div>'
        )
    if cards:
        return "".join(cards)
    return f'<div class="empty">{t("no_jobs_in_flight" if items else "no_jobs", lang)}</div>'


def promotions(record: JobRecord) -> list[tuple[str, Decimal]]:
    """For a Standard draft: the tiers it can be promoted to, with the price difference."""
    ep = find_endpoint(record.model_id)
    if ep is None or ep.tier.key != "standard":
        return []
    request, problems = parse_request(record.request)
    if problems:
        return []
    paid = Decimal(record.quote_usd)
    return [(tier, quote_request(request, endpoint(tier, ep.mode.key)).total - paid) for tier in ("pro", "4k")]


def gallery(records: Sequence[JobRecord], media_url: MediaUrl, lang: str = "en") -> str:
    """Finished videos, shown newest first, each playable inline with its details and actions.

    The cards are written oldest first and ordered newest-first by CSS, so a new video only
    appends a node: the page's diff leaves the players already there (and playing) alone.
    """
    cards = []
    oldest_first = sorted(records, key=lambda r: r.created_at)
    for rank, record in enumerate(oldest_first):
        if record.status != "succeeded" or not record.files:
            continue
        url = _e(media_url(record))
        cost = f' · {t("actual", lang)} ${_e(record.cost_usd)}' if record.cost_usd else ""
        promote = "".join(
            f'<button class="job-action" data-action="promote:{tier}" data-job="{_e(record.job_id)}">'
            f'{t("promote", lang)} {"4K" if tier == "4k" else "Pro"} (+{_e(format_usd(diff))})</button>'
            for tier, diff in promotions(record)
        )
        seconds = record.payload.get("duration", "?")
        variant = record.meta.get("variant")
        tag = f' <span class="variant">{_e(variant)}</span>' if variant else ""
        cards.append(
            f'<div class="video-card" data-job="{_e(record.job_id)}" style="order:{-rank}">'
            f'<video controls preload="metadata" playsinline src="{url}#t=0.1"></video>'
            f'<div class="job-head"><b>{_label(record, lang)}{tag}</b> <span>{_e(seconds)} s</span></div>'
            f'<div class="job-prompt">{_summary(record, 300)}</div>'
            f'<div class="job-meta">{t("quote", lang)} ${_e(record.quote_usd)}{cost}{_drift(record)} · {_e(record.request_id or "")}</div>'
            f'<div class="video-actions"><a class="job-action" href="{url}&amp;download=1" download>{t("download", lang)}</a>'
            f'<a class="job-action" href="{url.replace("/studio/media/", "/studio/recipe/")}" download>{t("recipe", lang)}</a>'
            f'<button class="job-action" data-action="reuse" data-job="{_e(record.job_id)}">{t("reuse", lang)}</button>'
            f'<button class="job-action" data-action="continue" data-job="{_e(record.job_id)}">{t("continue", lang)}</button>'
            f"{promote}</div></div>"
        )
    if not cards:
        return f'<div class="empty">{t("no_videos", lang)}</div>'
    return f'<div class="gallery-grid">{"".join(cards)}</div>'


def _drift(record: JobRecord) -> str:
    difference = drift(record)
    if difference is None:
        return ""
    return f' <span class="drift">⚠ {"+" if difference > 0 else "−"}{_e(format_usd(abs(difference)))} vs quote</span>'


def spend_text(records: Sequence[JobRecord], lang: str = "en", cap: Decimal | None = None) -> str:
    """What this browser has spent (charged, plus quotes of jobs in flight), and its cap if any."""
    total = Decimal(0)
    for r in records:
        if r.cost_usd:
            total += Decimal(r.cost_usd)
        elif r.status in ("queued", "running", "downloading", "succeeded"):
            total += Decimal(r.quote_usd)
    return f"{t('spend', lang)}: {format_usd(total)}" + (f" of {format_usd(cap)}" if cap is not None else "")
