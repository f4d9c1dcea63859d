"""The form model and the shot-list operations."""

import pytest

from studio.domain.forms import (
    Form,
    ShotRow,
    add_shot,
    duplicate_shot,
    form_to_request,
    move_shot,
    remove_shot,
    request_to_form,
    with_camera,
)
from studio.domain.models import Shot

A, B, C = ShotRow("a", 2), ShotRow("b", 3), ShotRow("c", 4)


def test_single_prompt_with_audio_description():
    ep, req = form_to_request(Form(prompt="Wide shot of a beach", audio=True, audio_description="waves, gulls", duration=6))
    assert ep.model_id.endswith("standard/text-to-video")
    assert req.prompt == "Wide shot of a beach. Audio: waves, gulls."
    assert (req.duration, req.audio, req.aspect_ratio, req.seed) == (6, True, "16:9", None)


def test_audio_description_ignored_when_audio_off():
    _, req = form_to_request(Form(prompt="Wide shot.", audio=False, audio_description="waves"))
    assert req.prompt == "Wide shot."


def test_shots_mode_uses_rows_and_puts_audio_on_first_shot():
    form = Form(prompt_mode="shots", shots=(ShotRow("pour", 2, "extreme close-up"), B), duration=5, audio=True, audio_description="hiss")
    _, req = form_to_request(form)
    assert req.prompt == ""
    assert req.shots == (Shot("pour", 2, "extreme close-up", "hiss"), Shot("b", 3))


def test_image_to_video_drops_aspect_and_keeps_images():
    form = Form(mode="image-to-video", prompt="dolly-in", start_image_url="https://x/a.png", end_image_url="https://x/b.png")
    _, req = form_to_request(form)
    assert req.aspect_ratio is None and req.identity_anchor is True
    assert (req.start_image_url, req.end_image_url) == ("https://x/a.png", "https://x/b.png")
    _, t2v = form_to_request(Form(prompt="x", start_image_url="https://x/a.png"))
    assert t2v.start_image_url is None and t2v.identity_anchor is False


def test_request_to_form_round_trip():
    form = Form(tier="pro", prompt_mode="shots", shots=(A, B), duration=5, audio=True, cfg_scale=0.7, aspect_ratio="9:16")
    ep, req = form_to_request(form)
    again = request_to_form(ep.model_id, req)
    assert form_to_request(again) == (ep, req)


@pytest.mark.parametrize(
    "op, expected",
    [
        # The shots keep adding up to the clip: a new shot takes half of the longest one's
        # seconds, a duplicate shares its original's, a removed shot's go to its neighbour.
        (lambda s: add_shot(s), (A, ShotRow("b", 2), ShotRow(seconds=1))),
        (lambda s: remove_shot(s, 0), (ShotRow("b", 5),)),
        (lambda s: remove_shot(s, 1), (ShotRow("a", 5),)),
        (lambda s: remove_shot(s, 5), (A, B)),
        (lambda s: duplicate_shot(s, 0), (ShotRow("a", 1), ShotRow("a", 1), B)),
        (lambda s: duplicate_shot(s, 1), (A, ShotRow("b", 2), ShotRow("b", 1))),
        (lambda s: move_shot(s, 1, -1), (B, A)),
        (lambda s: move_shot(s, 0, -1), (A, B)),
        (lambda s: move_shot(s, 1, 1), (A, B)),
    ],
)
def test_shot_operations(op, expected):
    assert op((A, B)) == expected


def test_limits_of_shot_operations():
    six = (A,) * 6
    assert add_shot(six) == six and duplicate_shot(six, 0) == six
    assert remove_shot((A,), 0) == (ShotRow(seconds=2),)  # emptied, its seconds kept
    ones = (ShotRow("a", 1), ShotRow("b", 1))  # nothing to share: one more second
    assert add_shot(ones) == (*ones, ShotRow(seconds=1)) and duplicate_shot(ones, 0)[1] == ShotRow("a", 1)


def test_adding_shots_from_one_keeps_the_clip_length():
    shots = (ShotRow("a", 8),)
    seen = []
    for _ in range(5):
        shots = add_shot(shots)
        seen.append(tuple(s.seconds for s in shots))
    assert seen == [(4, 4), (4, 2, 2), (2, 2, 2, 2), (2, 2, 2, 1, 1), (2, 2, 1, 1, 1, 1)]
    assert all(sum(s) == 8 for s in seen)


def test_camera_chips_add_words_once():
    assert with_camera("", "wide shot, slow push-in") == "wide shot, slow push-in"
    assert with_camera("wide shot", "wide shot, slow push-in") == "wide shot, slow push-in"
    assert with_camera("handheld follow", "whip pan") == "handheld follow, whip pan"
