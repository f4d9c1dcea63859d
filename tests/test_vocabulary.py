"""Both vocabularies (the skill's and RunComfy's) read into the same request."""

import pytest

from studio.domain.models import GenerationRequest, Shot
from studio.domain.vocabulary import parse_request

IMG = "https://img.example.com/a.png"
END = "https://img.example.com/b.png"


@pytest.mark.parametrize(
    "skill, runcomfy",
    [
        ({"image_url": IMG}, {"start_image_url": IMG}),
        ({"tail_image_url": END}, {"end_image_url": END}),
        ({"generate_audio": True}, {"sound": True}),
        ({"generate_audio": False}, {"audio": False}),
        (
            {"prompt_segments": [{"prompt": "a", "duration": 2}]},
            {"multi_prompt": [{"prompt": "a", "duration": 2}]},
        ),
    ],
)
def test_vocabularies_agree(skill, runcomfy):
    a, pa = parse_request({"prompt": "p", **skill})
    b, pb = parse_request({"prompt": "p", **runcomfy})
    assert pa == pb == []
    assert a == b


def test_full_request_reads_every_concept():
    data = {
        "prompt": "p",
        "negative_prompt": "blur",
        "duration": 8.0,
        "aspect_ratio": "9:16",
        "cfg_scale": 0.7,
        "sound": True,
        "seed": "7",
        "shot_type": "customize",
        "start_image_url": IMG,
        "end_image_url": END,
        "identity_anchor": True,
        "shots": [{"prompt": "a", "duration": "3", "camera": "handheld follow", "audio_cue": "hiss", "index": 1}],
    }
    req, problems = parse_request(data)
    assert problems == []
    assert req == GenerationRequest(
        prompt="p",
        negative_prompt="blur",
        duration=8,
        aspect_ratio="9:16",
        cfg_scale=0.7,
        audio=True,
        seed=7,
        shot_type="customize",
        start_image_url=IMG,
        end_image_url=END,
        identity_anchor=True,
        shots=(Shot("a", 3, "handheld follow", "hiss"),),
    )


def test_field_names_remember_the_users_key():
    req, _ = parse_request({"prompt": "p", "image_url": IMG, "generate_audio": True})
    assert req.name_of("start_image_url") == "image_url"
    assert req.name_of("audio") == "generate_audio"
    assert req.name_of("duration") == "duration"


def test_unknown_keys_refused_by_name():
    _, problems = parse_request({"prompt": "p", "Prompt": "q", "fps": 24})
    assert [p.field for p in problems] == ["Prompt", "fps"]
    assert "known fields are" in problems[0].message


def test_null_optional_values_mean_not_set():
    req, problems = parse_request({"prompt": "p", "seed": None, "aspect_ratio": None})
    assert problems == []
    assert req.seed is None and req.aspect_ratio is None
