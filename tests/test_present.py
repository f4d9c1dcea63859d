"""Job cards and gallery HTML."""

from decimal import Decimal

from studio.journal import JobRecord
from studio.manager import LiveState
from studio.ui.present import gallery, job_cards, promotions, spend_text


def record(**kw):
    base = dict(
        job_id="a" * 32, model_id="kling/kling-3.0/standard/text-to-video", status="queued",
        request={"prompt": "<script>alert(1)</script> wide shot", "duration": 5}, payload={"duration": 5},
        quote_usd="0.42", created_at=0.0, updated_at=0.0, request_id="r1", owner="o",
    )
    base.update(kw)
    return JobRecord(**base)


def test_cards_escape_user_text_and_offer_cancel_only_while_queued():
    html = job_cards([(record(), LiveState("queued", position=2))])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'data-action="cancel"' in html and "position 2" in html
    running = job_cards([(record(status="running", started_at=100.0), None)], now=112.0)
    assert 'data-action="cancel"' not in running and "can no longer be cancelled" in running and "12 s" in running


def test_finished_jobs_leave_the_cards_for_the_gallery():
    done = record(status="succeeded", files=("/x.mp4",), cost_usd="0.42")
    assert "Nothing in flight" in job_cards([(done, None)])
    html = gallery([done], lambda r: f"/studio/media/{r.job_id}?sig=s")
    assert '<video' in html and "/studio/media/" + "a" * 32 in html and "charged $0.42" in html
    assert 'data-action="reuse"' in html and 'data-action="promote:pro"' in html


def test_promotion_prices_are_the_difference():
    assert [(t, d) for t, d in promotions(record(status="succeeded"))] == [("pro", Decimal("0.14")), ("4k", Decimal("1.68"))]
    assert promotions(record(model_id="kling/kling-3.0/pro/text-to-video")) == []


def test_chinese_cards():
    assert "排队中" in job_cards([(record(), None)], lang="zh")


def test_spend_counts_charges_and_in_flight_quotes():
    jobs = [record(status="succeeded", cost_usd="0.50"), record(status="queued"), record(status="failed"), record(status="cancelled")]
    assert spend_text(jobs) == "This session so far: $0.92"
