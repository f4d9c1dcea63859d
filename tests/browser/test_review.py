"""Share for review in a real browser: the owner shares a finished video from its gallery card,
a reviewer (another browser context, so another person) opens the link, watches the video and
approves it with a comment; the owner's gallery shows the verdict and the comment; once the
owner stops sharing, and once a link has expired, the link shows a plain page and no video.
"""

from __future__ import annotations

import time
from typing import Any

from .conftest import FAST_SIM, StudioApp
from .test_studio_browser import generate, open_studio, wait_for_video

COMMENT = 'Lovely light <b>not bold</b> & "quoted": ship it'
PLAYABLE = "() => { const v = document.querySelector('video'); return !!v && (v.readyState >= 2 || v.duration > 0); }"


def card(job_id: str) -> str:
    return f'#gallery .video-card[data-job="{job_id}"]'


def share(page: Any, job_id: str) -> str:
    """Click the card's "Share for review"; the link its share box shows (made absolute by the page)."""
    page.click(f'{card(job_id)} button[data-action="share"]')
    box = page.locator(f"{card(job_id)} .share-box[data-share='open'] input.share-url")
    box.wait_for(state="attached", timeout=20_000)
    page.wait_for_function("s => document.querySelector(s).value.startsWith('http')", arg=f"{card(job_id)} input.share-url")
    assert "Review link ready" in page.locator("#notice").inner_text()
    return box.input_value()


def make_video(page: Any, prompt: str) -> str:
    job_id = generate(page, prompt, seconds=3)
    wait_for_video(page, job_id)
    return job_id


def test_a_reviewer_approves_the_owner_sees_it_and_stopping_closes_the_link(studio, new_context):
    owner = open_studio(new_context(), studio)
    job_id = make_video(owner, "Wide shot, slow push-in on a red lighthouse at dusk")
    link = share(owner, job_id)
    assert link.startswith(f"{studio.url}/review/") and "?sig=" in link

    reviewer = new_context().new_page()
    answer = reviewer.goto(link)
    assert answer.status == 200
    reviewer.wait_for_function(PLAYABLE, timeout=20_000)  # the video loads through the share's own URL
    text = reviewer.locator("body").inner_text()
    assert "Wide shot, slow push-in on a red lighthouse at dusk" in text and "$" not in text
    assert "/studio/media/" not in reviewer.content() and job_id not in reviewer.content()

    reviewer.check("input[name=verdict][value=approved]")
    reviewer.fill("textarea[name=comment]", COMMENT)
    reviewer.click("button[type=submit]")
    reviewer.wait_for_selector(".notice.ok")
    assert reviewer.locator(".current blockquote").inner_text() == COMMENT  # shown as written, not as markup

    owner.reload()
    verdict = owner.locator(f"{card(job_id)} .verdict")
    verdict.wait_for(timeout=20_000)
    assert "Approved" in verdict.inner_text()
    assert owner.locator(f"{card(job_id)} .verdict-comment").inner_text() == COMMENT
    assert owner.locator(f"{card(job_id)} .verdict-comment b").count() == 0  # escaped, never rendered

    owner.on("dialog", lambda dialog: dialog.accept())  # "Stop sharing this video?"
    owner.click(f'{card(job_id)} button[data-action="unshare"]')
    owner.wait_for_selector(f"{card(job_id)} .share-box[data-share='revoked']", timeout=20_000)
    assert "Approved" in owner.locator(f"{card(job_id)} .verdict").inner_text()  # the answer stays

    closed = reviewer.goto(link)
    assert closed.status == 410
    assert "turned off" in reviewer.locator("h1").inner_text() and reviewer.locator("video").count() == 0


def test_an_expired_link_shows_the_expired_page(new_context, tmp_path):
    app = StudioApp(tmp_path / "home", {**FAST_SIM, "STUDIO_SHARE_DAYS": "0.00005"}).start()  # links last about 4 s
    try:
        owner = open_studio(new_context(), app)
        job_id = make_video(owner, "Close-up, a kettle steaming on a stove")
        link = share(owner, job_id)
        reviewer = new_context().new_page()
        deadline = time.monotonic() + 30
        while (answer := reviewer.goto(link)).status == 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert answer.status == 410
        assert "expired" in reviewer.locator("h1").inner_text() and reviewer.locator("video").count() == 0
        owner.reload()
        owner.wait_for_selector(f"{card(job_id)} .share-box[data-share='expired']", timeout=20_000)
        assert owner.locator(f'{card(job_id)} .share-box button[data-action="share"]').count() == 1  # a new link can be made
    finally:
        app.stop()
