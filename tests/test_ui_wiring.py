"""The page's wiring by name: handlers that write many components give each value to its
component, and Gradio puts it in the right place of the event's outputs (no app server, no
browser: the built Blocks and Gradio's own dict-to-outputs step)."""

import json
import re
from collections import Counter
from dataclasses import replace

import gradio as gr
import pytest
from gradio.blocks import convert_component_dict_to_list
from PIL import Image

from studio.config import Settings
from studio.domain.forms import Form, ShotRow
from studio.jobs.service import Studio
from studio.ui import create_server
from studio.ui.choices import ASPECT_RATIOS, BLANK, TIER_KEYS, UPGRADE_TIERS, tier_label
from studio.ui.guard import upload_folder

SKIP = gr.skip()
FORM = Form(
    tier="pro", mode="image-to-video", prompt_mode="shots", prompt="a harbour at dawn", negative_prompt="blur",
    shots=(ShotRow("wide shot", 4, "push-in", "gulls"), ShotRow("close-up", 3, "", "rope")),
    duration=7, aspect_ratio="9:16", cfg_scale=0.7, audio=True, identity_anchor=False,
)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    studio = Studio.connect(Settings(data_dir=tmp_path_factory.mktemp("home")), offline=True, render=False)
    server = create_server(studio)
    try:
        yield server.demo
    finally:
        server.close()


def _event(demo, api_name):
    [fn] = [f for f in demo.fns.values() if f.api_name == api_name]
    return fn


def _handlers(demo):
    return _event(demo, "act").fn.__self__


def _by_elem_id(outputs, values):
    """The event's outputs and their values, by elem_id (the ids automation relies on)."""
    shown = {block.elem_id: value for block, value in zip(outputs, values, strict=True)}
    assert None not in shown and len(shown) == len(outputs)
    return shown


def test_a_loaded_form_lands_on_the_right_components(page):
    h, act = _handlers(page), _event(page, "act")
    written = h._note("loaded", h._form_values(FORM, start_image="/tmp/frame.png", end_image=None))
    shown = _by_elem_id(act.outputs, convert_component_dict_to_list(act.outputs, written))
    assert shown["notice"] == "loaded"
    assert (shown["tier"], shown["mode"], shown["prompt-mode"], shown["prompt"], shown["negative"]) == ("pro", "image-to-video", "shots", "a harbour at dawn", "blur")
    assert (shown["duration"], shown["aspect"], shown["cfg"], shown["audio"], shown["identity"]) == (7, "9:16", 0.7, True, False)
    assert shown["shot-count"] == 2
    assert [shown[f"shot-{i}-text"] for i in (1, 2, 3)] == ["wide shot", "close-up", ""]
    assert [shown[f"shot-{i}-seconds"] for i in (1, 2, 3)] == [4, 3, ShotRow().seconds]
    assert [shown[f"shot-{i}-camera"] for i in (1, 2)] == ["push-in", ""]
    assert [shown[f"shot-{i}-cue"] for i in (1, 2)] == ["gulls", "rope"]
    assert [shown[f"shot-{i}"]["visible"] for i in range(1, 7)] == [True, True, False, False, False, False]
    assert shown["add-shot"]["interactive"] is True
    assert (shown["start-image"], shown["end-image"]) == ("/tmp/frame.png", None)


def test_a_form_without_images_leaves_them_and_writes_every_other_form_output(page):
    h = _handlers(page)
    written = h._form_values(replace(FORM, shots=tuple(ShotRow(str(i), 1) for i in range(6))))
    images = {h.c["start_image"], h.c["end_image"]}
    assert set(written) == set(h.form_outputs) - images
    assert written[h.shots.add]["interactive"] is False  # six shots: the builder is full


def test_a_note_alone_leaves_the_whole_form_as_it_is(page):
    h = _handlers(page)
    for event, written in (("act", h.act({h.c["action"]: "nothing|x", h.c["owner"]: "o" * 24, h.c["api_key"]: ""})), ("open_recipe", h.open_recipe(None))):
        fn = _event(page, event)
        values = convert_component_dict_to_list(fn.outputs, written)
        assert values[0] in ("", "Unknown action.", "That job is not in this browser.")
        assert values[1:] == [SKIP] * len(h.form_outputs)


