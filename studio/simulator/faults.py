"""Fault injection: which call of which operation misbehaves, and how.

A run's faults are an ordered list of :class:`FaultRule`. Every call the simulator serves is
classified into one operation (``submit``, ``status``, ``result``, ``cancel``, ``catalog``,
``balance``, ``download``); :meth:`FaultBook.take` counts the call against every rule for that
operation and returns the first rule that fires. This module only decides; the gateway, the
API routes and the file routes carry the fault out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["OPS", "GENERIC_KINDS", "SUBMIT_KINDS", "DOWNLOAD_KINDS", "FaultRule", "FaultBook"]

OPS = ("submit", "status", "result", "cancel", "catalog", "balance", "download")

# Kinds the gateway applies to any operation, before routing (like a flaky load balancer).
GENERIC_KINDS = ("429", "408", "500", "502", "503", "drop", "slow", "malformed", "error_code_200")
# Kinds that only make sense for a submit.
SUBMIT_KINDS = ("drop_after_accept", "insufficient_balance", "bad_model", "job_failed", "job_stuck")
# Kinds that only make sense for a result file download.
DOWNLOAD_KINDS = (
    "truncated",
    "oversized",
    "huge_chunked",
    "redirect_offhost",
    "redirect_onhost",
    "empty",
    "expired",
)


@dataclass
class FaultRule:
    """Fire ``kind`` on calls of ``op``: skip the first ``after`` calls, then fire ``times`` times (0 = always)."""

    op: str
    kind: str
    times: int = 1
    after: int = 0
    retry_after: float | None = None
    delay: float = 30.0
    seen: int = field(default=0, compare=False)
    fired: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"fault op {self.op!r} is not one of {', '.join(OPS)}")
        allowed = GENERIC_KINDS + (SUBMIT_KINDS if self.op == "submit" else ())
        allowed += DOWNLOAD_KINDS if self.op == "download" else ()
        if self.kind not in allowed:
            raise ValueError(f"fault kind {self.kind!r} is not available for op {self.op!r}")
        for name in ("times", "after"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"fault {name} must be an integer >= 0, not {value!r}")
        for name in ("retry_after", "delay"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
                raise ValueError(f"fault {name} must be a number >= 0, not {value!r}")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FaultRule:
        """A rule from its JSON form; unknown keys raise ValueError."""
        if not isinstance(data, Mapping):
            raise ValueError("a fault rule must be a JSON object")
        known = {"op", "kind", "times", "after", "retry_after", "delay"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown fault rule key(s): {', '.join(unknown)}")
        if "op" not in data or "kind" not in data:
            raise ValueError("a fault rule needs 'op' and 'kind'")
        return cls(**{k: data[k] for k in known if k in data})

    def as_json(self) -> dict[str, Any]:
        """The rule and its counters as a JSON-ready dict."""
        return {
            "op": self.op,
            "kind": self.kind,
            "times": self.times,
            "after": self.after,
            "retry_after": self.retry_after,
            "delay": self.delay,
            "seen": self.seen,
            "fired": self.fired,
        }

    def _eligible(self) -> bool:
        """Whether the call just counted in ``seen`` may fire this rule."""
        return self.seen > self.after and (self.times == 0 or self.fired < self.times)


class FaultBook:
    """The current rule list, safe to read and replace from any thread."""

    def __init__(self, rules: Iterable[FaultRule | Mapping[str, Any]] = ()) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self.set(rules)

    def set(self, rules: Iterable[FaultRule | Mapping[str, Any]]) -> None:
        """Replace every rule (counters start from zero); raises ValueError on a bad rule."""
        parsed = [r if isinstance(r, FaultRule) else FaultRule.from_json(r) for r in rules]
        with self._lock:
            self._rules = parsed

    def add(self, op: str, kind: str, **options: Any) -> FaultRule:
        """Append one rule and return it."""
        rule = FaultRule(op=op, kind=kind, **options)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule."""
        self.set(())

    def take(self, op: str) -> FaultRule | None:
        """Count one call of ``op`` against every rule for it; the first rule that fires, or None."""
        with self._lock:
            firing = None
            for rule in self._rules:
                if rule.op != op:
                    continue
                rule.seen += 1
                if firing is None and rule._eligible():
                    rule.fired += 1
                    firing = rule
            return firing

    def rules(self) -> list[FaultRule]:
        """A snapshot of the rules with their counters."""
        with self._lock:
            return list(self._rules)

    def as_json(self) -> list[dict[str, Any]]:
        """The rules and their counters as JSON."""
        return [r.as_json() for r in self.rules()]
