"""Signed media URLs: only the owner's signature opens a video."""

import httpx
import pytest
from starlette.applications import Starlette

from studio.jobs.journal import open_journal
from studio.ui.media import MediaSigner, media_route


@pytest.fixture
def setup(tmp_path):
    journal = open_journal(tmp_path / "j.sqlite3")
    video = tmp_path / "v.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"x" * 1000)
    a = journal.begin(model_id="m/x", request={}, payload={}, quote_usd="1", owner="alice")
    journal.update(a.job_id, status="succeeded", files=(str(video),))
    signer = MediaSigner("test-secret")
    app = Starlette(routes=[media_route(journal, signer)])
    yield journal.get(a.job_id), signer, httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
    journal.close()


async def test_owner_signature_serves_the_video_with_ranges(setup):
    record, signer, client = setup
    response = await client.get(signer.url(record))
    assert response.status_code == 200 and response.headers["content-type"] == "video/mp4"
    part = await client.get(signer.url(record), headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and len(part.content) == 10
    download = await client.get(signer.url(record) + "&download=1")
    assert download.headers["content-disposition"].startswith("attachment")


@pytest.mark.parametrize(
    "mutate",
    [
        lambda url, r, s: url.split("?")[0],
        lambda url, r, s: url[:-1] + ("0" if url[-1] != "0" else "1"),
        lambda url, r, s: f"/studio/media/{r.job_id}?sig={s.signature(r.job_id, 'mallory')}",
        lambda url, r, s: f"/studio/media/{r.job_id}?sig={MediaSigner('other-secret').signature(r.job_id, 'alice')}",
        lambda url, r, s: "/studio/media/" + "0" * 32 + "?sig=" + s.signature("0" * 32, "alice"),
        lambda url, r, s: "/studio/media/..%2F..%2Fetc%2Fpasswd?sig=x",
    ],
)
async def test_anything_else_is_not_found(setup, mutate):
    record, signer, client = setup
    response = await client.get(mutate(signer.url(record), record, signer))
    assert response.status_code == 404


async def test_recipe_route_serves_the_owner_a_token_free_recipe(setup, tmp_path):
    from starlette.applications import Starlette

    from studio.ui.media import recipe_route

    record, signer, _ = setup
    journal = open_journal(tmp_path / "j.sqlite3")
    app = Starlette(routes=[recipe_route(journal, signer)])
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
    url = signer.url(record).replace("/studio/media/", "/studio/recipe/")
    good = await client.get(url)
    assert good.status_code == 200 and good.json()["kind"] == "kling-studio/job"
    assert "owner" not in good.text and "alice" not in good.text
    assert (await client.get(url.split("?")[0])).status_code == 404
    journal.close()


async def test_story_route_serves_a_finished_film_from_the_journal_to_its_owner_only(tmp_path):
    from studio.jobs.journal import StoryRun
    from studio.ui.media import story_route

    journal = open_journal(tmp_path / "s.sqlite3")
    film = tmp_path / "film.mp4"
    film.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"f" * 500)
    journal.save_story(StoryRun(run_id="board-abc", owner="alice", title="Harbour", stage="done", done=True, file=str(film)))
    journal.save_story(StoryRun(run_id="board-run", owner="alice", stage="clip 1 of 2: running"))
    journal.save_story(StoryRun(run_id="board-gone", owner="alice", stage="done", done=True, file=str(tmp_path / "gone.mp4")))
    signer = MediaSigner("test-secret")
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=Starlette(routes=[story_route(journal, signer)])), base_url="http://t")

    def url(run_id: str, owner: str = "alice") -> str:
        return f"/studio/story/{run_id}?sig={signer.signature(run_id, owner)}"

    good = await client.get(url("board-abc"))
    assert good.status_code == 200 and good.headers["content-type"] == "video/mp4" and good.content == film.read_bytes()
    assert (await client.get(url("board-abc") + "&download=1")).headers["content-disposition"].startswith("attachment")
    assert (await client.get(url("board-abc", "mallory"))).status_code == 404  # another owner's signature
    assert (await client.get("/studio/story/board-abc")).status_code == 404  # no signature
    assert (await client.get(url("board-run"))).status_code == 404  # no film yet
    assert (await client.get(url("board-nope"))).status_code == 404
    assert (await client.get(url("board-gone"))).status_code == 410
    assert (await client.get("/studio/story/..%2Fsecrets?sig=x")).status_code == 404
    journal.close()