def test_the_page_load_and_the_refresh_write_their_views_by_name(page):
    h = _handlers(page)
    load, refresh = _event(page, "load"), _event(page, "jobs")
    assert [o.elem_id for o in load.outputs] == [None, "api-key", "jobs", "gallery", "spend", "gallery-version", None, "banner"]
    owner, key, jobs, gallery, spend, version, timer, banner = convert_component_dict_to_list(load.outputs, h.on_load("", "", "", None))
    assert isinstance(owner, str) and len(owner) >= 16 and key == ""  # a fresh browser gets its own key
    assert 'class="banner' in banner and version.startswith("g-") and "Finished videos appear here" in gallery and "No jobs yet" in jobs
    assert isinstance(spend, str)
    assert isinstance(timer, gr.Timer) and timer.active is False  # nothing in flight
    assert [o.elem_id for o in refresh.outputs] == ["jobs", "gallery", "spend", "gallery-version", None]
    jobs, gallery, spend, again, timer = convert_component_dict_to_list(refresh.outputs, h.refresh(owner, version, None))
    assert gallery == SKIP and again == version  # unchanged since the load: not sent again
    assert "No jobs yet" in jobs and isinstance(spend, str) and isinstance(timer, gr.Timer)


def test_a_job_that_settles_while_the_views_are_read_gets_one_more_refresh(page, monkeypatch):
    """The timer stays on when the views were read while a job was in flight, however soon it
    settles after: else the page shows it unfinished and never asks again."""
    h = _handlers(page)
    owner = "o" * 24
    settled = {"now": False}
    read_jobs = h.manager.jobs

    def jobs(owner_key):  # the job settles right after the views have read it
        items = read_jobs(owner_key)
        settled["now"] = True
        return items

    monkeypatch.setattr(h.manager, "jobs", jobs)
    monkeypatch.setattr(h.manager, "busy", lambda owner_key: not settled["now"])
    for event in (lambda: h.refresh(owner, "", None), lambda: h.on_load(owner, "", "", None)):
        settled["now"] = False
        assert event()[h.c["timer"]].active is True  # one more tick, which shows the job settled
        assert event()[h.c["timer"]].active is False  # that tick: nothing in flight, no more requests


def _form_event(demo):
    """The event every change of the form fires (the other on_form runs after the page's load)."""
    [change] = [f for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "on_form" and len(f.targets) > 1]
    return change


def test_a_change_of_a_form_field_asks_the_server_once(page):
    """Every event a change fires costs the page a pass over its loading statuses: a field's
    change fires the form's one event (price, Generate, code, shot bar, end image, tier help),
    and only the mode, the fit and the shot count one more of their own."""
    watched = {block_id for block_id, _ in _form_event(page).targets}
    asked = Counter(
        block_id for fn in page.fns.values() if fn.fn is not None for block_id, event in fn.targets if event == "change" and block_id in watched
    )
    assert len(watched) > 30 and set(asked) == watched
    assert {page.blocks[b].elem_id: n for b, n in asked.items() if n != 1} == {"mode": 2, "fit": 2, "shot-count": 2}


def test_the_draft_is_saved_by_the_form_event_on_its_way_to_the_server(page):
    """A change gathers the form once: the draft a reload keeps is saved by the form event's own
    ``js`` (in the browser, from that event's inputs), field for field as the page's load restores
    it, not by a second event over the same 40 fields."""
    form = _form_event(page)
    names = json.loads(re.search(r"keys: (\[.*?\]), values", form.js).group(1))
    positions = json.loads(re.search(r"values: (\[[\d, ]*\])\.map", form.js).group(1))
    [restore] = [f for f in page.fns.values() if f.fn is None and f.js and "localStorage.getItem" in f.js]
    assert len(names) == len(positions) == len(restore.inputs) >= 40
    assert [form.inputs[i]._id for i in positions] == [c._id for c in restore.inputs] == [c._id for c in restore.outputs]
    assert "return inputs" in form.js
    assert not [f for f in page.fns.values() if f.fn is None and f.js and "localStorage.setItem" in f.js]


