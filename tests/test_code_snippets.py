"""Copy as code (studio.domain.code_snippets, studio.ui.code_view): each snippet parses to the
command it says, its JSON is the request the studio would send, and no snippet holds a token.

Running them is in test_code_snippets_run (slow): here the shell commands are parsed by bash
itself, with ``runcomfy`` and ``python`` as shell functions that print their arguments.
"""

from __future__ import annotations

import ast
import json
import shlex
import subprocess
from dataclasses import replace

import pytest

from studio.cli import build_parser
from studio.config import Settings
from studio.domain.catalog import find_endpoint
from studio.domain.code_snippets import (
    IMAGE_PLACEHOLDERS,
    NOTES,
    OUTPUT_DIR,
    CodeJob,
    SnippetOptions,
    code_snippets,
    skill_input,
    snippets_for,
)
from studio.domain.forms import Form, ShotRow, form_to_request
from studio.domain.payload import build_payload, request_from_input
from studio.domain.pricing import quote_request
from studio.errors import ConfigError
from studio.offline import simulator_options_from_env
from studio.ui.code_view import CodeHandlers, code_jobs
from studio.ui.code_words import NOTES_ZH, notes_for
from studio.ui.plan import plan_click

from .skill_examples import SKILL_EXAMPLES

IDS = [m for m, _ in SKILL_EXAMPLES]
# Shell functions standing in for the two programs: each prints its arguments, NUL-separated,
# and ends the command with a record separator.
ECHO_ARGV = """
runcomfy() { printf '%s\\0' runcomfy "$@"; printf '\\036'; }
python() { printf '%s\\0' python "$@"; printf '\\036'; }
"""
TRICKY = Form(
    tier="pro", mode="text-to-video", prompt="Wide shot: the captain's \"log\" — $HOME `date` \\ 港口的黎明\n第二行",
    negative_prompt="blur, 'text'", duration=8, cfg_scale=0.7, audio=True, audio_description="gulls, no dialogue",
)


def bash_argvs(snippet: str) -> list[list[str]]:
    """What bash passes to each command of ``snippet``, run with the echoing functions."""
    out = subprocess.run(["bash", "-c", ECHO_ARGV + snippet], capture_output=True, text=True, timeout=20, check=True)
    return [command.split("\0")[:-1] for command in out.stdout.split("\036")[:-1]]


def shlex_argv(snippet: str) -> list[str]:
    """The one command of ``snippet`` as POSIX shell words (comments and line continuations dropped)."""
    return shlex.split(snippet.replace("\\\n", " "), comments=True)


