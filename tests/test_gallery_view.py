"""The gallery's HTML: cards, data attributes, storyboard films, promote prices, offline wording,
its version string, and the favourite/delete actions (against a stand-in manager)."""

import re
from dataclasses import replace
from decimal import Decimal
from html import unescape

import pytest

from studio.domain.catalog import Rates
from studio.errors import ValidationError
from studio.jobs.journal import JobRecord
from studio.ui.gallery_view import (
    StoryFilm,
    gallery,
    gallery_action,
    gallery_version,
    promotions,
    shown_videos,
    story_films,
)

STANDARD_T2V = "kling/kling-3.0/standard/text-to-video"


def record(n=1, **kw):
    base = {
        "job_id": f"{n:032x}", "model_id": STANDARD_T2V, "status": "succeeded",
        "request": {"prompt": "<script>alert(1)</script> Wide Shot of a HARBOUR", "duration": 5}, "payload": {"duration": 5},
        "quote_usd": "0.42", "cost_usd": "0.42", "created_at": float(n), "updated_at": float(n), "request_id": f"req-{n}", "owner": "o",
        "files": (f"/data/jobs/{n}/v.mp4",),
    }
    base.update(kw)
    return JobRecord(**base)


def url(r):
    return f"/studio/media/{r.job_id}?sig=s&x=<y>"


def card(html, job_id):
    found = re.search(rf'<div class="video-card[^"]*" data-job="{job_id}".*?(?=<div class="video-card|$)', html, re.DOTALL)
    assert found, f"no card for {job_id}"
    return found[0]


def attr(html, name):
    return unescape(re.search(rf'{name}="([^"]*)"', html)[1])


def test_cards_escape_user_text_and_carry_filter_data():
    job = record(meta={"favourite": True, "variant": 'tier pro · "quoted" <b>'}, model_id="kling/kling-3.0/pro/image-to-video")
    html = gallery([job], url)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '"quoted" <b>' not in html and "&quot;quoted&quot; &lt;b&gt;" in html
    one = card(html, job.job_id)
    assert attr(one, "data-tier") == "pro" and attr(one, "data-mode") == "image-to-video" and attr(one, "data-fav") == "1"
    # The search text: the prompt (and the variant), lower-cased; escaped in the attribute.
    text = attr(one, "data-text")
    assert "wide shot of a harbour" in text and "<script>" in text and text == text.lower()
    assert 'data-text="&lt;script&gt;' in one
    # The media URL is escaped too.
    assert "x=&lt;y&gt;" in one and "x=<y>" not in one


def test_favourite_toggle_and_delete_with_its_question():
    html = gallery([record(1), record(2, meta={"favourite": True})], url)
    off, on = card(html, record(1).job_id), card(html, record(2).job_id)
    assert re.search(r'<button class="job-action fav" data-action="favourite"[^>]*aria-pressed="false" aria-label="Add to favourites" title="Add to favourites">☆</button>', off)
    assert re.search(r'aria-pressed="true" aria-label="Remove from favourites" title="Remove from favourites">★</button>', on)
    delete = re.search(r'<button class="job-action" data-action="delete" data-job="([0-9a-f]+)" data-confirm="([^"]*)">Delete</button>', off)
    assert delete and delete[1] == record(1).job_id
    assert delete[2] == "Delete this video? Its cost stays in your spend."


def test_newest_first_and_only_kept_finished_videos():
    records = [
        record(1), record(3), record(2),
        record(4, status="failed", files=()), record(5, status="running", files=()),
        record(6, files=(), meta={"deleted_at": 10.0}),
    ]
    html = gallery(records, url)
    orders = {m[1]: int(m[2]) for m in re.finditer(r'data-job="([0-9a-f]{32})"[^>]*style="order:(-?\d+)"', html)}
    assert set(orders) == {record(n).job_id for n in (1, 2, 3)}
    assert sorted(orders, key=orders.get) == [record(n).job_id for n in (3, 2, 1)]  # CSS order: newest first
    assert "No" not in html and gallery([records[3]], url).startswith('<div class="empty">')


def test_promote_shows_the_full_price_and_the_difference():
    assert promotions(record()) == [("pro", Decimal("0.56"), Decimal("0.14")), ("4k", Decimal("2.1"), Decimal("1.68"))]
    assert promotions(record(model_id="kling/kling-3.0/pro/text-to-video")) == []
    html = gallery([record()], url)
    assert ">Promote to Pro: $0.56 (+$0.14)</button>" in html and ">Promote to 4K: $2.10 (+$1.68)</button>" in html
    # With the rates the submit would use (a live catalog), the label follows them.
    def dearer(ep):
        return replace(ep, rates=Rates(silent=ep.rates.silent * 2, audio=ep.rates.audio * 2)) if ep.tier.key == "pro" else ep

    assert promotions(record(), dearer) == [("pro", Decimal("1.12"), Decimal("0.70")), ("4k", Decimal("2.1"), Decimal("1.68"))]
    assert ">Promote to Pro: $1.12 (+$0.70)</button>" in gallery([record()], url, rates=dearer)


def test_offline_says_would_have_cost_never_charged():
    live = gallery([record(cost_usd="0.42")], url)
    offline = gallery([record(cost_usd="0.42")], url, live=False)
    assert "quote $0.42 · charged $0.42" in live
    assert "would have cost $0.42" in offline and "charged" not in offline
    # A drift between quote and charge is shown live.
    assert "+$0.08 vs quote" in gallery([record(cost_usd="0.50")], url)
    assert "比预估+$0.08" in gallery([record(cost_usd="0.50")], url, "zh")


