"""Spending caps that hold: per browser session and per day for the whole deployment.

Before every submit the quote is checked against what is already committed: charged amounts
(``cost_usd``) plus the quotes of :data:`~studio.domain.job_status.COMMITTED` jobs (in flight,
succeeded without a reported cost, or whose submit outcome is unknown). The day is the UTC day; the journal is the ledger, so the
caps hold across browser sessions and restarts. A refusal says the figures.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from studio.config import Settings
from studio.domain.job_status import COMMITTED
from studio.domain.pricing import format_usd
from studio.errors import Problem, ValidationError
from studio.jobs.journal import JobRecord, Journal

__all__ = ["BudgetLimits", "BudgetExceeded", "BudgetGuard", "committed", "drift"]


class BudgetExceeded(ValidationError):
    """A submit that would cross a spending cap; nothing was sent."""


@dataclass(frozen=True)
class BudgetLimits:
    """Caps in USD; None means no cap."""

    session_usd: Decimal | None = None
    daily_usd: Decimal | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> BudgetLimits:
        """The caps ``STUDIO_SESSION_CAP_USD`` and ``STUDIO_DAILY_CAP_USD`` (read in studio.config)."""
        return cls(settings.session_cap_usd, settings.daily_cap_usd)

    @property
    def any(self) -> bool:
        return self.session_usd is not None or self.daily_usd is not None


def committed(records: Iterable[JobRecord]) -> Decimal:
    """Money charged or possibly about to be: costs where known, else quotes of live jobs."""
    total = Decimal(0)
    for r in records:
        if r.cost_usd is not None:
            total += Decimal(r.cost_usd)
        elif r.status in COMMITTED:
            total += Decimal(r.quote_usd)
    return total


def drift(record: JobRecord) -> Decimal | None:
    """Charged minus quoted, when RunComfy reported a cost that differs from the quote."""
    if record.cost_usd is None:
        return None
    difference = Decimal(record.cost_usd) - Decimal(record.quote_usd)
    return difference if abs(difference) >= Decimal("0.001") else None


def _day_start(now: float) -> float:
    day = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day.timestamp()


class BudgetGuard:
    """Checks a quote against the caps, reading the journal as the ledger."""

    def __init__(self, journal: Journal, limits: BudgetLimits, *, clock: Callable[[], float] = time.time) -> None:
        self.journal = journal
        self.limits = limits
        self._clock = clock

    def spent_today(self) -> Decimal:
        start = _day_start(self._clock())
        return committed(r for r in self.journal.find(limit=100_000) if r.created_at >= start)

    def spent_by(self, owner: str | None) -> Decimal:
        return committed(self.journal.find(owner=owner, limit=100_000)) if owner else Decimal(0)

    def check(self, owner: str | None, amount: Decimal) -> None:
        """Raise BudgetExceeded when ``amount`` more would cross a cap."""
        problems = []
        limits = self.limits
        if limits.session_usd is not None and owner is not None:
            spent = self.spent_by(owner)
            if spent + amount > limits.session_usd:
                problems.append(
                    Problem(
                        "budget",
                        f"this clip costs {format_usd(amount)}; this session has spent {format_usd(spent)} of its "
                        f"{format_usd(limits.session_usd)} cap, so it would reach {format_usd(spent + amount)}",
                    )
                )
        if limits.daily_usd is not None:
            spent = self.spent_today()
            if spent + amount > limits.daily_usd:
                problems.append(
                    Problem(
                        "budget",
                        f"this clip costs {format_usd(amount)}; today this studio has spent {format_usd(spent)} of its "
                        f"{format_usd(limits.daily_usd)} daily cap, so it would reach {format_usd(spent + amount)}",
                    )
                )
        if problems:
            raise BudgetExceeded(problems)
