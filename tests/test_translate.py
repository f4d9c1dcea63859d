"""The domain's English problems in Chinese: every refusal a visitor can meet, produced by the
real domain code with bad inputs, reads as Chinese with the field named and no English mixed
in; English passes through; an unknown message becomes a generic Chinese line naming the field.
Also: the event's language reaches handlers that Gradio runs in worker threads."""

from __future__ import annotations

import asyncio
import logging
import re
import struct
import zlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from PIL import Image

from studio.domain import bounds
from studio.domain.catalog import endpoint
from studio.domain.forms import Form, ShotRow, form_to_request, parse_script
from studio.domain.models import Shot
from studio.domain.storyboard import Storyboard, plan, storyboard_from_json
from studio.domain.validation import check_input, validate
from studio.errors import (
    ApiError,
    Problem,
    StudioError,
    UploadError,
    ValidationError,
    error_for_status,
)
from studio.images.decode import load_image
from studio.images.geometry import match_problem, size_problems
from studio.ui import translate
from studio.ui.guard import StudioBlocks, request_lang, value_problem
from studio.ui.i18n import t
from studio.ui.lang import current_lang, set_lang
from studio.ui.messages import friendly

# Latin words a Chinese message may keep: names of products, formats and units, and the
# values the inputs below typed (the visitor's own words come back as they wrote them).
ALLOWED = {
    "kling", "runcomfy", "standard", "pro", "4k", "jpeg", "png", "webp", "gif", "svg", "https", "http", "json",
    "utf", "kb", "mb", "usd", "cfg", "api", "null", "customize", "shot_type", "tiers", "prompt", "duration",
    "text", "to", "video", "image",  # the values "text-to-video" / "image-to-video" a refusal quotes
    "xyz", "zz", "qq", "jpg", "elements", "sound",  # values and keys the inputs below typed
    "a", "b",  # A/B
    "apng", "heic", "iphone", "avif", "pdf", "mac", "mp4", "mov", "html", "x", "p", "s",
}
LATIN_WORD = re.compile(r"[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*")


def english_words(text: str) -> list[str]:
    return [w for w in LATIN_WORD.findall(text) if w.lower() not in ALLOWED]


def problems_of(action: Callable[[], Any]) -> list[Problem]:
    """The problems ``action`` raises (ValidationError) or returns (a list of Problems)."""
    try:
        result = action()
    except ValidationError as exc:
        return list(exc.problems)
    assert isinstance(result, list) and result, f"{action} refused nothing"
    return result


T2V = endpoint("pro", "text-to-video")
I2V = endpoint("pro", "image-to-video")
STD_I2V = endpoint("standard", "image-to-video")
IMG = "https://img.example.com/a.png"