def python_requests(script: str) -> list[tuple[str, dict]]:
    """(model_id, request) of every ``/generate_video`` call in the gradio_client script."""
    calls = []
    for node in ast.walk(ast.parse(script)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "predict":
            kw = {k.arg: k.value for k in node.keywords}
            if ast.literal_eval(kw["api_name"]) == "/generate_video":
                calls.append((ast.literal_eval(kw["model_id"]), ast.literal_eval(kw["request"])))
    return calls


def same_body(model_id: str, data: dict, request) -> bool:
    """Whether ``data`` (a snippet's JSON) makes the studio send what ``request`` makes it send."""
    ep = find_endpoint(model_id)
    return build_payload(request_from_input(data, ep), ep) == build_payload(request, ep)


# -- the six skill examples -----------------------------------------------------------------


@pytest.mark.parametrize("model_id, data", SKILL_EXAMPLES, ids=IDS)
def test_skill_example_runcomfy_command_is_the_skills_own(model_id, data):
    request = request_from_input(data, find_endpoint(model_id))
    snippet = snippets_for(model_id, request).runcomfy
    argv = shlex_argv(snippet)
    assert argv[:3] == ["runcomfy", "run", model_id] and argv[3] == "--input" and argv[5:] == ["--output-dir", OUTPUT_DIR]
    # The skill's JSON, with the audio switch always stated (RunComfy's own default is on).
    assert json.loads(argv[4]) == {**data, "generate_audio": data.get("generate_audio", False)}
    assert list(json.loads(argv[4]))[: len(data)] == list(data)  # in the skill's order
    assert bash_argvs(snippet) == [argv]
    assert same_body(model_id, json.loads(argv[4]), request)


@pytest.mark.parametrize("offline", [True, False])
@pytest.mark.parametrize("model_id, data", SKILL_EXAMPLES, ids=IDS)
def test_skill_example_studio_command_takes_the_same_arguments(model_id, data, offline):
    request = request_from_input(data, find_endpoint(model_id))
    snippets = snippets_for(model_id, request, SnippetOptions(offline=offline))
    runcomfy, studio = shlex_argv(snippets.runcomfy), shlex_argv(snippets.studio)
    assert studio == ["python", "-m", "studio", *runcomfy[1:], *(["--offline"] if offline else [])]
    assert bash_argvs(snippets.studio) == [studio]
    args = build_parser().parse_args(studio[3:])
    assert (args.endpoint, json.loads(args.input), args.output_dir, args.offline) == (model_id, json.loads(runcomfy[4]), OUTPUT_DIR, offline)


@pytest.mark.parametrize("model_id, data", SKILL_EXAMPLES, ids=IDS)
def test_skill_example_python_script_submits_the_same_request(model_id, data):
    request = request_from_input(data, find_endpoint(model_id))
    script = snippets_for(model_id, request, SnippetOptions(studio_url="http://127.0.0.1:7999")).python
    compile(script, "snippet.py", "exec")
    [(called, sent)] = python_requests(script)
    assert called == model_id and sent == skill_input(request, model_id)
    assert 'Client("http://127.0.0.1:7999"' in script and 'api_name="/job_status"' in script
    assert "confirm_total_usd" not in script and "runcomfy_api_key" not in script


# -- the form -> snippets path ----------------------------------------------------------------

FORMS = {
    "single": Form(prompt="wide shot, slow push-in: a harbour at dawn", duration=5),
    "tricky text": TRICKY,
    "shots": Form(
        tier="4k", prompt_mode="shots", duration=9, audio=True, aspect_ratio="9:16",
        shots=(ShotRow("the harbour at dawn", 4, "wide shot, slow push-in", "gulls"), ShotRow("a rope tightens", 5, "extreme close-up")),
    ),
    "image with anchor": Form(tier="pro", mode="image-to-video", prompt="slow dolly-in on the subject", duration=6, identity_anchor=True),
    "image url": Form(mode="image-to-video", prompt="she turns", start_image_url="https://cdn.example.com/a.png", identity_anchor=False),
}


@pytest.mark.parametrize("name", list(FORMS))
def test_a_form_becomes_snippets_that_send_what_generate_sends(name):
    form = FORMS[name]
    ep, request = form_to_request(form)
    snippets = snippets_for(ep.model_id, request, SnippetOptions(offline=True))
    argvs = [bash_argvs(snippets.runcomfy), bash_argvs(snippets.studio)]
    assert [len(a) for a in argvs] == [1, 1]
    [[runcomfy], [studio]] = argvs
    data = json.loads(runcomfy[4])
    assert json.loads(studio[6]) == data and python_requests(snippets.python) == [(ep.model_id, data)]
    if ep.mode.needs_start_image and not form.start_image_url:
        # A file in the studio cannot be in a command: the placeholder, and a comment saying so.
        assert data["image_url"] == IMAGE_PLACEHOLDERS["start_image_url"]
        for text in (snippets.runcomfy, snippets.studio, snippets.python):
            assert "# image_url: a file on your computer cannot be named in a command" in text
        request = request.evolve(start_image_url=IMAGE_PLACEHOLDERS["start_image_url"])
    assert same_body(ep.model_id, data, request)
    assert quote_request(request_from_input(data, ep), ep).total == quote_request(request, ep).total


def test_shots_are_prompt_segments_and_the_prompt_numbers_them():
    ep, request = form_to_request(FORMS["shots"])
    data = skill_input(request, ep.model_id)
    assert data["prompt"].startswith("Shot 1: Wide shot, slow push-in. The harbour at dawn. Audio: gulls. Shot 2:")
    assert data["prompt_segments"] == [
        {"prompt": "Wide shot, slow push-in. The harbour at dawn. Audio: gulls.", "duration": 4},
        {"prompt": "Extreme close-up. A rope tightens.", "duration": 5},
    ]
    assert (data["duration"], data["aspect_ratio"], data["generate_audio"]) == (9, "9:16", True)


def test_an_uploaded_end_image_is_a_placeholder_only_where_the_tier_takes_one():
    for tier, named in (("pro", True), ("standard", False)):
        ep, request = form_to_request(Form(tier=tier, mode="image-to-video", prompt="x"))
        data = skill_input(request, ep.model_id, frozenset({"start_image_url", "end_image_url"}))
        assert data["image_url"] == IMAGE_PLACEHOLDERS["start_image_url"]
        assert ("tail_image_url" in data) is named


def test_a_published_url_is_kept_unless_the_image_was_replaced_by_an_upload():
    request = request_from_input({"prompt": "x", "image_url": "https://cdn.example.com/a.png", "duration": 5}, find_endpoint(IDS[1]))
    assert skill_input(request, IDS[1])["image_url"] == "https://cdn.example.com/a.png"
    assert skill_input(request, IDS[1], frozenset({"start_image_url"}))["image_url"] == IMAGE_PLACEHOLDERS["start_image_url"]


def test_takes_loop_and_ab_jobs_are_blocks_of_their_own_with_the_confirmation_total():
    form = Form(tier="pro", prompt="wide shot: a harbour", duration=15, audio=True)
    plan = plan_click(form, compare=["4k"], takes=2)
    jobs = code_jobs(plan, lambda ep: ep, (5.0, 4))
    assert [(j.model_id.split("/")[2], j.takes, j.label, j.confirm_total_usd) for j in jobs] == [
        ("pro", 2, "tier pro", "5.04"),  # 2 × 15 s × $0.168 = $5.04: asks first
        ("4k", 2, "tier 4k", "12.60"),
    ]
    snippets = code_snippets(jobs, SnippetOptions(offline=True))
    argvs = bash_argvs(snippets.studio)
    assert [a[4] for a in argvs] == [jobs[0].model_id] * 2 + [jobs[1].model_id] * 2  # each take is one run
    assert "for take in 1 2; do" in snippets.runcomfy and "# tier 4k" in snippets.runcomfy
    assert [m for m, _ in python_requests(snippets.python)] == [j.model_id for j in jobs]
    assert 'confirm_total_usd="12.60"' in snippets.python and "takes=2," in snippets.python
    small = code_jobs(plan_click(Form(prompt="x", duration=5), takes=3), lambda ep: ep, (5.0, 4))
    assert [(j.takes, j.label, j.confirm_total_usd) for j in small] == [(3, "", "")]


def test_a_visitors_key_is_named_by_its_variable_never_written():
    ep, request = form_to_request(FORMS["single"])
    script = snippets_for(ep.model_id, request, SnippetOptions(visitor_key=True)).python
    assert 'runcomfy_api_key=os.environ["RUNCOMFY_TOKEN"]' in script
    compile(script, "snippet.py", "exec")


def test_the_chinese_notes_say_the_same_things():
    assert set(NOTES_ZH) == set(NOTES) and notes_for("en") is NOTES and notes_for("zh") is NOTES_ZH
    for key, text in NOTES.items():
        assert [p for p in ("{name}", "{n}") if p in text] == [p for p in ("{name}", "{n}") if p in NOTES_ZH[key]]
    ep, request = form_to_request(FORMS["image with anchor"])
    zh = snippets_for(ep.model_id, request, SnippetOptions(notes=NOTES_ZH))
    assert "# image_url：电脑上的文件无法写进命令" in zh.runcomfy
    assert shlex_argv(zh.runcomfy) == shlex_argv(snippets_for(ep.model_id, request).runcomfy)


# -- the page's handler -------------------------------------------------------------------------


class _Manager:
    settings = Settings()

    def live_endpoint(self, ep, token=None):
        return ep


class _Handlers(CodeHandlers):
    manager = _Manager()

    def __init__(self, form: Form, live: bool = False, api_key: str | None = None, **extra) -> None:
        self.live, self.form, self.api_key, self.extra = live, form, api_key, extra
        self.c = {"has_images": ("has-start", "has-end")}

    def _planned(self, data):
        from studio.ui.click import ClickHandlers

        if not 3 <= self.form.duration <= 15:
            return ClickHandlers._planned(self, data)  # raises ValidationError naming the clip length
        extra = {"compare": [], "alt_prompt": "", "takes": 1, "api_key": self.api_key, **self.extra}
        return self.form, extra, plan_click(self.form, extra["compare"], extra["alt_prompt"], extra["takes"]), []

    def _form(self, data):
        return self.form, {"compare": [], "alt_prompt": "", "takes": 1, "api_key": None}


def test_the_handler_writes_the_three_boxes_for_the_form():
    form = FORMS["image with anchor"]
    runcomfy, studio, python = _Handlers(form).code({"has-start": True, "has-end": True}, None)
    ep, request = form_to_request(form)
    expected = snippets_for(ep.model_id, request, SnippetOptions(offline=True, uploads=frozenset({"start_image_url", "end_image_url"})))
    assert (runcomfy, studio, python) == (expected.runcomfy, expected.studio, expected.python)
    assert "tail_image_url" in runcomfy and "--offline" in studio
    live = _Handlers(form, live=True).code({}, None)
    assert shlex_argv(live[1])[-2:] == ["--output-dir", OUTPUT_DIR] and NOTES["studio_live"] in live[1]


def test_the_handler_never_writes_the_visitors_key():
    secret = "rc-visitor-secret-1234567890"
    boxes = _Handlers(FORMS["single"], live=True, api_key=secret).code({}, None)
    assert all(secret not in box for box in boxes)
    assert 'os.environ["RUNCOMFY_TOKEN"]' in boxes[2]


def test_a_form_that_cannot_be_planned_says_why_in_each_box():
    boxes = _Handlers(replace(FORMS["single"], duration=16)).code({}, None)
    assert len(set(boxes)) == 1 and boxes[0].startswith("# clip length: 16 s is not possible")


def test_the_simulator_can_stand_in_for_an_image_it_cannot_fetch():
    assert simulator_options_from_env({"STUDIO_SIM_IMAGE_FETCH": "placeholder"}) == {"image_fetch": "placeholder"}
    assert simulator_options_from_env({}) == {}
    with pytest.raises(ConfigError, match="STUDIO_SIM_IMAGE_FETCH"):
        simulator_options_from_env({"STUDIO_SIM_IMAGE_FETCH": "sometimes"})


def test_code_jobs_name_each_ab_prompt():
    plan = plan_click(Form(prompt="wide shot: a harbour"), alt_prompt="close-up: a rope")
    jobs = code_jobs(plan, lambda ep: ep, (5.0, 4), "zh")
    assert [j.label for j in jobs] == ["提示词 A", "提示词 B"]
    assert [j.request.prompt for j in jobs] == ["wide shot: a harbour", "close-up: a rope"]
    assert isinstance(jobs[0], CodeJob)


def test_the_readme_shows_the_three_snippets_as_the_studio_writes_them():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Copy as code", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("\n", 1)[1] for b in section.split("```")[1::2]]
    form = Form(prompt="Wide shot, slow push-in: a lighthouse at dusk", duration=5, audio=True, audio_description="waves, gulls")
    ep, request = form_to_request(form)
    snippets = snippets_for(ep.model_id, request, SnippetOptions(offline=True))
    assert blocks == [snippets.runcomfy, snippets.studio, snippets.python]


def test_the_price_event_answers_the_price_then_the_code_and_survives_a_broken_form():
    import gradio as gr

    class Priced(_Handlers):
        def price(self, data, request):
            return "box", "generate", "reason"

    answer = Priced(FORMS["single"]).priced({}, None)
    assert answer[:3] == ("box", "generate", "reason") and answer[3].startswith("# The RunComfy CLI")

    class Broken(Priced):
        def _planned(self, data):
            raise RuntimeError("unexpected")

    assert all(isinstance(box, type(gr.skip())) for box in Broken(FORMS["single"]).code({}, None))
