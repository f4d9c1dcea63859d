"""Every validation rule, table-driven: each problem names its field."""

import pytest

from studio.domain.catalog import ENDPOINTS, endpoint
from studio.domain.validation import check_input

T2V = endpoint("pro", "text-to-video")
I2V = endpoint("pro", "image-to-video")
STD_T2V = endpoint("standard", "text-to-video")
IMG = "https://img.example.com/a.png"


def problems(data, ep=T2V):
    return check_input(data, ep)[1]


def fields(data, ep=T2V):
    return [p.field for p in problems(data, ep)]


@pytest.mark.parametrize(
    "data, ep, field, words",
    [
        ({"prompt": ""}, T2V, "prompt", "empty"),
        ({"prompt": "   "}, T2V, "prompt", "empty"),
        ({"prompt": "x" * 2501}, T2V, "prompt", "2,501 characters"),
        ({"prompt": "x", "negative_prompt": "n" * 2501}, T2V, "negative_prompt", "2,501"),
        ({"prompt": "x", "duration": 16}, T2V, "duration", "split the script"),
        ({"prompt": "x", "duration": 2}, T2V, "duration", "too short"),
        ({"prompt": "x", "duration": 5.5}, T2V, "duration", "whole number"),
        ({"prompt": "x", "duration": "five"}, T2V, "duration", "whole number"),
        ({"prompt": "x", "duration": True}, T2V, "duration", "whole number"),
        ({"prompt": "x", "aspect_ratio": "21:9"}, T2V, "aspect_ratio", "16:9, 9:16 or 1:1"),
        ({"prompt": "x", "aspect_ratio": "4:3"}, T2V, "aspect_ratio", "not offered"),
        ({"prompt": "x", "image_url": IMG, "aspect_ratio": "16:9"}, I2V, "aspect_ratio", "start image"),
        ({"prompt": "x", "cfg_scale": 1.5}, T2V, "cfg_scale", "outside 0-1"),
        ({"prompt": "x", "cfg_scale": -0.1}, T2V, "cfg_scale", "outside 0-1"),
        ({"prompt": "x", "cfg_scale": "high"}, T2V, "cfg_scale", "number"),
        ({"prompt": "x"}, I2V, "start_image_url", "required for image-to-video"),
        ({"prompt": "x", "image_url": ""}, I2V, "image_url", "required"),
        ({"prompt": "x", "tail_image_url": IMG}, T2V, "tail_image_url", "no end image"),
        ({"prompt": "x", "end_image_url": IMG}, T2V, "end_image_url", "no end image"),
        ({"prompt": "x", "image_url": IMG}, T2V, "image_url", "no start image"),
        ({"prompt": "x", "image_url": "http://img.example.com/a.png"}, I2V, "image_url", "https"),
        ({"prompt": "x", "image_url": "/home/me/a.png"}, I2V, "image_url", "https"),
        ({"prompt": "x", "image_url": IMG, "tail_image_url": "ftp://x/a.png"}, I2V, "tail_image_url", "https"),
        ({"prompt": "x", "image_url": "https://u:p@img.example.com/a.png"}, I2V, "image_url", "password"),
        ({"prompt": "x", "seed": 42}, T2V, "seed", "does not offer a seed"),
        ({"prompt": "x", "generate_audio": "yes"}, T2V, "generate_audio", "true or false"),
        ({"prompt": "x", "shot_type": "intelligent"}, T2V, "shot_type", "customize"),
        ({"prompt": "x", "colour": "red"}, T2V, "colour", "unknown field"),
        ({"prompt": "x", "elements": []}, I2V, "elements", "not supported"),
        ({"prompt": 5}, T2V, "prompt", "must be text"),
        ([1, 2], T2V, "input", "JSON object"),
        ("just text", T2V, "input", "JSON object"),
        (None, T2V, "input", "JSON object"),
    ],
)
def test_rule(data, ep, field, words):
    found = problems(data, ep)
    assert field in [p.field for p in found], found
    message = next(p.message for p in found if p.field == field)
    assert words in message


def shots(*durations, text="a shot"):
    return [{"prompt": text, "duration": d} for d in durations]


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"multi_prompt": shots(1, 1, 1, 1, 1, 1, 1), "duration": 7}, "multi_prompt", "at most 6"),
        ({"multi_prompt": shots(3, 0), "duration": 3}, "multi_prompt[2].duration", "at least 1 s"),
        ({"multi_prompt": shots(3, 3), "duration": 8}, "multi_prompt", "add up to 6 s"),
        ({"multi_prompt": shots(10, 6)}, "multi_prompt", "split the script"),
        ({"multi_prompt": shots(1, 1)}, "multi_prompt", "too short"),
        ({"multi_prompt": [{"prompt": "", "duration": 5}]}, "multi_prompt[1].prompt", "empty"),
        ({"multi_prompt": shots(5, text="y" * 513)}, "multi_prompt[1].prompt", "at most 512"),
        ({"multi_prompt": [{"prompt": "a"}]}, "multi_prompt[1].duration", "missing"),
        ({"multi_prompt": [{"prompt": "a", "duration": 3, "lens": "35mm"}]}, "multi_prompt[1].lens", "unknown"),
        ({"multi_prompt": "Shot 1: a"}, "multi_prompt", "list of shots"),
        ({"shots": [["a", 3]]}, "shots[1]", "object"),
        ({"multi_prompt": shots(5), "shot_type": "intelligent"}, "shot_type", "customize"),
    ],
)
def test_shot_rules(data, field, words):
    found = problems(data, STD_T2V)
    assert field in [p.field for p in found], found
    assert words in next(p.message for p in found if p.field == field)


def test_shots_that_are_together_too_long_for_a_prompt():
    data = {"multi_prompt": shots(2, 2, 2, 2, 2, 2, text="z" * 500)}
    found = problems(data)
    assert any(p.field == "multi_prompt" and "at most 2,500" in p.message for p in found)


def test_every_problem_reported_at_once():
    data = {"prompt": "", "duration": 16, "aspect_ratio": "21:9", "cfg_scale": 3, "seed": 1, "tail_image_url": IMG}
    assert fields(data) == ["prompt", "duration", "seed", "tail_image_url", "aspect_ratio", "cfg_scale"]


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.model_id)
@pytest.mark.parametrize("duration", [3, 15])
def test_boundaries_accepted_on_every_endpoint(ep, duration):
    data = {"prompt": "wide shot", "duration": duration, "cfg_scale": 0, "generate_audio": False}
    if ep.mode.needs_start_image:
        data["image_url"] = IMG
    assert problems(data, ep) == []


def test_valid_multi_shot_with_matching_duration():
    assert problems({"multi_prompt": shots(2, 3), "duration": 5, "shot_type": "customize"}) == []


def test_same_value_under_both_names_is_fine_but_a_conflict_is_not():
    ok = {"prompt": "x", "image_url": IMG, "start_image_url": IMG}
    assert problems(ok, I2V) == []
    bad = {"prompt": "x", "image_url": IMG, "start_image_url": IMG + "?v=2"}
    assert [p.field for p in problems(bad, I2V)] == ["start_image_url"]