def storyboard():
    clips = [
        record(11, group_id="board-abc", meta={"clip": 1, "clips": 2}, request={"prompt": "Gulls over the BOATS", "duration": 5}),
        record(10, group_id="board-abc", meta={"clip": 0, "clips": 2}, request={"prompt": "The harbour <at> dawn", "duration": 6}),
        record(9, group_id="board-abc", meta={"clip": 0, "clips": 2}, status="failed", files=()),  # an earlier try
    ]
    runs = [
        {"run_id": "board-abc", "owner": "o", "title": "Harbour <film>", "file": "/x.mp4", "seconds": 11.0, "clips": 2, "finished_at": 50.0},
        {"run_id": "board-running", "owner": "o", "stage": "clip 1/3"},
    ]
    return clips, runs


def test_a_storyboard_is_one_film_card_with_its_clips_inside():
    clips, runs = storyboard()
    films = story_films(runs, [record(1), *clips], lambda run: f"/studio/story/{run['run_id']}?sig=s&a=<b>")
    assert [f.run_id for f in films] == ["board-abc"]  # a run still going is not a film
    assert [c.job_id for c in films[0].clips] == [record(10).job_id, record(11).job_id]  # clip order, the succeeded try
    html = gallery([record(1), *clips], url, films=films)
    assert html.count('class="video-card') == 2
    assert record(10).job_id not in re.sub(r'<details.*?</details>', "", html, flags=re.DOTALL).split("film-card")[0]
    assert 'data-job="' + record(10).job_id not in html and 'data-job="' + record(11).job_id not in html
    film = re.search(r'<div class="video-card film-card".*', html, re.DOTALL)[0]
    assert 'data-story="board-abc"' in film and 'data-mode="storyboard"' in film and 'data-tier="standard"' in film
    assert 'src="/studio/story/board-abc?sig=s&amp;a=&lt;b&gt;#t=0.1"' in film
    assert "Storyboard · Harbour &lt;film&gt;" in film and "11 s" in film
    details = re.search(r"<details class=\"film-clips\"><summary>2 clips</summary><ol>(.*?)</ol></details>", film, re.DOTALL)[1]
    items = re.findall(r"<li>(.*?)</li>", details)
    assert len(items) == 2 and "The harbour &lt;at&gt; dawn" in items[0] and "Gulls over the BOATS" in items[1]
    assert "gulls over the boats" in attr(film, "data-text") and "harbour <film>" in attr(film, "data-text")
    assert "quote $0.84 · " not in film and "charged $0.84" in film
    # The film is the newest card: it finished after the other video was made.
    orders = [int(m) for m in re.findall(r'style="order:(-?\d+)"', html)]
    assert re.search(r'film-card[^>]*style="order:(-?\d+)"', html)[1] == str(min(orders)) == "-1"


def test_clips_of_a_film_are_not_shown_on_their_own_but_other_groups_are():
    clips, runs = storyboard()
    films = story_films(runs, clips, lambda run: "/s")
    assert shown_videos(clips, films) == []
    assert [r.job_id for r in shown_videos(clips)] == [record(11).job_id, record(10).job_id]
    other = record(20, group_id="ab-test")
    assert shown_videos([other], films) == [other]


def test_version_changes_with_what_the_gallery_shows_only():
    base = [record(1), record(2), record(3, status="running", files=())]
    v = gallery_version(base)
    assert v == gallery_version(list(reversed(base)))
    assert v == gallery_version([*base[:2], record(3, status="queued", files=())])  # jobs in flight: no re-render
    assert v != gallery_version([record(1, meta={"favourite": True}), *base[1:]])
    assert v != gallery_version([record(1, files=(), meta={"deleted_at": 1.0}), *base[1:]])
    assert v != gallery_version(base, [StoryFilm("board", "", "/s", 5.0, 9.0)])
    assert v != gallery_version(base, live=False) and v != gallery_version(base, lang="zh")
    assert len(v) < 40


def test_chinese_gallery():
    html = gallery([record(meta={"variant": "prompt A · take 1 of 2"})], url, "zh", live=False)
    assert "升级到 Pro：$0.56（+$0.14）" in html and "在线需花费 $0.42" in html and "删除" in html
    assert "提示词 A · 第 1/2 条" in html and 'title="加入收藏"' in html and "删除这个视频？" in html


class FakeManager:
    def __init__(self, records):
        self.records = {r.job_id: r for r in records}
        self.calls = []

    def job(self, owner_key, job_id):
        return self.records.get(job_id) if owner_key == "me" else None

    def set_favourite(self, owner_key, job_id, on):
        if self.job(owner_key, job_id) is None:
            raise ValidationError([])
        self.calls.append(("favourite", job_id, on))
        return "ok"

    def delete_video(self, owner_key, job_id):
        self.calls.append(("delete", job_id))
        return "ok"


def test_gallery_action_toggles_favourites_deletes_and_ignores_the_rest():
    liked = record(2, meta={"favourite": True})
    m = FakeManager([record(1), liked])
    assert gallery_action(m, "me", "favourite", record(1).job_id) == "Added to favourites."
    assert gallery_action(m, "me", "favourite", liked.job_id, "zh") == "已取消收藏。"
    assert gallery_action(m, "me", "delete", record(1).job_id) == "Video deleted. Its cost stays in your spend."
    assert m.calls == [("favourite", record(1).job_id, True), ("favourite", liked.job_id, False), ("delete", record(1).job_id)]
    for other in ("reuse", "cancel", "promote:pro", "continue", ""):
        assert gallery_action(m, "me", other, record(1).job_id) is None
    with pytest.raises(ValidationError) as info:
        gallery_action(m, "someone-else", "favourite", record(1).job_id)
    assert [p.field for p in info.value.problems] == ["job"]