# Each entry makes the real domain refuse something a visitor (page, API or recipe) can send.
DOMAIN: list[Callable[[], Any]] = [
    # studio.domain.validation, through the JSON vocabulary
    *[
        (lambda data=data, ep=ep: check_input(data, ep)[1])
        for data, ep in [
            ({"prompt": ""}, T2V),
            ({"prompt": "x" * 2501}, T2V),
            ({"prompt": "x", "negative_prompt": "n" * 2501}, T2V),
            ({"prompt": "x", "duration": 16}, T2V),
            ({"prompt": "x", "duration": 2}, T2V),
            ({"prompt": "x", "duration": 5.5}, T2V),
            ({"prompt": "x", "duration": True}, T2V),
            ({"prompt": "x", "aspect_ratio": "4:3"}, T2V),
            ({"prompt": "x", "image_url": IMG, "aspect_ratio": "16:9"}, I2V),
            ({"prompt": "x", "cfg_scale": 1.5}, T2V),
            ({"prompt": "x", "cfg_scale": "qq"}, T2V),
            ({"prompt": "x"}, I2V),
            ({"prompt": "x", "image_url": IMG, "tail_image_url": IMG}, STD_I2V),
            ({"prompt": "x", "tail_image_url": IMG}, T2V),
            ({"prompt": "x", "image_url": IMG}, T2V),
            ({"prompt": "x", "image_url": "http://img.example.com/a.png"}, I2V),
            ({"prompt": "x", "image_url": "https://u:p@img.example.com/a.png"}, I2V),
            ({"prompt": "x", "seed": 42}, T2V),
            ({"prompt": "x", "generate_audio": "xyz"}, T2V),
            ({"prompt": "x", "shot_type": "xyz"}, T2V),
            ({"prompt": "x", "elements": []}, I2V),
            ({"prompt": 5}, T2V),
            ({"prompt": "x", "sound": True, "generate_audio": False}, T2V),
            ([1, 2], T2V),
            (None, T2V),
            ({"shots": [{"prompt": "", "duration": 3}, {"prompt": "x", "duration": 0}], "duration": 5}, T2V),
            ({"shots": [{"prompt": "x", "duration": 1}] * 7}, T2V),
            ({"shots": [{"prompt": "x" * 600, "duration": 5}]}, T2V),
            ({"shots": "xyz"}, T2V),
            ({"shots": [5]}, T2V),
            ({"shots": [{"prompt": "x"}]}, T2V),
        ]
    ],
    # the page's form
    *[
        (lambda form=form: validate(*reversed(form_to_request(form))))
        for form in (
            Form(prompt=""),
            Form(prompt_mode="shots", shots=(ShotRow("x", 2), ShotRow("", 2)), duration=5),
            Form(prompt="x" * 2600),
            Form(mode="image-to-video", prompt="x"),
        )
    ],
    # studio.domain.bounds
    lambda: bounds.whole_number("xyz", "takes", 1, 8),
    lambda: bounds.whole_number(12, "takes", 1, 8),
    lambda: bounds.whole_number(10**20, "clip length", 3, 15),
    lambda: bounds.whole_number(0, "takes", 1, 8),
    lambda: bounds.optional_text(5, "prompt"),
    lambda: bounds.optional_text("x" * 20, "A/B prompt", 10),
    lambda: bounds.owner_key("", "studio session"),
    lambda: bounds.owner_key("x" * 300, "studio session"),
    lambda: bounds.owner_key("a\nb", "studio session"),
    lambda: bounds.identifier(" ", "job_id"),
    lambda: bounds.text_list("xyz", "prompt", max_items=2),
    lambda: bounds.text_list(["a", "b", "c"], "prompt", max_items=2),
    lambda: bounds.choice_list("xyz", "A/B tiers", ("standard", "pro", "4k")),
    lambda: bounds.choice_list(["pro"] * 20, "A/B tiers", ("standard", "pro", "4k")),
    lambda: bounds.choice_list(["zz"], "A/B tiers", ("standard", "pro", "4k")),
    lambda: bounds.jobs_per_action([("tiers", 3), ("prompts", 2), ("takes", 8)]),
    # studio.domain.forms (the storyboard script) and studio.domain.storyboard
    lambda: parse_script("xyz"),
    lambda: parse_script("qq | wide | the sea"),
    lambda: parse_script("5 | wide |  "),
    lambda: parse_script("\n".join(["5 | w | the sea"] * 130)),
    lambda: plan(Storyboard(shots=(Shot("x", 16),))),
    lambda: plan(Storyboard(shots=(Shot("x", 0),))),
    lambda: plan(Storyboard(shots=())),
    lambda: plan(Storyboard(shots=(Shot("x", 15),) * 9)),
    lambda: plan(Storyboard(shots=(Shot("x", 14), Shot("x", 2)), )),
    lambda: plan(Storyboard(shots=(Shot("x", 5),), mode="image-to-video")),
    lambda: storyboard_from_json([]),
    lambda: storyboard_from_json({"shots": [], "tier": "xyz", "mode": "xyz", "audio": "xyz", "zz": 1}),
    # the images' shape
    lambda: [Problem("start image", m) for m in size_problems(200, 150)],
    lambda: [Problem("start image", m) for m in size_problems(4000, 1000)],
    lambda: [Problem("end image", match_problem(1000, 1000, 1920, 1080) or "")],
]


@pytest.mark.parametrize("action", DOMAIN)
def test_every_domain_refusal_reads_as_chinese(action: Callable[[], Any]) -> None:
    for item in problems_of(action):
        zh = translate.problem(item, "zh")
        assert translate.known(item.message), f"no Chinese for {item.message!r}"
        assert english_words(zh) == [], f"{item} → {zh}"
        assert re.search(r"[\u4e00-\u9fff]", zh)


