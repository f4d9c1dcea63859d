"""Share for review: links in the journal, their signatures, expiry and revoking, the reviewer's
answer, the public page (what it shows, what it never shows, every bad input) and the owner's
gallery card. On the embedded simulator; the page's routes run in-process (Starlette's client)."""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from studio.config import Settings
from studio.domain.forms import Form, ShotRow
from studio.errors import Problem, ValidationError
from studio.jobs.journal import ShareLink
from studio.jobs.journal.sqlite import MIGRATIONS
from studio.jobs.manager import JobManager
from studio.jobs.owners import owner_id
from studio.jobs.reviews import SHARE_ID, LinkClosed, clean_comment
from studio.jobs.service import Studio
from studio.ui.gallery_view import gallery, gallery_action, gallery_version
from studio.ui.media import MediaSigner
from studio.ui.review_links import ReviewSigner, share_box, share_boxes
from studio.ui.review_routes import review_routes
from studio.ui.translate import problem

ALICE, BOB = "alice-key-0123456789", "bob-key-0123456789ab"
DAY = 86400.0
HOSTILE = '<script>alert("x")</script> & "quotes" <b>bold</b>'


@pytest.fixture(scope="module")
def manager(tmp_path_factory):
    home = tmp_path_factory.mktemp("reviews")
    studio = Studio.connect(Settings(data_dir=home, poll_interval=0.05), offline=True, queue_seconds=0.05, run_seconds=0.1, render=False)
    m = JobManager(studio).start()
    yield m
    m.stop()


@pytest.fixture(autouse=True)
def real_clock(manager):
    yield
    manager.reviews.clock = time.time


@pytest.fixture(scope="module")
def videos(manager):
    """Alice's single-prompt video and multi-shot video, and Bob's video, finished."""
    made = {
        "single": manager.submit(Form(prompt="Wide shot of a <harbour> & gulls", negative_prompt="text overlays", duration=3), ALICE, distinct=True),
        "shots": manager.submit(
            Form(prompt_mode="shots", shots=(ShotRow("Dolly in on a lighthouse", 2, "dolly in", "waves"), ShotRow(HOSTILE, 1)), duration=3),
            ALICE,
            distinct=True,
        ),
        "bob": manager.submit(Form(prompt="Bob's secret project: a red kite", duration=3), BOB, distinct=True),
    }
    assert manager.wait_idle(60)
    for name, record in made.items():
        made[name] = manager.studio.journal.get(record.job_id)
        assert made[name].status == "succeeded" and Path(made[name].files[0]).is_file()
    return made


@pytest.fixture(scope="module")
def media():
    return MediaSigner("a-test-media-secret-0123456789")


@pytest.fixture(scope="module")
def client(manager, media):
    app = Starlette(routes=review_routes(manager, media))
    with TestClient(app, base_url="http://studio.test") as c:
        yield c


def fresh_link(manager, owner, job_id) -> ShareLink:
    """A new open link (any open one is stopped first)."""
    manager.stop_sharing(owner, job_id)
    return manager.share_video(owner, job_id)


def page_path(media, link):
    return ReviewSigner.of(media).page_url(link)


# -- links in the journal ---------------------------------------------------------------------
def test_a_link_is_random_long_kept_and_reused_while_open(manager, videos):
    link = fresh_link(manager, ALICE, videos["single"].job_id)
    assert SHARE_ID.fullmatch(link.share_id) and len(link.share_id) * 6 >= 128  # 192 random bits
    assert link.owner == owner_id(ALICE) != ALICE and link.job_id == videos["single"].job_id
    assert link.expires_at == pytest.approx(link.created_at + 7 * DAY, abs=1.0)  # Settings.share_days
    assert manager.studio.journal.share(link.share_id) == link
    assert manager.share_video(ALICE, videos["single"].job_id) == link  # a second click: the same link
    assert manager.shares(ALICE)[videos["single"].job_id] == link
    assert videos["single"].job_id not in manager.shares(BOB)
    names = [r[0] for r in sqlite3.connect(manager.studio.settings.journal_path).execute("SELECT name FROM _migrations")]
    assert "m003_shares" in names and names == [m.__name__ for m in MIGRATIONS]


