"""Job cards (title, progress bar, price wording) and the spend line."""

import re
from decimal import Decimal

from studio.jobs.journal import JobRecord
from studio.jobs.manager import LiveState
from studio.ui.present import job_cards, job_progress, spend_text

STANDARD_T2V = "kling/kling-3.0/standard/text-to-video"


def record(**kw):
    base = {
        "job_id": "a" * 32, "model_id": STANDARD_T2V, "status": "queued",
        "request": {"prompt": "<script>alert(1)</script> wide shot", "duration": 5}, "payload": {"duration": 5},
        "quote_usd": "0.42", "created_at": 0.0, "updated_at": 0.0, "request_id": "r1", "owner": "o",
    }
    base.update(kw)
    return JobRecord(**base)


def bar(html):
    """The value of the card's <progress> (None: it has no value, i.e. it shows activity)."""
    found = re.search(r"<progress [^>]*>", html)
    assert found, html
    value = re.search(r'value="(\d+)"', found[0])
    return int(value[1]) if value else None


def test_cards_escape_user_text_and_offer_cancel_only_while_queued():
    html = job_cards([(record(), LiveState("queued", position=2))])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'data-action="cancel"' in html and "Queued · 2nd in line" in html
    running = job_cards([(record(status="running", started_at=100.0), None)], now=112.0)
    assert 'data-action="cancel"' not in running and "can no longer be cancelled" in running


def test_queue_positions_read_as_places_in_line():
    words = [job_progress(record(), LiveState("queued", position=n), "en", 0.0).words for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 0)]
    assert words == [
        "Queued · 1st in line", "Queued · 2nd in line", "Queued · 3rd in line", "Queued · 4th in line",
        "Queued · 11th in line", "Queued · 12th in line", "Queued · 13th in line", "Queued · 21st in line",
        "Queued · 22nd in line", "Queued · next in line",
    ]
    # Without a live state the journal's position is used; without any, no position is claimed.
    assert job_progress(record(queue_position=5), None, "en", 0.0).words == "Queued · 5th in line"
    assert job_progress(record(), None, "en", 0.0).words == "Queued"
    html = job_cards([(record(), LiveState("queued", position=3))])
    assert bar(html) is None and 'aria-valuetext="Queued · 3rd in line"' in html


def test_running_is_measured_against_the_tier_default_then_the_learned_time():
    job = record(status="running", started_at=100.0)
    html = job_cards([(job, None)], now=140.0)
    assert "Running · 40 s of about 90 s" in html and bar(html) == 44  # Standard's default: 90 s
    learned = job_cards([(job, None)], now=140.0, typical={STANDARD_T2V: 50.0})
    assert "Running · 40 s of about 50 s" in learned and bar(learned) == 80
    # Past the typical time the bar stops at 95 % and the words say it is taking longer.
    late = job_cards([(job, None)], now=400.0, typical={STANDARD_T2V: 50.0})
    assert bar(late) == 95 and "Running · 5 min, longer than the usual 50 s" in late
    pro = job_cards([(record(status="running", started_at=0.0, model_id="kling/kling-3.0/pro/text-to-video"), None)], now=30.0)
    assert "Running · 30 s of about 150 s" in pro and bar(pro) == 20  # Pro's default
    # The live state's start time wins over the journal's.
    assert "Running · 10 s" in job_cards([(job, LiveState("running", running_since=130.0))], now=140.0)


def test_downloading_shows_megabytes_and_fills_by_bytes():
    html = job_cards([(record(status="downloading"), LiveState("downloading", bytes_done=3_000_000, bytes_total=12_000_000))])
    assert "Downloading · 3.0 of 12.0 MB" in html and bar(html) == 25
    unknown = job_cards([(record(status="downloading"), LiveState("downloading", bytes_done=1_500_000))])
    assert "Downloading · 1.5 MB" in unknown and bar(unknown) is None


def test_finished_jobs_have_no_bar_and_failed_ones_say_why():
    html = job_cards([(record(status="failed", error="<b>boom</b>"), None)])
    assert "<progress" not in html and "&lt;b&gt;boom&lt;/b&gt;" in html and 'data-status="failed"' in html


def test_cards_are_titled_by_what_the_job_is_never_by_its_id():
    job = record(job_id="f" * 32, request_id="req-123", meta={"variant": "tier pro · take 2 of 8"}, model_id="kling/kling-3.0/pro/text-to-video")
    html = job_cards([(job, LiveState("queued", position=1))])
    head = re.search(r'<b class="job-title">(.*?)</b>', html)[1]
    assert head == "Pro · Text to video · take 2 of 8"
    assert "f" * 32 not in html.replace('data-job="' + "f" * 32 + '"', "")  # only in data-job
    assert '<small class="job-ref">req-123</small>' in html  # the request id: small print only
    clip = record(meta={"clip": 1, "clips": 5}, group_id="run-x")
    assert re.search(r'<b class="job-title">(.*?)</b>', job_cards([(clip, None)]))[1] == "Standard · Text to video · Storyboard · clip 2 of 5"


def test_offline_cards_say_would_cost_never_charged():
    live = job_cards([(record(), None)])
    offline = job_cards([(record(), None)], live=False)
    assert "quote $0.42" in live
    assert "would cost $0.42" in offline and "charged" not in offline and "quote" not in offline


def test_chinese_cards():
    html = job_cards([(record(meta={"variant": "take 3 of 4"}), LiveState("queued", position=3))], lang="zh", live=False)
    assert "排队中 · 排在第 3 位" in html and "第 3/4 条" in html and "在线将花费 $0.42" in html
    running = job_cards([(record(status="running", started_at=0.0), None)], lang="zh", now=30.0)
    assert "生成中 · 已 30 秒，通常约 90 秒" in running


def test_spend_counts_charges_and_in_flight_quotes():
    jobs = [record(status="succeeded", cost_usd="0.50"), record(status="queued"), record(status="failed"), record(status="cancelled")]
    assert spend_text(jobs) == "This session so far: $0.92"
    assert spend_text(jobs, live=False) == "This session would have cost: $0.92"
    assert spend_text(jobs, cap=Decimal(5)) == "This session so far: $0.92 of $5.00"
    assert spend_text(jobs, "zh", Decimal(5), live=False) == "本次会话在线需花费: $0.92（上限 $5.00）"