def _png(width: int, height: int) -> bytes:
    """A PNG header declaring ``width`` × ``height`` (no real pixels: a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk)) + b"\x00" * 64


@pytest.mark.parametrize(
    "name, content",
    [
        ("notes.jpg", b"this is not an image at all\n" * 3),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        ("empty.png", b""),
        ("bomb.png", _png(20000, 20000)),
        ("broken.png", _png(64, 64)),
        ("anim.gif", b"GIF89a" + b"\x00" * 40),
        ("page.jpg", b"<!doctype html><html></html>"),
        ("mystery.bin", b"\x00\x01\x02\x03" * 16),
    ],
)
def test_unreadable_uploads_read_as_chinese(tmp_path: Path, name: str, content: bytes) -> None:
    src = tmp_path / name
    src.write_bytes(content)
    with pytest.raises(UploadError) as caught:
        load_image(src, "start image")
    zh = translate.text(str(caught.value), "zh")
    assert zh.startswith("起始图像："), zh
    assert translate.GENERIC not in zh, f"no Chinese for {caught.value}"
    assert english_words(zh) == [], f"{caught.value} → {zh}"


def test_guard_refusals_read_as_chinese() -> None:
    checks = [
        (gr.Slider(3, 15, elem_id="duration"), 99),
        (gr.Slider(3, 15, elem_id="duration"), "xyz"),
        (gr.Radio(["standard", "pro"], elem_id="tier"), "zz"),
        (gr.CheckboxGroup(["standard", "pro"], elem_id="compare-tiers"), ["pro"] * 5),
        (gr.Checkbox(elem_id="audio"), "xyz"),
        (gr.Textbox(elem_id="prompt"), 5),
        (gr.Textbox(elem_id="prompt"), {"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}),
        (gr.Image(elem_id="start-image"), {"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}),
        (gr.Image(elem_id="start-image"), "xyz"),
    ]
    from studio.ui.guard import field_name

    for block, value in checks:
        problem = value_problem(block, value)
        assert problem
        zh = translate.text(f"{field_name(block)}: {problem}", "zh")
        assert translate.GENERIC not in zh and english_words(zh) == [], f"{problem} → {zh}"


@pytest.mark.parametrize(
    "english, expected",
    [
        ("This browser has no studio session yet; reload the page.", "本浏览器还没有工作室会话，请刷新页面。"),
        ("HTTP 402: the RunComfy balance is too low for this job (balance 0.00)", "HTTP 402：RunComfy 余额不足以支付这个任务"),
        ("start image: the file is empty; choose the image again", "起始图像：文件是空的；请重新选择图像"),
        ("takes: 12 is more than 8 (4 too many)", "生成条数：12 超过了 8（多了 4）"),
    ],
)
def test_whole_texts(english: str, expected: str) -> None:
    assert translate.text(english, "zh") == expected


def test_the_template_captures_the_numbers() -> None:
    zh = translate.message("16 s is longer than one Kling 3.0 clip (3-15 s); split the script into clips of at most 15 s and stitch them (a storyboard does this)")
    assert "16 秒" in zh and "3–15 秒" in zh and "15 秒" in zh


def test_field_names_in_chinese() -> None:
    assert translate.field("clip length") == translate.field("duration") == "片段时长"
    assert translate.field("shots[2].prompt") == "第 2 个镜头的画面内容"
    assert translate.field("script line 7") == "脚本第 7 行"
    assert translate.field("shot 3 seconds") == "镜头 3 的秒数"
    assert translate.field("A/B tiers") == "A/B 层级"


def test_unknown_message_is_a_chinese_line_naming_the_field(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="studio.ui.translate"):
        zh = translate.problem(Problem("start image", "a brand new complaint"), "zh")
        whole = translate.text("Something nobody wrote a template for", "zh")
    assert zh == f"起始图像：{translate.GENERIC}"
    assert whole == translate.GENERIC_TEXT
    assert "a brand new complaint" in caplog.text and "Something nobody" in caplog.text
    assert english_words(zh) == [] and english_words(whole) == []


def test_a_message_that_is_partly_known_is_not_half_translated() -> None:
    zh = translate.message("is empty; describe the scene, the motion and the camera; and something new")
    assert zh == translate.GENERIC


def test_english_passes_through() -> None:
    item = Problem("prompt", "is empty; describe the scene, the motion and the camera")
    assert translate.problem(item, "en") == str(item)
    assert translate.text("start image: the file is empty; choose the image again", "en") == "start image: the file is empty; choose the image again"


def test_friendly_speaks_the_events_language() -> None:
    exc = ValidationError([Problem("prompt", "is empty; describe the scene, the motion and the camera")])
    zh, en = friendly(exc, "zh"), friendly(exc, "en")
    assert zh.title == "请检查" and "提示词：为空" in zh.message
    assert en.title == "Please check" and "prompt: is empty" in en.message
    set_lang("zh")
    try:
        assert friendly(exc).title == "请检查"
        api = error_for_status(422, {"detail": [{"loc": ["body", "prompt"], "msg": "field required"}]})
        assert isinstance(api, ApiError)
        shown = friendly(api).message
        assert shown.startswith(t("refused_422", "zh")) and "提示词：" in shown and "field required" not in shown
        assert friendly(StudioError("start image: the file is empty; choose the image again")).message == "起始图像：文件是空的；请重新选择图像"
        assert friendly(RuntimeError("boom /srv/secret.py")).message == t("unexpected", "zh")
    finally:
        set_lang("en")


def test_values_a_visitor_typed_are_escaped_in_chinese_too() -> None:
    exc = ValidationError([Problem("script line 1", "'<b>' is not a whole number of seconds")])
    assert "&lt;b&gt;" in friendly(exc, "zh").message


@pytest.mark.parametrize(
    "header, lang",
    [("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("zh-TW", "zh"), ("en-US,en;q=0.9", "en"), ("", "en"), (None, "en"), ("fr,zh;q=0.5", "en")],
)
def test_request_language(header: str | None, lang: str) -> None:
    request = gr.Request(headers={"accept-language": header} if header is not None else {})
    assert request_lang(request) == lang
    assert request_lang([request]) == lang


def test_the_events_language_reaches_a_handler_in_a_worker_thread() -> None:
    import threading

    seen: list[tuple[str, str]] = []

    def handler(value: str) -> str:
        seen.append((current_lang(), threading.current_thread().name))
        return current_lang()

    with StudioBlocks() as demo:
        box = gr.Textbox()
        out = gr.Textbox()
        box.submit(handler, box, out)

    async def call(header: str) -> Any:
        return await demo.process_api(0, ["x"], request=gr.Request(headers={"accept-language": header}))

    assert asyncio.run(call("zh-CN,zh;q=0.9"))["data"] == ["zh"]
    assert asyncio.run(call("en-GB"))["data"] == ["en"]
    assert [lang for lang, _ in seen] == ["zh", "en"]
    assert all(name != threading.main_thread().name for _, name in seen)  # Gradio ran it in a worker thread


def test_a_refused_value_is_refused_in_the_events_language() -> None:
    with StudioBlocks() as demo:
        duration = gr.Slider(3, 15, elem_id="duration")
        out = gr.Textbox()
        duration.release(lambda v: str(v), duration, out, api_name="length")

    async def call(header: str) -> str:
        try:
            await demo.process_api(0, [99], request=gr.Request(headers={"accept-language": header}))
        except gr.Error as exc:
            return f"{exc.title}|{exc.message}"
        return "accepted"

    assert asyncio.run(call("zh-CN")) == "请检查|片段时长：须在 3 到 15 之间"
    assert asyncio.run(call("en")) == "Please check|clip length: must be from 3 to 15"


def test_budget_refusals_read_as_chinese() -> None:
    from studio.domain.pricing import format_usd

    for english in (
        f"this clip costs {format_usd(Decimal('1.26'))}; this session has spent $4.00 of its $5.00 cap, so it would reach $5.26",
        "this clip costs $1.26; today this studio has spent $99.00 of its $100.00 daily cap, so it would reach $100.26",
        "this click costs 147.84 USD for 48 jobs; confirm that amount",
    ):
        zh = translate.message(english)
        assert zh != translate.GENERIC and english_words(zh) == [], zh


def test_every_field_of_the_page_has_a_chinese_name(tmp_path: Path) -> None:
    """Each input the page's events read (new controls included) is named in Chinese when refused."""
    from studio.config import Settings
    from studio.jobs.service import Studio
    from studio.ui import create_server
    from studio.ui.guard import field_name

    server = create_server(Studio.connect(Settings(data_dir=tmp_path), offline=True, render=False))
    try:
        missing = sorted(
            {
                f"{block.elem_id} ({field_name(block)!r})"
                for fn in server.demo.fns.values()
                for block in fn.inputs
                if getattr(block, "elem_id", None) and not re.search(r"[\u4e00-\u9fff]", translate.field(field_name(block)))
            }
        )
    finally:
        server.close()
    assert missing == [], f"fields without a Chinese name (add them to studio.ui.translate.FIELDS): {missing}"


@pytest.mark.parametrize(
    ("error", "en", "zh"),
    [
        (Image.DecompressionBombError("400000000 pixels"), "end image: declares an enormous picture size (a decompression bomb)", "结束图像："),
        (OSError("cannot identify image file '/tmp/gradio/x/notes.jpg'"), "end image: this file is not a picture the studio can read", "结束图像："),
    ],
)
def test_gradios_own_image_reading_failures_are_named_and_plain(error: Exception, en: str, zh: str) -> None:
    """Gradio opens an uploaded image before the studio sees it; its failure reads as the field's
    problem in the visitor's words, never Gradio's text (which names server paths)."""
    from studio.ui.guard import StudioBlocks
    from studio.ui.lang import set_lang

    block = gr.Image(elem_id="end-image")
    for lang, want in (("en", en), ("zh", zh)):
        set_lang(lang)
        try:
            said = StudioBlocks._format_processing_error(None, 0, block, None, True, error)
        finally:
            set_lang("en")
        assert said.startswith(want) and "/tmp" not in said and "pixels" not in said.split(":")[-1][:12]
        if lang == "zh":
            assert english_words(said) == [] and translate.GENERIC not in said