def test_only_the_owner_can_share_or_stop_sharing(manager, videos):
    link = fresh_link(manager, ALICE, videos["single"].job_id)
    for call in (lambda: manager.share_video(BOB, videos["single"].job_id), lambda: manager.stop_sharing(BOB, videos["single"].job_id)):
        with pytest.raises(ValidationError) as info:
            call()
        assert [p.field for p in info.value.problems] == ["job"]
    assert manager.open_share(link.share_id).status == "open"  # Bob's attempt changed nothing
    with pytest.raises(ValidationError):
        manager.share_video(ALICE, "0" * 32)


def test_the_signature_binds_the_id_the_video_and_the_expiry(manager, videos, media):
    link = fresh_link(manager, ALICE, videos["single"].job_id)
    signer = ReviewSigner.of(media)
    sig = signer.signature(link)
    assert re.fullmatch(r"[0-9a-f]{40}", sig) and signer.check(link, sig)
    assert not signer.check(link, sig[:-1] + ("0" if sig[-1] != "0" else "1"))
    assert not signer.check(link, None) and not signer.check(link, "")
    assert not signer.check(replace(link, expires_at=link.expires_at + DAY), sig)  # cannot be extended
    assert not signer.check(replace(link, job_id=videos["bob"].job_id), sig)  # nor pointed elsewhere
    assert not ReviewSigner.of(MediaSigner("another-secret-0123456789abc")).check(link, sig)
    assert sig != media.signature(link.share_id, link.owner)[:40]  # a media signature is not a review one


def test_a_link_expires_by_the_clock(manager, videos):
    link = fresh_link(manager, ALICE, videos["single"].job_id)
    manager.reviews.clock = lambda: link.expires_at - 1
    assert manager.open_share(link.share_id).status == "open"
    manager.reviews.clock = lambda: link.expires_at + 1
    assert manager.open_share(link.share_id).status == "expired"
    with pytest.raises(LinkClosed) as info:
        manager.review(link.share_id, "approved", "")
    assert info.value.status == "expired"
    assert manager.share_video(ALICE, videos["single"].job_id).share_id != link.share_id  # a new link then


def test_revoking_closes_the_link_and_a_second_stop_says_so(manager, videos):
    link = fresh_link(manager, ALICE, videos["single"].job_id)
    assert manager.stop_sharing(ALICE, videos["single"].job_id) == 1
    assert manager.open_share(link.share_id).status == "revoked"
    assert manager.stop_sharing(ALICE, videos["single"].job_id) == 0
    with pytest.raises(LinkClosed):
        manager.review(link.share_id, "approved", "")
    assert manager.open_share("x" * 32).status == "unknown"
    assert manager.open_share("../../etc/passwd").status == "unknown"


def test_the_verdict_is_kept_and_bounded(manager, videos):
    link = fresh_link(manager, ALICE, videos["single"].job_id)
    kept = manager.review(link.share_id, "changes", "  Slower push-in, please.\r\nAnd warmer light.  ")
    assert (kept.verdict, kept.comment) == ("changes", "Slower push-in, please.\nAnd warmer light.")
    assert manager.review(link.share_id, "approved", "").verdict == "approved"  # a new answer replaces it
    assert manager.shares(ALICE)[videos["single"].job_id].verdict == "approved"
    for verdict, comment, field in [
        ("maybe", "", "verdict"), ("", "", "verdict"), ("changes", "", "comment"), ("changes", "   ", "comment"),
        ("approved", "x" * 2001, "comment"), ("approved", "bell\x07", "comment"), ("approved", 42, "comment"),
    ]:
        with pytest.raises(ValidationError) as info:
            manager.review(link.share_id, verdict, comment)
        assert [p.field for p in info.value.problems] == [field]
    assert clean_comment("x" * 2000) == "x" * 2000
    assert manager.studio.journal.share(link.share_id).verdict == "approved"  # refusals changed nothing


def test_deleting_the_video_closes_its_links(manager):
    record = manager.submit(Form(prompt="A video to delete", duration=3), ALICE, distinct=True)
    assert manager.wait_idle(60)
    link = manager.share_video(ALICE, record.job_id)
    manager.delete_video(ALICE, record.job_id)
    assert manager.open_share(link.share_id).status == "gone"
    with pytest.raises(ValidationError):
        manager.share_video(ALICE, record.job_id)