def test_only_work_that_costs_waits_in_the_queue(page):
    """What only reshapes the page (its load, the form, the shots, the modes, a refresh) is one
    request answered at once; the submits, an image's decoding, a recipe file, a job's action
    and a storyboard wait in Gradio's queue (concurrency-bounded). Queued events fired together
    at load sometimes left the page's event stream open after their answers."""
    page_events = [f for f in page.fns.values() if f.fn is not None and f.targets and f.targets[0][1] != "api"]
    queued = {f.api_name for f in page_events if f.queue}
    assert queued == {"generate", "generate_confirmed", "act", "run", "check_start_image", "check_end_image", "open_recipe"}
    load = _event(page, "load")
    assert not load.queue and all(not f.queue for f in page.fns.values() if f.trigger_after == load._id)
    assert len([f for f in page_events if not f.queue]) > 30  # the shots' buttons, the modes, the form...


def test_the_form_event_writes_price_bar_end_image_and_tier_help_by_name(page):
    h, event = _handlers(page), _form_event(page)
    c, shots = h.c, h.shots
    assert [o.elem_id for o in event.outputs[-5:]] == ["shot-bar", "end-image", "end-image-note", "end-image-switch", "tier-help"]
    data = {comp: None for comp in event.inputs}
    data.update({c["tier"]: "standard", c["mode"]: "image-to-video", c["duration"]: 7, c["audio"]: False, c["prompt"]: "a harbour"})
    data.update({shots.count: 2, shots.seconds[0]: 4, shots.seconds[1]: 2})
    bar, end, note, switch, tier_help = h.on_form(data, None)[-5:]
    assert 'data-ok="false"' in bar  # 6 of 7 s
    assert end == {"__type__": "update", "visible": False, "value": None} and note["visible"] and switch["visible"]
    assert "An end frame needs Pro or 4K" in note["value"] and tier_help.startswith("**Standard**")
    data[c["tier"]] = "pro"
    _, end, note, switch, tier_help = h.on_form(data, None)[-5:]
    assert end == {"__type__": "update", "visible": True} and not note["visible"] and not switch["visible"]
    assert tier_help.startswith("**Pro**")
    data[c["tier"]] = "8k"  # a hostile tier: the price says why; the rest is left as it is
    assert h.on_form(data, None)[-4:] == (SKIP,) * 4


def test_a_pages_form_changes_are_answered_one_at_a_time_in_order(page, monkeypatch):
    """Several changes at once (a reused job sets many fields) are answered by threads side by
    side; an older answer that finished last would leave the page showing the price of a form
    it no longer has. One page's answers wait for each other; another page's do not."""
    import threading
    import time
    from types import SimpleNamespace

    h = _handlers(page)
    order: list[str] = []
    entered = threading.Event()

    def slow(data, request):  # the first answer is slow; the second must not overtake it
        name = data["name"]
        if name == "older":
            entered.set()
            time.sleep(0.3)
        order.append(name)
        return ()

    monkeypatch.setattr(h, "_on_form", slow)
    same, other = SimpleNamespace(session_hash="page-a"), SimpleNamespace(session_hash="page-b")
    older = threading.Thread(target=h.on_form, args=({"name": "older"}, same))
    older.start()
    assert entered.wait(5)
    h.on_form({"name": "other page"}, other)  # not held up by page a
    newer = threading.Thread(target=h.on_form, args=({"name": "newer"}, same))
    newer.start()
    older.join(5)
    newer.join(5)
    assert order == ["other page", "older", "newer"]


def test_session_locks_are_kept_for_the_most_recent_sessions_only():
    from studio.ui.ordered import SessionLocks

    locks = SessionLocks(size=2)
    a = locks.get("a")
    assert locks.get("a") is a
    locks.get("b"), locks.get("c")  # "a" is the least recently used: dropped
    assert len(locks) == 2 and locks.get("a") is not a


