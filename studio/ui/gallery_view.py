"""The gallery: finished videos and storyboard films → HTML, and its favourite/delete actions.

Rendering is pure (no Gradio, no I/O). Each card carries what the page's filter script
(:mod:`studio.ui.gallery_panel`) reads: ``data-tier``, ``data-mode`` (``text-to-video``,
``image-to-video`` or ``storyboard``), ``data-fav`` ("1"/"0") and ``data-text`` (the prompt,
lower-cased). A finished storyboard is one film card with its clips listed inside; its clip
jobs get no card of their own. Buttons carry ``data-action`` and ``data-job`` (see
:mod:`studio.ui.actions`); Delete also carries ``data-confirm``, the question the page asks
first. :func:`gallery_action` carries out "favourite" and "delete" through the job manager, and
"share" / "unshare" (review links, :mod:`studio.ui.review_links`, whose share box a finished
video's card shows once it was shared; before, its "Share for review" button).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from studio.domain.catalog import Endpoint, endpoint, find_endpoint
from studio.domain.pricing import format_usd, quote_request
from studio.domain.vocabulary import parse_request
from studio.errors import Problem, ValidationError
from studio.jobs.budget import drift
from studio.jobs.journal import JobRecord, ShareLink
from studio.ui.card_text import (
    esc,
    price_words,
    prompt_text,
    summary,
    title,
    variant_words,
)
from studio.ui.choices import TIER_KEYS, UPGRADE_TIERS, tier_label
from studio.ui.i18n import t
from studio.ui.review_links import share_action, share_button

__all__ = ["StoryFilm", "gallery", "gallery_action", "gallery_version", "promotions", "shown_videos", "story_films"]

MediaUrl = Callable[[JobRecord], str]
Rates = Callable[[Endpoint], Endpoint]


@dataclass(frozen=True)
class StoryFilm:
    """A finished storyboard: its stitched film (signed URL) and the clip jobs it was made of."""

    run_id: str
    title: str
    url: str
    seconds: float | None
    finished_at: float
    clips: tuple[JobRecord, ...] = ()


def story_films(runs: Sequence[Mapping[str, Any]], records: Sequence[JobRecord], story_url: Callable[[Mapping[str, Any]], str]) -> list[StoryFilm]:
    """The finished runs (rows of :meth:`JobManager.storyboard_runs` with a ``file``) as films,
    each with its clip jobs (journal rows whose ``group_id`` is the run id), in clip order."""
    films = []
    for run in runs:
        run_id = run.get("run_id")
        if not run.get("file") or not isinstance(run_id, str):
            continue
        clips = sorted((r for r in records if r.group_id == run_id), key=lambda r: (_clip_index(r), -r.created_at))
        # A clip run again (resumed) has several jobs: the film uses the succeeded one.
        best: dict[int, JobRecord] = {}
        for clip in clips:
            index = _clip_index(clip)
            if index not in best or (clip.status == "succeeded" and best[index].status != "succeeded"):
                best[index] = clip
        seconds = run.get("seconds")
        finished = run.get("finished_at")
        films.append(
            StoryFilm(
                run_id=run_id,
                title=str(run.get("title") or ""),
                url=story_url(run),
                seconds=float(seconds) if isinstance(seconds, (int, float)) else None,
                finished_at=float(finished) if isinstance(finished, (int, float)) else 0.0,
                clips=tuple(best[i] for i in sorted(best)),
            )
        )
    return films


def _clip_index(record: JobRecord) -> int:
    clip = record.meta.get("clip")
    return clip if isinstance(clip, int) and not isinstance(clip, bool) else 10_000


def shown_videos(records: Sequence[JobRecord], films: Sequence[StoryFilm] = ()) -> list[JobRecord]:
    """The jobs that get a video card: succeeded, file kept, not deleted, not a clip of a film."""
    in_films = {f.run_id for f in films}
    return [
        r for r in records
        if r.status == "succeeded" and r.files and not r.meta.get("deleted_at") and not (r.group_id and r.group_id in in_films)
    ]


def gallery_version(
    records: Sequence[JobRecord], films: Sequence[StoryFilm] = (), *, live: bool = True, lang: str = "en", shares: Mapping[str, str] | None = None
) -> str:
    """A short fingerprint of what :func:`gallery` would show: it changes when a video arrives
    or is deleted, a favourite is toggled, a film is finished or a share box changes (a link
    made, stopped or expired, a reviewer's answer), so the page re-renders then only."""
    shown = shown_videos(records, films)
    parts = [f"{r.job_id}:{int(bool(r.meta.get('favourite')))}" for r in shown]
    parts += [f"share:{r.job_id}:{hashlib.sha256(shares[r.job_id].encode()).hexdigest()[:16]}" for r in shown if shares and r.job_id in shares]
    parts += [f"film:{f.run_id}:{len(f.clips)}" for f in films]
    parts += [f"live:{int(live)}", f"lang:{lang}"]
    return "g-" + hashlib.sha256("|".join(sorted(parts)).encode()).hexdigest()[:24]


def promotions(record: JobRecord, rates: Rates | None = None) -> list[tuple[str, Decimal, Decimal]]:
    """For a Standard draft: the tiers it can be promoted to, each with the new render's full
    price and the difference to what the draft cost. ``rates`` gives an endpoint the catalog
    rates the submit would use (the bundled catalog's when None)."""
    ep = find_endpoint(record.model_id)
    if ep is None or ep.tier.key != TIER_KEYS[0]:  # a draft on the cheapest tier
        return []
    request, problems = parse_request(record.request)
    if problems:
        return []
    paid = Decimal(record.quote_usd)
    out = []
    for tier in UPGRADE_TIERS:
        target = endpoint(tier, ep.mode.key)
        price = quote_request(request, rates(target) if rates else target).total
        out.append((tier, price, price - paid))
    return out


def _drift(record: JobRecord, lang: str) -> str:
    difference = drift(record)
    if difference is None:
        return ""
    signed = f'{"+" if difference > 0 else "−"}{format_usd(abs(difference))}'
    return f' <span class="drift">⚠ {esc(t("drift", lang).format(diff=signed))}</span>'


def _cost(record: JobRecord, lang: str, live: bool) -> str:
    if not live:
        return price_words(record.cost_usd or record.quote_usd, lang, live=False, done=True)
    charged = f' · {price_words(record.cost_usd, lang, live=True, done=True)}' if record.cost_usd else ""
    return f"{price_words(record.quote_usd, lang, live=True, done=False)}{charged}{_drift(record, lang)}"


def _favourite(record: JobRecord, lang: str) -> str:
    on = bool(record.meta.get("favourite"))
    words = esc(t("fav_remove" if on else "fav_add", lang))
    return (
        f'<button class="job-action fav" data-action="favourite" data-job="{esc(record.job_id)}"'
        f' aria-pressed="{str(on).lower()}" aria-label="{words}" title="{words}">{"★" if on else "☆"}</button>'
    )


def _search_text(*texts: str) -> str:
    return esc(" ".join(texts).lower())


def _video_card(record: JobRecord, rank: int, media_url: MediaUrl, lang: str, live: bool, rates: Rates | None, share: str | None) -> str:
    job = esc(record.job_id)
    url = esc(media_url(record))
    ep = find_endpoint(record.model_id)
    tier, mode = (ep.tier.key, ep.mode.key) if ep else ("", "")
    promote = "".join(
        f'<button class="job-action" data-action="promote:{tier_key}" data-job="{job}">'
        + esc(t("promote_to", lang).format(tier=tier_label(tier_key), price=format_usd(price), diff=format_usd(diff)))
        + "</button>"
        for tier_key, price, diff in promotions(record, rates)
    )
    seconds = record.payload.get("duration", "?")
    variant = record.meta.get("variant")
    tag = f'<span class="variant">{esc(" · ".join(variant_words(variant, lang)))}</span>' if isinstance(variant, str) and variant else ""
    request_id = f' · <small class="job-ref">{esc(record.request_id)}</small>' if record.request_id else ""
    confirm = esc(t("delete_confirm", lang))
    return (
        f'<div class="video-card" data-job="{job}" data-tier="{esc(tier)}" data-mode="{esc(mode)}"'
        f' data-fav="{int(bool(record.meta.get("favourite")))}" data-text="{_search_text(prompt_text(record), variant or "")}"'
        f' style="order:{-rank}">'
        f'<video controls preload="metadata" playsinline src="{url}#t=0.1"></video>'
        f'<div class="job-head"><b>{title(record, lang, variant=False)}{tag}</b>'
        f' <span>{esc(seconds)} s {_favourite(record, lang)}</span></div>'
        f'<div class="job-prompt">{summary(record, 300)}</div>'
        f'<div class="job-meta">{_cost(record, lang, live)}{request_id}</div>'
        f'<div class="video-actions"><a class="job-action" href="{url}&amp;download=1" download>{esc(t("download", lang))}</a>'
        f'<a class="job-action" href="{url.replace("/studio/media/", "/studio/recipe/")}" download>{esc(t("recipe", lang))}</a>'
        f'<button class="job-action" data-action="reuse" data-job="{job}">{esc(t("reuse", lang))}</button>'
        f'<button class="job-action" data-action="continue" data-job="{job}">{esc(t("continue", lang))}</button>'
        f"{promote}"
        f'<button class="job-action" data-action="delete" data-job="{job}" data-confirm="{confirm}">{esc(t("delete", lang))}</button>'
        f'{"" if share else share_button(record.job_id, lang)}'
        f"</div>{share or ''}</div>"
    )


def _film_card(film: StoryFilm, rank: int, media_url: MediaUrl, lang: str, live: bool) -> str:
    url = esc(film.url)
    endpoints = [find_endpoint(c.model_id) for c in film.clips]
    tiers = {ep.tier.key for ep in endpoints if ep is not None}
    tier = tiers.pop() if len(tiers) == 1 else ""
    total = sum((Decimal(c.cost_usd or c.quote_usd) for c in film.clips if c.status == "succeeded"), Decimal(0))
    items = []
    for clip in film.clips:
        link = (
            f' <a href="{esc(media_url(clip))}" target="_blank" rel="noopener">{esc(t("open_clip", lang))}</a>'
            if clip.status == "succeeded" and clip.files and not clip.meta.get("deleted_at") else ""
        )
        seconds = clip.payload.get("duration", "?")
        items.append(f'<li><span class="clip-title">{title(clip, lang, variant=False)}</span> · {esc(seconds)} s · {summary(clip, 200)}{link}</li>')
    count = esc(t("n_clips", lang).format(n=len(film.clips)))
    details = f'<details class="film-clips"><summary>{count}</summary><ol>{"".join(items)}</ol></details>' if items else ""
    name = esc(t("storyboard", lang)) + (f" · {esc(film.title)}" if film.title else "")
    seconds = f"{film.seconds:g} s" if film.seconds is not None else ""
    cost = f" · {price_words(total, lang, live=live, done=True)}" if film.clips else ""
    text = _search_text(film.title, *(prompt_text(c) for c in film.clips))
    return (
        f'<div class="video-card film-card" data-story="{esc(film.run_id)}" data-tier="{esc(tier)}" data-mode="storyboard"'
        f' data-fav="0" data-text="{text}" style="order:{-rank}">'
        f'<video controls preload="metadata" playsinline src="{url}#t=0.1"></video>'
        f'<div class="job-head"><b>{name}</b> <span>{esc(seconds)}</span></div>'
        f'<div class="job-meta">{count}{cost}</div>{details}'
        f'<div class="video-actions"><a class="job-action" href="{url}&amp;download=1" download>{esc(t("download", lang))}</a></div></div>'
    )


def gallery(
    records: Sequence[JobRecord],
    media_url: MediaUrl,
    lang: str = "en",
    *,
    live: bool = True,
    films: Sequence[StoryFilm] = (),
    rates: Rates | None = None,
    shares: Mapping[str, str] | None = None,
) -> str:
    """Finished videos and storyboard films, newest first, each playable inline with its actions.

    ``records`` may hold any of the browser's jobs: only those :func:`shown_videos` keeps get a
    card. ``shares`` maps a job id to its card's share box (:func:`~studio.ui.review_links.share_boxes`);
    a video without one gets the "Share for review" button. The cards are written oldest first and ordered newest-first by CSS, so a new video only
    appends a node: the page's diff leaves the players already there (and playing) alone.
    """
    entries: list[tuple[float, str, Any]] = [(r.created_at, "video", r) for r in shown_videos(records, films)]
    entries += [(f.finished_at, "film", f) for f in films]
    entries.sort(key=lambda e: e[0])
    cards = [
        _video_card(item, rank, media_url, lang, live, rates, (shares or {}).get(item.job_id)) if kind == "video" else _film_card(item, rank, media_url, lang, live)
        for rank, (_, kind, item) in enumerate(entries)
    ]
    if not cards:
        return f'<div class="empty">{esc(t("no_videos", lang))}</div>'
    return f'<div class="gallery-grid">{"".join(cards)}</div>'


class _Manager(Protocol):
    def job(self, owner_key: str, job_id: str) -> JobRecord | None: ...
    def set_favourite(self, owner_key: str, job_id: str, on: bool) -> str: ...
    def delete_video(self, owner_key: str, job_id: str) -> str: ...
    def shares(self, owner_key: str) -> dict[str, ShareLink]: ...
    def share_video(self, owner_key: str, job_id: str) -> ShareLink: ...
    def stop_sharing(self, owner_key: str, job_id: str) -> int: ...


def gallery_action(manager: _Manager, owner_key: str, action: str, job_id: str, lang: str = "en") -> str | None:
    """Carry out a gallery button's "favourite" (a toggle), "delete", "share" or "unshare"; the
    notice to show, or None for any other action. Another browser's job raises ValidationError
    naming "job"."""
    if action == "favourite":
        record = manager.job(owner_key, job_id)
        if record is None:
            raise ValidationError([Problem("job", "no such video in this browser")])
        on = not record.meta.get("favourite")
        manager.set_favourite(owner_key, job_id, on)
        return t("fav_added" if on else "fav_removed", lang)
    if action == "delete":
        manager.delete_video(owner_key, job_id)
        return t("deleted", lang)
    return share_action(manager, owner_key, action, job_id, lang)