# -- the public page ----------------------------------------------------------------------------
def test_the_page_shows_the_video_its_shots_and_nothing_of_the_owner(manager, videos, media, client):
    link = fresh_link(manager, ALICE, videos["shots"].job_id)
    answer = client.get(page_path(media, link))
    assert answer.status_code == 200, answer.text
    html = answer.text
    assert "Dolly in on a lighthouse" in html and "dolly in" in html and "waves" in html
    assert HOSTILE not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert f'src="/review/{link.share_id}/video?sig=' in html and "<script" not in html
    record = videos["shots"]
    for secret in (ALICE, owner_id(ALICE), record.job_id, record.request_id, record.files[0], str(manager.studio.settings.data_dir),
                   "/studio/media/", "$", record.quote_usd, "sim-token", "Bob's secret", videos["single"].job_id):
        assert secret not in html, secret
    assert answer.headers["referrer-policy"] == "no-referrer" and "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert "script-src" not in answer.headers["content-security-policy"] and answer.headers["cache-control"] == "no-store"
    video = client.get(re.search(r'src="([^"]+/video\?sig=[^"]+)"', html)[1].replace("&amp;", "&"))
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    assert video.content == Path(record.files[0]).read_bytes()
    single = client.get(page_path(media, fresh_link(manager, ALICE, videos["single"].job_id)), headers={"Accept-Language": "zh-CN,zh"})
    assert "Wide shot of a &lt;harbour&gt; &amp; gulls" in single.text and "text overlays" in single.text
    assert "审阅这个视频" in single.text and 'lang="zh-CN"' in single.text


