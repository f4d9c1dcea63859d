"""RunComfy's documented answer shapes, through the headless twin against the simulator.

`output` may be an object (`video`, `videos`, any key), a bare URL string or a list of URLs; a
failed job's `/result` may carry `error_code`/`error_message` at the top level of a 200 answer;
a 422 names the refused fields in a `detail` list. Each is read as RunComfy documents it
(`runcomfy-api.md` §3.3, §4), never retried as a paid submit, and shown field by field.
"""

from __future__ import annotations

import json

import pytest

from studio.cli import main
from studio.client.job_states import Failed, Succeeded, parse_state
from studio.errors import ApiError, Unprocessable, error_for_status

from .conftest import PUBLISHED_CATALOG
from .studio_support import QUICK, cli_env, submits

# The simulator timing the conftest fixtures (simulator, sim) build and reset to.
SIM_CONFIG = QUICK

T2V = "kling/kling-3.0/pro/text-to-video"
INPUT = json.dumps({"prompt": "wide shot of a lighthouse", "duration": 3})


def run(monkeypatch, server, tmp_path, capsys, data: str = INPUT, model: str = T2V):
    cli_env(monkeypatch, server, tmp_path / "home")
    out = tmp_path / "out"
    code = main(["run", model, "--input", data, "--output-dir", str(out)])
    files = sorted(p.name for p in out.glob("*.mp4")) if out.exists() else []
    return code, files, capsys.readouterr().err


@pytest.mark.parametrize("shape", ["video", "videos", "url", "list"])
def test_the_video_is_saved_whatever_shape_output_has(sim, monkeypatch, tmp_path, capsys, shape):
    sim.set_config(output_shape=shape)
    code, files, err = run(monkeypatch, sim, tmp_path, capsys)
    assert code == 0, err
    assert len(files) == 1 and (tmp_path / "out" / files[0]).stat().st_size > 1000
    assert submits(sim) == 1


def test_a_failed_result_with_a_top_level_error_code_ends_the_job_with_runcomfys_reason(sim, monkeypatch, tmp_path, capsys):
    sim.set_config(error_shape="top_level")
    sim.faults.add("submit", "job_failed")
    code, files, err = run(monkeypatch, sim, tmp_path, capsys)
    assert code == 1 and files == []
    assert "RunComfy error 500001" in err, err
    result_reads = [e for e in sim.log.entries(op="result")]
    assert len(result_reads) == 1, "a job's own failure is its answer, not a call to retry"
    assert submits(sim) == 1


def test_a_422_detail_list_is_shown_field_by_field_and_exits_65(sim, monkeypatch, tmp_path, capsys):
    # Schema drift while the catalog is down: the studio falls back to its bundled schema, which
    # still offers negative_prompt; RunComfy (a catalog without it) refuses the body with a 422.
    drifted = json.loads(PUBLISHED_CATALOG.read_text())
    for model in drifted["models"]:
        model["input_schema"]["properties"].pop("negative_prompt", None)
    path = tmp_path / "drifted.json"
    path.write_text(json.dumps(drifted))
    sim.set_config(catalog_file=str(path))
    sim.faults.add("catalog", "503", times=0)
    data = json.dumps({"prompt": "wide shot of a lighthouse", "negative_prompt": "blur", "duration": 3})
    code, files, err = run(monkeypatch, sim, tmp_path, capsys, data)
    assert code == 65 and files == []
    assert err.splitlines()[-2:] == [
        "error: HTTP 422: RunComfy refused the input:",
        "  negative_prompt: unknown field; this model has no such input",
    ], err
    assert submits(sim) == 1  # refused, not retried


def test_parse_state_reads_every_output_shape():
    url = "https://playgrounds-storage-public.runcomfy.net/a.mp4"
    for output in ({"video": url}, {"videos": [url]}, {"clip": {"url": url}}, url, [url]):
        state = parse_state({"status": "succeeded", "output": output})
        assert isinstance(state, Succeeded) and state.output == output
    failed = parse_state({"status": "failed", "error_code": 500123, "error_message": "content policy"})
    assert failed == Failed("content policy (RunComfy error 500123)")


def test_a_422_body_becomes_problems_naming_fields():
    body = {
        "error_code": 422001,
        "error_message": "input did not match the model's schema",
        "detail": [
            {"loc": ["body", "multi_prompt", 0, "duration"], "msg": "Input should be '3', '4' or '5'", "type": "enum"},
            {"loc": ["body", "end_image_url"], "msg": "Extra inputs are not permitted", "type": "extra_forbidden"},
            "not an object",
        ],
    }
    exc = error_for_status(422, body)
    assert isinstance(exc, Unprocessable) and isinstance(exc, ApiError)
    assert [str(p) for p in exc.problems] == [
        "multi_prompt.0.duration: Input should be '3', '4' or '5'",
        "end_image_url: Extra inputs are not permitted",
    ]
    assert "multi_prompt.0.duration" in str(exc)
