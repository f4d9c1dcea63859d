"""``python -m studio validate | payload | estimate`` as a user runs them (a real subprocess)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .skill_examples import SKILL_EXAMPLES

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("model_id, data", SKILL_EXAMPLES, ids=[m for m, _ in SKILL_EXAMPLES])
def test_skill_examples_validate_and_print_catalog_bodies(model_id, data):
    text = json.dumps(data)
    assert run("validate", model_id, "--input", text).returncode == 0
    out = run("payload", model_id, "--input", text)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    if "image-to-video" in model_id:
        assert body["start_image_url"] == data["image_url"]
        assert body["generate_audio"] is data.get("generate_audio", False)
    else:
        assert body["sound"] is data.get("generate_audio", False)


def test_duration_16_exits_65_naming_duration():
    out = run("validate", "kling/kling-3.0/standard/text-to-video", "--input", '{"prompt":"x","duration":16}')
    assert out.returncode == 65
    assert out.stderr.splitlines()[0].startswith("duration: ")
    assert "Traceback" not in out.stderr


def test_one_line_per_problem():
    out = run("validate", "kling/kling-3.0/pro/text-to-video", "--input", '{"prompt":"","seed":1,"aspect_ratio":"21:9"}')
    assert out.returncode == 65
    assert [line.split(":")[0] for line in out.stderr.splitlines()] == ["prompt", "seed", "aspect_ratio"]


def test_payload_refuses_invalid_input():
    out = run("payload", "kling/kling-3.0/pro/image-to-video", "--input", '{"prompt":"x"}')
    assert out.returncode == 65 and out.stdout == ""
    assert "start_image_url" in out.stderr


def test_input_from_file(tmp_path):
    f = tmp_path / "in.json"
    f.write_text(json.dumps({"prompt": "Wide shot", "duration": 8, "generate_audio": True}))
    out = run("estimate", "kling/kling-3.0/pro/text-to-video", "--input", f"@{f}", "--json")
    assert out.returncode == 0
    quote = json.loads(out.stdout)
    assert quote["total_usd"] == "1.344"
    assert [i["description"] for i in quote["items"]] == ["Pro text-to-video", "audio surcharge"]


def test_estimate_variants_human_readable():
    out = run("estimate", "kling/kling-3.0/4k/text-to-video", "--input", '{"prompt":"x","duration":15}', "--variants", "2")
    assert out.returncode == 0
    assert "Total: $12.60" in out.stdout


@pytest.mark.parametrize(
    "args, code, words",
    [
        (("validate", "kling/kling-3.0/ultra/text-to-video", "--input", "{}"), 64, "not a Kling 3.0 endpoint"),
        (("validate", "kling/kling-3.0/pro/text-to-video"), 64, "--input"),
        (("frobnicate",), 64, "invalid choice"),
        (("estimate", "kling/kling-3.0/pro/text-to-video", "--input", '{"prompt":"x"}', "--variants", "9"), 64, "--variants"),
        (("estimate", "kling/kling-3.0/pro/text-to-video", "--input", '{"prompt":"x"}', "--variants", "two"), 64, "invalid int"),
        (("validate", "kling/kling-3.0/pro/text-to-video", "--input", "{not json"), 65, "not valid JSON"),
        (("validate", "kling/kling-3.0/pro/text-to-video", "--input", "[1]"), 65, "JSON object"),
        (("validate", "kling/kling-3.0/pro/text-to-video", "--input", "@/nonexistent/in.json"), 65, "does not exist"),
    ],
)
def test_bad_arguments_and_input(args, code, words):
    out = run(*args)
    assert out.returncode == code, out.stderr
    assert words in out.stderr
    assert "Traceback" not in out.stderr