def test_approving_with_a_comment_reaches_the_owners_card_escaped(manager, videos, media, client):
    link = fresh_link(manager, ALICE, videos["shots"].job_id)
    path = page_path(media, link)
    sig = path.split("sig=")[1]
    sent = client.post(f"/review/{link.share_id}", data={"sig": sig, "verdict": "approved", "comment": HOSTILE}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"{path}&sent=1"
    shown = client.get(sent.headers["location"]).text
    assert "Thank you" in shown and HOSTILE not in shown and unescape(HOSTILE) in unescape(shown)
    boxes = share_boxes(manager, media, ALICE, "en")
    box = boxes[videos["shots"].job_id]
    assert "✓ Reviewer: Approved" in box and HOSTILE not in box and "&lt;script&gt;" in box
    card = gallery([videos["shots"]], lambda r: "/m?sig=s", shares=boxes)
    assert box in card and 'data-action="unshare"' in card and 'data-action="share"' not in card
    assert gallery_version([videos["shots"]], shares=boxes) != gallery_version([videos["shots"]], shares={})


def test_closed_forged_and_hostile_links_show_a_plain_page_and_no_video(manager, videos, media, client):
    link = fresh_link(manager, ALICE, videos["single"].job_id)
    path = page_path(media, link)
    sig = path.split("sig=")[1]
    bad_sig = sig[:-4] + "0000" if not sig.endswith("0000") else sig[:-4] + "1111"
    for url in (f"/review/{link.share_id}?sig={bad_sig}", f"/review/{link.share_id}", f"/review/{'A' * 32}?sig={sig}",
                f"/review/%3Cscript%3E?sig={sig}", f"/review/{link.share_id}?sig=%00", f"/review/{link.share_id}/video?sig={bad_sig}"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert "<video" not in answer.text and "Traceback" not in answer.text
    manager.reviews.clock = lambda: link.expires_at + 1
    expired = client.get(path)
    assert expired.status_code == 410 and "expired" in expired.text and "<video" not in expired.text
    assert client.get(path.replace("?", "/video?")).status_code == 410
    manager.reviews.clock = time.time
    manager.stop_sharing(ALICE, videos["single"].job_id)
    revoked = client.get(path)
    assert revoked.status_code == 410 and "stopped sharing" in revoked.text and "<video" not in revoked.text
    assert client.get(path.replace("?", "/video?")).status_code == 410
    posted = client.post(f"/review/{link.share_id}", data={"sig": sig, "verdict": "approved", "comment": ""})
    assert posted.status_code == 410 and manager.studio.journal.share(link.share_id).verdict is None


@pytest.mark.parametrize(
    "body, headers, expect",
    [
        ({"verdict": "maybe", "comment": ""}, {}, "Choose Approve or Ask for changes"),
        ({"verdict": "changes", "comment": ""}, {}, "Say in the comment what should change"),
        ({"verdict": "approved", "comment": "é" * 2001}, {}, "The comment is 2,001 characters"),
        ({"verdict": "approved", "comment": "a\x00b"}, {}, "control characters"),
        ({"verdict": "approved", "comment": "", "extra": "1"}, {}, "could not be read"),
        ("verdict=approved&verdict=changes", {}, "could not be read"),
        ("verdict=approved&comment=%FF%FE", {}, "could not be read"),
        ({"verdict": "approved"}, {"content-type": "text/plain"}, "could not be read"),
        ("comment=" + "x" * 40_000 + "&verdict=approved", {}, "could not be read"),
    ],
)
def test_hostile_answers_get_a_clear_message_and_change_nothing(manager, videos, media, client, body, headers, expect):
    link = fresh_link(manager, ALICE, videos["single"].job_id)
    sig = page_path(media, link).split("sig=")[1]
    url = f"/review/{link.share_id}?sig={sig}"  # as the page's form posts it
    if isinstance(body, dict):
        answer = client.post(url, data={"sig": sig, **body}, headers=headers)
    else:
        answer = client.post(url, content=f"sig={sig}&{body}".encode(), headers={"content-type": "application/x-www-form-urlencoded", **headers})
    assert answer.status_code == 400, answer.text
    assert expect in unescape(answer.text) and "<video" in answer.text and "Traceback" not in answer.text
    assert manager.studio.journal.share(link.share_id).verdict is None


def test_a_cross_site_post_is_refused(manager, videos, media, client):
    link = fresh_link(manager, ALICE, videos["single"].job_id)
    sig = page_path(media, link).split("sig=")[1]
    answer = client.post(f"/review/{link.share_id}", data={"sig": sig, "verdict": "approved", "comment": ""}, headers={"Sec-Fetch-Site": "cross-site"})
    assert answer.status_code == 403 and "another website" in answer.text
    assert manager.studio.journal.share(link.share_id).verdict is None


# -- the owner's card ---------------------------------------------------------------------------
def test_the_card_offers_sharing_then_shows_the_link_and_its_state(manager, videos, media):
    job_id = videos["single"].job_id
    manager.stop_sharing(ALICE, job_id)
    note = gallery_action(manager, ALICE, "share", job_id, "en")
    assert note.startswith("Review link ready") and "UTC" in note
    link = manager.shares(ALICE)[job_id]
    signer = ReviewSigner.of(media)
    box = share_box(link, signer, "en", now=link.created_at)
    assert f'value="{signer.page_url(link)}"' in box and "Waiting for the reviewer" in box and 'data-action="unshare"' in box
    assert "Stop sharing" in box and "data-confirm=" in box
    assert 'data-share="expired"' in share_box(link, signer, "en", now=link.expires_at + 1)
    zh = share_box(link, signer, "zh", now=link.created_at)
    assert "停止分享" in zh and "复制链接" in zh
    assert gallery_action(manager, ALICE, "unshare", job_id, "en").startswith("Sharing stopped")
    assert gallery_action(manager, ALICE, "unshare", job_id, "en") == "This video was not being shared."
    closed = share_boxes(manager, media, ALICE, "en")[job_id]
    assert 'data-share="revoked"' in closed and "New review link" in closed and 'data-action="share"' in closed
    plain = gallery([videos["bob"]], lambda r: "/m?sig=s")
    assert 'data-action="share"' in plain and "Share for review" in plain
    with pytest.raises(ValidationError):
        gallery_action(manager, BOB, "unshare", job_id, "en")


def test_refusals_of_sharing_read_in_chinese():
    assert problem(Problem("job", "no such video in this browser")) == "任务：本浏览器中没有这个视频"
    assert "作品库" in problem(Problem("job", "only a finished video that is still in the gallery can be shared"))