def test_events_that_show_no_progress_keep_it_on_one_hidden_box(page):
    """Gradio's page walks every component an event ever gave a loading status after each step
    of every event; the quiet events give it to one hidden box, never to their outputs."""
    quiet = [fn for fn in page.fns.values() if fn.show_progress == "hidden"]
    assert len(quiet) > 30
    assert {tuple(b.elem_id for b in fn.show_progress_on) for fn in quiet} == {("quiet-progress",)}
    assert page.blocks[quiet[0].show_progress_on[0]._id].visible == "hidden"


def test_the_storyboard_panel_is_read_after_the_refresh_that_decides_the_timer(page):
    """One tick of the page's timer: the refresh (which asks whether anything is in flight
    before it reads), then the storyboard panel. Read on a tick of its own, the panel could
    read a run as still going just before the refresh switched the timer off for good."""
    refresh = _event(page, "jobs")
    timer = page.blocks[refresh.targets[0][0]]
    assert isinstance(timer, gr.Timer) and refresh.targets == [(timer._id, "tick")]
    on_tick = [fn for fn in page.fns.values() if (timer._id, "tick") in fn.targets]
    assert on_tick == [refresh]
    [panel] = [fn for fn in page.fns.values() if fn.trigger_after == refresh._id]
    assert [o.elem_id for o in panel.outputs] == ["storyboard-runs", "storyboard-shown"]


def test_switching_to_shots_shares_the_clip_and_back_changes_nothing(page):
    h = _handlers(page)
    shots = h.shots
    values = [2, "a", "b", "", "", "", "", 2, 2, 2, 2, 2, 2, *[""] * 12]
    shared = h.on_prompt_mode("shots", 9, *values)
    assert set(shared) == set(shots.outputs)
    assert [shared[s] for s in shots.seconds[:2]] == [5, 4] and shared[shots.count] == 2
    assert h.on_prompt_mode("single", 9, *values) == SKIP
    assert shots.split_evenly(9, *values) == shared


def test_the_choices_come_from_the_catalog():
    assert TIER_KEYS == ("standard", "pro", "4k") and UPGRADE_TIERS == ("pro", "4k")
    assert ASPECT_RATIOS == ("16:9", "9:16", "1:1")
    assert (BLANK.tier, BLANK.mode, BLANK.duration, BLANK.aspect_ratio) == ("standard", "text-to-video", 5, "16:9")
    assert [tier_label(k) for k in TIER_KEYS] == ["Standard", "Pro", "4K"] and tier_label("8k") == "8k"


@pytest.mark.parametrize("role", ["start", "end"])
def test_an_image_is_read_when_uploaded_and_a_refused_one_is_taken_out(page, role, tmp_path):
    """The upload event of each image reads the file (the submit's own reading) and, when it
    refuses it, a browser-only event empties the field: a picture that cannot be sent never
    sits in the form with Generate on (the browser side: tests/browser/test_marketer.py)."""
    image = next(b for b in page.blocks.values() if getattr(b, "elem_id", None) == f"{role}-image")
    [check] = [f for f in page.fns.values() if any(t == (image._id, "upload") for t in f.targets)]
    [clear] = [f for f in page.fns.values() if f.trigger_after == check._id]
    assert clear.trigger_only_on_failure and clear.fn is None and clear.js and [o._id for o in clear.outputs] == [image._id]
    assert [i._id for i in check.inputs] == [image._id] and check.queue  # queued: the UI's concurrency bounds the decodes

    folder = upload_folder() / "abc"
    folder.mkdir(parents=True)
    good, text, empty = folder / "red.png", folder / "notes.jpg", folder / "empty.png"
    Image.new("RGB", (640, 360), (200, 40, 40)).save(good)
    text.write_text("meeting notes, not a picture\n")
    empty.write_bytes(b"")
    assert check.fn(str(good)) is None and check.fn(None) is None
    outside = tmp_path / "red.png"
    Image.new("RGB", (640, 360)).save(outside)
    for bad, why in ((text, "is really a text file"), (empty, "the file is empty"), (outside, "upload the file from your computer")):
        with pytest.raises(gr.Error) as refused:
            check.fn(str(bad))  # the last: a server path named by a caller, never read
        assert refused.value.message.lstrip("• ").startswith(f"{role} image: {why}")
