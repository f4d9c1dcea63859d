"""Domain → HTML for the job cards (jobs in flight, failed, cancelled) and the spend line.
Pure: no Gradio, no I/O. The gallery is :mod:`studio.ui.gallery_view`.

Each card is titled by what the job is ("Pro · Text to video · take 2 of 8"), never by an id,
and carries a progress bar (a native ``<progress>``, so it shows without any CSS and screen
readers announce it): queued shows the place in line, running the time so far against the
model's typical run time (:mod:`studio.jobs.run_times`; the bar stops at 95 % until the job is done),
downloading the megabytes. Every user-written string is escaped; the Cancel button carries
``data-action`` and ``data-job`` (the page's script turns a click into the Gradio event, see
:mod:`studio.ui.actions`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from studio.domain.job_status import ACCEPTED, JOB_STATUSES, UNSUCCESSFUL
from studio.domain.pricing import format_usd
from studio.jobs.journal import JobRecord
from studio.jobs.manager import LiveState
from studio.jobs.run_times import typical_run_seconds
from studio.ui.card_text import esc, price_words, summary, title
from studio.ui.i18n import t

__all__ = ["Progress", "job_cards", "job_progress", "spend_text"]

# A running job's bar never claims more than this before the job is done.
RUNNING_CAP = 0.95
_STAGES = JOB_STATUSES


@dataclass(frozen=True)
class Progress:
    """Where a job stands: the words beside its title and its bar (``fraction`` None: no
    measure, the bar moves without a value; ``bar`` False: no bar at all)."""

    stage: str
    words: str
    fraction: float | None = None
    bar: bool = True


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _span(seconds: float, lang: str) -> str:
    """40 s, or 4 min from three minutes up."""
    if seconds >= 180:
        return t("n_minutes", lang).format(n=int(seconds / 60 + 0.5))
    return t("n_seconds", lang).format(n=int(seconds))


def _queued(position: int | None, lang: str) -> str:
    words = t("queued", lang)
    if position is None:
        return words
    if position <= 0:
        return f"{words} · {t('queued_next', lang)}"
    return f"{words} · {t('queued_nth', lang).format(nth=_ordinal(position), n=position)}"


def job_progress(
    record: JobRecord, live: LiveState | None, lang: str, now: float, typical: Mapping[str, float] | None = None
) -> Progress:
    """The job's stage, in words and as a bar fraction (unescaped words)."""
    stage = live.stage if live else record.status
    if stage == "queued":
        position = live.position if live and live.position is not None else record.queue_position
        return Progress(stage, _queued(position, lang))
    if stage == "running":
        since = live.running_since if live and live.running_since is not None else record.started_at
        if since is None:
            return Progress(stage, t("running", lang))
        elapsed = max(0.0, now - since)
        usual = typical_run_seconds(record.model_id, typical)
        key = "running_of" if elapsed <= usual else "running_over"
        words = t(key, lang).format(elapsed=_span(elapsed, lang), typical=_span(usual, lang))
        return Progress(stage, f"{t('running', lang)} · {words}", min(elapsed / usual, RUNNING_CAP) if usual > 0 else None)
    if stage == "downloading":
        if live and live.bytes_done is not None:
            done = f"{live.bytes_done / 1e6:.1f}"
            if live.bytes_total:
                words = t("mb_of", lang).format(done=done, total=f"{live.bytes_total / 1e6:.1f}")
                return Progress(stage, f"{t('downloading', lang)} · {words}", min(live.bytes_done / live.bytes_total, 1.0))
            return Progress(stage, f"{t('downloading', lang)} · {done} MB")
        return Progress(stage, t("downloading", lang))
    if stage == "submitting":
        return Progress(stage, t("submitting", lang))
    if stage == "succeeded":
        return Progress(stage, t("succeeded", lang), 1.0)
    return Progress(stage, t(stage, lang) if stage in _STAGES else stage, bar=False)


def _bar(progress: Progress) -> str:
    """A native progress bar: with a value it fills to it; without one it shows activity."""
    if not progress.bar:
        return ""
    label = esc(progress.words)
    if progress.fraction is None:
        return f'<progress class="job-progress" max="100" aria-label="{label}" aria-valuetext="{label}" style="width:100%"></progress>'
    value = round(progress.fraction * 100)
    return (
        f'<progress class="job-progress" max="100" value="{value}" aria-label="{label}"'
        f' aria-valuetext="{label}" style="width:100%">{value} %</progress>'
    )


def job_cards(
    items: Sequence[tuple[JobRecord, LiveState | None]],
    lang: str = "en",
    now: float | None = None,
    *,
    live: bool = True,
    typical: Mapping[str, float] | None = None,
) -> str:
    """Cards for jobs that are not (yet) in the gallery: in flight, failed, cancelled.

    ``live`` says whether quotes will be charged (else they read "would cost"); ``typical`` maps
    a model id to its learned run time (:func:`studio.jobs.run_times.learned_run_seconds`).
    """
    now = time.time() if now is None else now
    cards = []
    for record, state in items:
        if record.status == "succeeded":
            continue
        progress = job_progress(record, state, lang, now, typical)
        status = progress.stage
        job = esc(record.job_id)
        button = ""
        if status == "queued":
            button = f'<button class="job-action" data-action="cancel" data-job="{job}">{esc(t("cancel", lang))}</button>'
        elif status == "running":
            button = f'<span class="job-note">{esc(t("not_cancellable", lang))}</span>'
        error = f'<div class="job-error">{esc(record.error)}</div>' if record.error and status in UNSUCCESSFUL else ""
        request_id = f' · <small class="job-ref">{esc(record.request_id)}</small>' if record.request_id else ""
        cards.append(
            f'<div class="job-card" data-job="{job}" data-status="{esc(status)}">'
            f'<div class="job-head"><b class="job-title">{title(record, lang)}</b>'
            f' <span class="job-stage">{esc(progress.words)}</span></div>{_bar(progress)}'
            f'<div class="job-prompt">{summary(record)}</div>'
            f'<div class="job-meta">{price_words(record.quote_usd, lang, live=live, done=False)}{request_id}</div>'
            f"{error}{button}</div>"
        )
    if cards:
        return "".join(cards)
    return f'<div class="empty">{esc(t("no_jobs_in_flight" if items else "no_jobs", lang))}</div>'


def spend_text(records: Sequence[JobRecord], lang: str = "en", cap: Decimal | None = None, *, live: bool = True) -> str:
    """What this browser has spent (charged, plus quotes of jobs in flight), and its cap if any.

    Offline nothing is charged: the line says what the session would have cost.
    """
    total = Decimal(0)
    for r in records:
        if r.cost_usd:
            total += Decimal(r.cost_usd)
        elif r.status in ACCEPTED:
            total += Decimal(r.quote_usd)
    head = t("spend" if live else "spend_offline", lang)
    return f"{head}: {format_usd(total)}" + (t("spend_cap", lang).format(cap=format_usd(cap)) if cap is not None else "")
