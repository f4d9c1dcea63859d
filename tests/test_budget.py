"""Spending caps: refused with the figures, holding across sessions and restarts."""

from decimal import Decimal

import pytest

from studio.config import Settings
from studio.domain.forms import Form
from studio.errors import ConfigError
from studio.jobs.budget import (
    BudgetExceeded,
    BudgetGuard,
    BudgetLimits,
    committed,
    drift,
)
from studio.jobs.journal import open_journal
from studio.jobs.manager import JobManager
from studio.jobs.service import Studio

PRO_5S = Form(tier="pro", prompt="Wide shot of a harbour", duration=5)  # $0.56


def manager_for(tmp_path, **limits):
    studio = Studio.connect(Settings(data_dir=tmp_path, poll_interval=0.05), offline=True, queue_seconds=0.2, run_seconds=0.2, render=False, budget=BudgetLimits(**limits))
    return JobManager(studio).start()


def test_a_one_dollar_session_cap_refuses_the_second_pro_clip_with_figures(tmp_path):
    manager = manager_for(tmp_path, session_usd=Decimal("1.00"))
    try:
        manager.submit(PRO_5S, "alice")
        with pytest.raises(BudgetExceeded) as info:
            manager.submit(PRO_5S, "alice", distinct=True)
        message = str(info.value)
        assert "$0.56" in message and "$1.00" in message and "$1.12" in message
        manager.submit(PRO_5S, "bob")  # another browser has its own session cap
        assert manager.wait_idle(30)
        assert len(manager.jobs("alice")) == 1
    finally:
        manager.stop()


def test_the_daily_cap_holds_across_two_sessions_and_a_restart(tmp_path):
    manager = manager_for(tmp_path, daily_usd=Decimal("1.50"))
    try:
        manager.submit(PRO_5S, "alice")
        manager.submit(PRO_5S, "bob")
        assert manager.wait_idle(30)
    finally:
        manager.stop()
    again = manager_for(tmp_path, daily_usd=Decimal("1.50"))  # the server restarts
    try:
        with pytest.raises(BudgetExceeded, match=r"today this studio has spent \$1.12 of its \$1.50 daily cap"):
            again.submit(PRO_5S, "carol")
        assert again.jobs("carol") == []
    finally:
        again.stop()


def test_committed_counts_charges_in_flight_and_unknown(tmp_path):
    journal = open_journal(tmp_path / "j.sqlite3")
    rows = []
    for status, cost in [("succeeded", "0.50"), ("queued", None), ("unknown", None), ("failed", None), ("cancelled", None), ("succeeded", None)]:
        r = journal.begin(model_id="m/x", request={}, payload={}, quote_usd="0.10")
        rows.append(journal.update(r.job_id, status=status, cost_usd=cost))
    assert committed(rows) == Decimal("0.80")
    assert drift(rows[0]) == Decimal("0.40") and drift(rows[1]) is None
    guard = BudgetGuard(journal, BudgetLimits(daily_usd=Decimal("0.90")))
    guard.check(None, Decimal("0.10"))
    with pytest.raises(BudgetExceeded):
        guard.check(None, Decimal("0.11"))
    journal.close()


def test_the_caps_come_from_settings(tmp_path):
    """STUDIO_SESSION_CAP_USD and STUDIO_DAILY_CAP_USD (read and checked in tests/test_config.py)
    cap a studio built from those settings; without them there is no guard."""
    settings = Settings.from_env({"STUDIO_HOME": str(tmp_path / "a"), "STUDIO_DAILY_CAP_USD": "2", "STUDIO_SESSION_CAP_USD": "0.5"})
    capped = Studio(settings, None)
    assert capped.budget is not None and capped.budget.limits == BudgetLimits(Decimal("0.5"), Decimal("2"))
    assert Studio(Settings.from_env({"STUDIO_HOME": str(tmp_path / "b")}), None).budget is None
    capped.journal.close()


def test_lending_the_operator_token_on_a_public_space(tmp_path):
    from studio.client.credentials import Token
    from studio.ui.server import lend_operator_token

    live = Studio(Settings(data_dir=tmp_path), Token("t", "test"))
    assert lend_operator_token(live, {}) is True
    assert lend_operator_token(live, {"SPACE_ID": "me/studio"}) is False
    with pytest.raises(ConfigError, match="spending cap"):
        lend_operator_token(live, {"SPACE_ID": "me/studio", "STUDIO_SHARE_OPERATOR_TOKEN": "1"})
    capped = Studio(Settings(data_dir=tmp_path / "b"), Token("t", "test"), budget=BudgetLimits(daily_usd=Decimal("5")))
    assert lend_operator_token(capped, {"SPACE_ID": "me/studio", "STUDIO_SHARE_OPERATOR_TOKEN": "1"}) is True
