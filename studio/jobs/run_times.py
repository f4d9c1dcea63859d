"""How long a job typically runs, per model: what a progress bar measures a running job against.

The typical time of a model is the median run time (``finished_at - started_at``) of its latest
succeeded jobs in the journal (:data:`~studio.config.TYPICAL_RUN_SAMPLE` of them); a model with
none yet falls back to its tier's default (:data:`~studio.config.TYPICAL_RUN_SECONDS`). Pure:
callers pass the records.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping

from studio.config import TYPICAL_RUN_SAMPLE, TYPICAL_RUN_SECONDS
from studio.domain.catalog import find_endpoint
from studio.jobs.journal import JobRecord

__all__ = ["learned_run_seconds", "typical_run_seconds"]

# The fallback for a model the catalog does not know (the slowest tier's default).
_UNKNOWN_MODEL_SECONDS = max(TYPICAL_RUN_SECONDS.values())


def learned_run_seconds(records: Iterable[JobRecord], sample: int = TYPICAL_RUN_SAMPLE) -> dict[str, float]:
    """Model id → median run time of its latest ``sample`` succeeded jobs (newest first in, as
    the journal lists them). Jobs without both timestamps, or with a nonsensical span, are skipped."""
    spans: dict[str, list[float]] = {}
    for record in sorted(records, key=lambda r: r.finished_at or 0.0, reverse=True):
        if record.status != "succeeded" or record.started_at is None or record.finished_at is None:
            continue
        span = record.finished_at - record.started_at
        if not 0 < span < 24 * 3600:
            continue
        kept = spans.setdefault(record.model_id, [])
        if len(kept) < sample:
            kept.append(span)
    return {model: statistics.median(values) for model, values in spans.items()}


def typical_run_seconds(model_id: str, learned: Mapping[str, float] | None = None) -> float:
    """The typical run time of ``model_id``: learned from the journal, else its tier's default."""
    if learned and model_id in learned:
        return learned[model_id]
    ep = find_endpoint(model_id)
    if ep is None:
        return _UNKNOWN_MODEL_SECONDS
    return TYPICAL_RUN_SECONDS.get(ep.tier.key, _UNKNOWN_MODEL_SECONDS)
