"""The payload builder: schema-named bodies, compared by equality."""

import pytest

from studio.domain.catalog import ENDPOINTS, endpoint, find_endpoint
from studio.domain.models import GenerationRequest, Shot
from studio.domain.payload import build_payload, payload_from_input
from studio.domain.prompts import IDENTITY_ANCHOR
from studio.errors import ValidationError

from .skill_examples import IMAGE, SKILL_EXAMPLES

IMG = "https://img.example.com/a.png"
END = "https://img.example.com/b.png"


@pytest.mark.parametrize("model_id, data", SKILL_EXAMPLES, ids=[m for m, _ in SKILL_EXAMPLES])
def test_skill_examples_become_catalog_named_bodies(model_id, data):
    ep = find_endpoint(model_id)
    body = payload_from_input(data, ep)
    assert body["prompt"] == data["prompt"]
    assert body["duration"] == data["duration"]
    assert set(body) <= set(ep.properties)
    assert "image_url" not in body and "seed" not in body
    audio_field = "sound" if ep.mode.key == "text-to-video" else "generate_audio"
    assert body[audio_field] is data.get("generate_audio", False)
    if ep.mode.needs_start_image:
        assert body["start_image_url"] == data["image_url"]
        assert "aspect_ratio" not in body
    else:
        assert body["aspect_ratio"] == "16:9"
        assert "generate_audio" not in body


def test_exact_body_text_to_video():
    body = payload_from_input(SKILL_EXAMPLES[2][1], endpoint("pro", "text-to-video"))
    assert body == {"prompt": "<Kling 3.0 Pro prompt>", "duration": 8, "aspect_ratio": "16:9", "sound": True}


def test_exact_body_image_to_video_with_tail_and_everything():
    req = GenerationRequest(
        prompt="Slow dolly-in on the subject",
        negative_prompt="blur",
        duration=6,
        cfg_scale=0.7,
        audio=False,
        start_image_url=IMG,
        end_image_url=END,
    )
    assert build_payload(req, endpoint("pro", "image-to-video")) == {
        "prompt": "Slow dolly-in on the subject",
        "negative_prompt": "blur",
        "duration": 6,
        "cfg_scale": 0.7,
        "generate_audio": False,
        "start_image_url": IMG,
        "end_image_url": END,
    }


def test_standard_image_to_video_refuses_an_end_image_with_the_switch_and_its_price():
    req = GenerationRequest(prompt="Slow dolly-in", duration=5, start_image_url=IMG, end_image_url=END)
    with pytest.raises(ValidationError) as info:
        build_payload(req, endpoint("standard", "image-to-video"))
    assert [str(p) for p in info.value.problems] == [
        "end_image_url: kling/kling-3.0/standard/image-to-video does not take it; an end frame needs Pro or 4K: +$0.14 for 5 s on Pro"
    ]


def test_defaults_are_sent_explicitly():
    t2v = build_payload(GenerationRequest(prompt="p"), endpoint("standard", "text-to-video"))
    assert t2v == {"prompt": "p", "duration": 5, "aspect_ratio": "16:9", "sound": False}
    i2v = build_payload(GenerationRequest(prompt="p", start_image_url=IMG), endpoint("4k", "image-to-video"))
    assert i2v == {"prompt": "p", "duration": 10, "generate_audio": False, "start_image_url": IMG}


def test_shots_become_multi_prompt_with_customize():
    req = GenerationRequest(
        shots=(Shot("the city skyline at golden hour", 3, camera="wide shot, slow push-in"),
               Shot("the couple toasting", 2, audio_cue="glasses clink")),
    )
    body = build_payload(req, endpoint("pro", "text-to-video"))
    assert body["multi_prompt"] == [
        {"prompt": "Wide shot, slow push-in. The city skyline at golden hour.", "duration": 3},
        {"prompt": "The couple toasting. Audio: glasses clink.", "duration": 2},
    ]
    assert body["shot_type"] == "customize"
    assert body["duration"] == 5
    assert body["prompt"].startswith("Shot 1: Wide shot, slow push-in.")
    assert "Shot 2: The couple toasting." in body["prompt"]


def test_shots_fall_back_to_numbered_prompt_without_multi_prompt():
    ep = endpoint("pro", "text-to-video")
    props = {k: v for k, v in ep.properties.items() if k not in ("multi_prompt", "shot_type")}
    live = ep.with_entry({**ep.entry, "input_schema": {"type": "object", "required": ["prompt"], "properties": props}})
    req = GenerationRequest(prompt="A rooftop dinner", shots=(Shot("wide of the city", 2), Shot("the toast", 3)))
    body = build_payload(req, live)
    assert "multi_prompt" not in body and "shot_type" not in body
    assert body["prompt"] == "A rooftop dinner. Shot 1: Wide of the city. Shot 2: The toast."


def test_identity_anchor_on_image_to_video_only():
    req = GenerationRequest(prompt="Gentle dolly-in", start_image_url=IMG, identity_anchor=True)
    body = build_payload(req, endpoint("pro", "image-to-video"))
    assert body["prompt"] == f"Gentle dolly-in. {IDENTITY_ANCHOR}"
    t2v = build_payload(req.evolve(start_image_url=None), endpoint("pro", "text-to-video"))
    assert IDENTITY_ANCHOR not in t2v["prompt"]


def test_audio_field_follows_schema_name():
    for ep in ENDPOINTS:
        data = {"prompt": "p", "sound": True}
        if ep.mode.needs_start_image:
            data["start_image_url"] = IMG
        body = payload_from_input(data, ep)
        assert body.get("sound" if ep.mode.key == "text-to-video" else "generate_audio") is True


@pytest.mark.parametrize(
    "data, model_id, field",
    [
        ({"prompt": "p", "seed": 1}, "kling/kling-3.0/pro/text-to-video", "seed"),
        ({"prompt": "p", "image_url": IMG, "aspect_ratio": "9:16"}, "kling/kling-3.0/pro/image-to-video", "aspect_ratio"),
        ({"prompt": "p", "aspect_ratio": "21:9"}, "kling/kling-3.0/4k/text-to-video", "aspect_ratio"),
        ({"prompt": "p", "bogus": 1}, "kling/kling-3.0/4k/text-to-video", "bogus"),
    ],
)
def test_not_offered_is_refused_never_dropped(data, model_id, field):
    with pytest.raises(ValidationError) as info:
        payload_from_input(data, find_endpoint(model_id))
    assert field in [p.field for p in info.value.problems]
    assert str(info.value).startswith(field)


def test_skill_placeholder_url_is_replaced_in_fixtures():
    assert IMAGE.startswith("https://")
