"""The domain's English problems in the visitor's language: field names and message templates.

The domain (:mod:`studio.domain.validation`, :mod:`studio.domain.bounds`, :mod:`studio.domain.forms`, the image
checks, …) speaks English, as ``Problem(field, message)`` or as a StudioError's text
``"field: message"``. This module turns them into 简体中文 for a visitor whose browser asks
for it: :func:`field` names the field, :func:`message` matches the message against English
templates (numbers and values captured, then put into the Chinese sentence), :func:`problem`
and :func:`text` do both. Anything it does not know becomes a generic Chinese line that still
names the field, never English mixed into Chinese; the miss is logged at DEBUG so a new message
can be added here. English (``lang="en"``) passes through unchanged.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from studio.domain.catalog import find_endpoint
from studio.errors import Problem
from studio.ui.translate_templates import TEMPLATES, WHOLE

__all__ = ["field", "known", "message", "problem", "text"]

log = logging.getLogger("studio.ui.translate")

GENERIC = "这一项无法使用，请检查后重试"
GENERIC_TEXT = "请求未能完成，请检查输入后重试。"

# -- field names ------------------------------------------------------------------------------
FIELDS: dict[str, str] = {
    "prompt": "提示词",
    "negative prompt": "反向提示词",
    "negative_prompt": "反向提示词",
    "clip length": "片段时长",
    "duration": "片段时长",
    "aspect ratio": "宽高比",
    "aspect_ratio": "宽高比",
    "creativity (cfg_scale)": "提示词遵循度（cfg）",
    "cfg_scale": "提示词遵循度（cfg）",
    "cfg": "提示词遵循度（cfg）",
    "audio": "生成音频",
    "sound": "生成音频",
    "generate_audio": "生成音频",
    "audio description": "声音描述",
    "audio_description": "声音描述",
    "start image": "起始图像",
    "start_image_url": "起始图像",
    "image_url": "起始图像",
    "end image": "结束图像",
    "end_image_url": "结束图像",
    "tail_image_url": "结束图像",
    "takes": "生成条数",
    "a/b tiers": "A/B 层级",
    "compare": "A/B 层级",
    "a/b prompt": "A/B 提示词",
    "alt prompt": "A/B 提示词",
    "tier": "层级",
    "tiers": "层级",
    "mode": "模式",
    "prompt mode": "提示词方式",
    "fit": "图像适配",
    "shots": "镜头",
    "multi_prompt": "镜头",
    "prompt_segments": "镜头",
    "script": "脚本",
    "storyboard": "分镜脚本",
    "recipe": "配方",
    "recipe file": "配方",
    "studio session": "工作室会话",
    "owner_key": "工作室会话",
    "owner": "工作室会话",
    "api key": "API 密钥",
    "budget": "预算",
    "generate": "生成",
    "job": "任务",
    "jobs": "任务",
    "job_id": "任务编号",
    "run_id": "分镜任务编号",
    "confirmation": "确认",
    "seed": "种子",
    "seeds": "种子",
    "shot_type": "镜头类型",
    "variants": "变体",
    "input": "输入",
    "model_id": "模型",
    "version": "版本",
    "kind": "类型",
    "gallery version": "作品库版本",
    "storyboard shown": "已显示的分镜",
    "action": "操作",
    "identity anchor": "身份锚点",
    "identity_anchor": "身份锚点",
    "a form value": "表单中的一项",
    # element ids as studio.ui.guard names the fields it has no word for ("storyboard-script")
    "storyboard script": "脚本",
    "storyboard tier": "层级",
    "storyboard audio": "生成音频",
    "storyboard continuity": "连贯",
    "audio desc": "声音描述",
    "negative": "反向提示词",
    "aspect": "宽高比",
    "starter": "示例",
    "platform": "平台预设",
    "identity": "身份锚点",
    "compare tiers": "A/B 层级",
    "alt-prompt": "A/B 提示词",
    "shot count": "镜头数",
    "job action": "操作",
    "gallery search": "搜索",
    "gallery tier": "层级筛选",
    "gallery mode": "类型筛选",
    "gallery fav": "只看收藏",
    "has start image": "起始图像",
    "has end image": "结束图像",
    "confirm token": "确认",
}

_SHOT_PARTS = {"": "画面内容", "text": "画面内容", "seconds": "秒数", "camera": "镜头运动", "sound": "声音", "cue": "声音", "chip": "镜头运动"}
_INDEXED_PARTS = {"prompt": "画面内容", "duration": "时长", "camera": "镜头运动", "audio": "声音"}

_FIELD_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]]] = [
    (re.compile(r"shot (\d+)(?: (text|seconds|camera|sound|cue|chip))?"), lambda m: f"镜头 {m[1]} 的{_SHOT_PARTS[m[2] or '']}"),
    (re.compile(r"script line (\d+)"), lambda m: f"脚本第 {m[1]} 行"),
    (
        re.compile(r"(?:shots|multi_prompt|prompt_segments)\[(\d+)\](?:\.(prompt|duration|camera|audio))?"),
        lambda m: f"第 {m[1]} 个镜头" + (f"的{_INDEXED_PARTS[m[2]]}" if m[2] else ""),
    ),
]


def _field_zh(name: str) -> str | None:
    """The field's Chinese name, or None when this module does not know it."""
    key = name.strip()
    if key.lower() in FIELDS:
        return FIELDS[key.lower()]
    for pattern, render in _FIELD_PATTERNS:
        match = pattern.fullmatch(key)
        if match:
            return render(match)
    return None


def field(name: str, lang: str = "zh") -> str:
    """A field's name as a message in ``lang`` shows it (an unknown name is shown as written)."""
    if lang != "zh":
        return name
    found = _field_zh(name)
    if found is None:
        log.debug("no Chinese name for the field %r", name)
        return name
    return found


# -- values inside messages -------------------------------------------------------------------
_KINDS = {
    "nothing (null)": "空值（null）",
    "true/false": "是/否",
    "a number": "数字",
    "text": "文本",
    "a list": "列表",
    "an object": "对象",
}
_CONCEPTS = {"an end frame": "结束帧", "a start image": "起始图像", "an aspect ratio": "宽高比"}
_WHAT = {
    "a GIF": "GIF 动图",
    "an SVG drawing": "SVG 矢量图",
    "a HEIC (iPhone) photo": "HEIC（iPhone）照片",
    "a HEIF image": "HEIF 图像",
    "an AVIF image": "AVIF 图像",
    "a PDF document": "PDF 文档",
    "a text file": "文本文件",
    "a web page": "网页",
    "a MP4/MOV video file": "MP4/MOV 视频",
}
_ADVICE = {
    "save the frame you want as PNG or JPEG": "请把需要的那一帧另存为 PNG 或 JPEG",
    "export it as PNG": "请导出为 PNG",
    "export it as JPEG (on a Mac: File > Export)": "请导出为 JPEG（在 Mac 上：文件 > 导出）",
    "export it as JPEG": "请导出为 JPEG",
    "export it as JPEG or PNG": "请导出为 JPEG 或 PNG",
    "export the page you want as PNG": "请把需要的页面导出为 PNG",
    "it is not an image at all, so choose a JPEG, PNG or WebP file": "它根本不是图像，请选择 JPEG、PNG 或 WebP 文件",
    "save the image itself as JPEG, PNG or WebP": "请把图像本身另存为 JPEG、PNG 或 WebP",
    "save it as JPEG or PNG": "请另存为 JPEG 或 PNG",
}
_FITS = {"crop": "裁剪", "pad": "补边"}
_PARTS = {"tiers": "个层级", "prompts": "条提示词", "takes": "条生成", "variants": "个变体"}
_MODES = {"text-to-video": "文本转视频", "image-to-video": "图像转视频"}
_HTTP_HINTS = {
    "the RunComfy token is missing, wrong or not allowed to do this": "RunComfy 密钥缺失、错误或没有权限",
    "the RunComfy balance is too low for this job": "RunComfy 余额不足以支付这个任务",
    "not found (unknown, deleted or expired)": "找不到（未知、已删除或已过期）",
    "rate limited by RunComfy; try again in a moment": "RunComfy 限制了请求频率，请稍后再试",
    "the API refused the request": "接口拒绝了这次请求",
    "RunComfy had a problem on its side": "RunComfy 那边出了问题",
    "the input did not match the model's schema": "输入与模型的参数要求不符",
    "the request was refused": "请求被拒绝",
}


def _model(model_id: str) -> str | None:
    ep = find_endpoint(model_id.strip())
    return f"Kling 3.0 {ep.tier.label} {_MODES.get(ep.mode.key, '')}".strip() if ep is not None else None


def _list(values: str) -> str:
    """``"a, b or c"`` → ``"a、b 或 c"`` (the values themselves are kept)."""
    return re.sub(r",\s*", "、", values.replace(" or ", " 或 "))


def _how(parts: str) -> str | None:
    out = []
    for part in parts.split(" × "):
        match = re.fullmatch(r"(\d+) (\w+)", part.strip())
        if match is None:
            return None if not part.strip().isdigit() else part.strip()
        unit = _PARTS.get(match[2])
        if unit is None:
            return None
        out.append(f"{match[1]} {unit}")
    return " × ".join(out)


def _over(value: str) -> str:
    return "很多" if value == "far" else value


def _mode(value: str) -> str | None:
    return _MODES.get(value.strip())


def _kind(value: str) -> str | None:
    """A value's kind as :mod:`studio.domain.bounds` or :mod:`studio.domain.vocabulary` words it."""
    if value in _KINDS:
        return _KINDS[value]
    if value == "null":
        return "空值（null）"
    match = re.fullmatch(r"the (number|text) (.+)", value, re.DOTALL)
    if match:
        return ("数字 " if match[1] == "number" else "文本 ") + match[2]
    return None


_CONVERT: dict[str, Callable[[str], str | None]] = {
    "kind": _kind,
    "valuekind": lambda v: _kind(v) or f" {v}",
    "concept": _CONCEPTS.get,
    "what": lambda v: _WHAT.get(v) or (f"{m[1]} 文件" if (m := re.fullmatch(r"an? ([A-Z0-9/]+) file", v)) else None),
    "advice": _ADVICE.get,
    "fit": _FITS.get,
    "model": _model,
    "field": _field_zh,
    "how": _how,
    "choices": _list,
    "tiers": lambda v: v.replace(" or ", " 或 "),
    "over": _over,
    "hint": lambda v: _match(v),
    "names": _list,
    "httphint": _HTTP_HINTS.get,
    "mode": _mode,
}


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _compile(template: str) -> re.Pattern[str]:
    pieces, last = [], 0
    for match in _PLACEHOLDER.finditer(template):
        pieces.append(re.escape(template[last : match.start()]))
        pieces.append(f"(?P<{match[1]}>.+?)")
        last = match.end()
    pieces.append(re.escape(template[last:]))
    return re.compile("".join(pieces), re.DOTALL)


_MESSAGES = [(_compile(en), zh) for en, zh in TEMPLATES]
_WHOLE = [(_compile(en), zh) for en, zh in WHOLE]


def _fill(zh: str, match: re.Match[str]) -> str | None:
    values: dict[str, str] = {}
    for name, value in match.groupdict().items():
        convert = _CONVERT.get(name.rstrip("0123456789"))
        shown = convert(value) if convert else value
        if shown is None:
            return None
        values[name] = shown
    return _PLACEHOLDER.sub(lambda m: values[m[1]], zh)


def _first(table: list[tuple[re.Pattern[str], str]], english: str) -> str | None:
    for pattern, zh in table:
        match = pattern.fullmatch(english)
        if match:
            filled = _fill(zh, match)
            if filled is not None:
                return filled
    return None


def _match(english: str) -> str | None:
    """The Chinese for one message (or ``;``-joined messages), or None when unknown."""
    english = english.strip()
    found = _first(_MESSAGES, english)
    if found is not None:
        return found
    parts = [p for p in english.split("; ") if p]
    if len(parts) > 1:
        done = [_first(_MESSAGES, p) for p in parts]
        if all(d is not None for d in done):
            return "；".join(d for d in done if d is not None)
    return None


def known(english: str) -> bool:
    """Whether a message (without its field) has a Chinese template."""
    return _match(english) is not None


def message(english: str, lang: str = "zh", field_name: str | None = None) -> str:
    """A problem's message (the part after ``field:``) in ``lang``; unknown: a generic Chinese line."""
    if lang != "zh":
        return english
    found = _match(english)
    if found is None:
        log.debug("no Chinese template for the message %r (field %r)", english, field_name)
        return GENERIC
    return found


def problem(item: Problem, lang: str = "zh") -> str:
    """One problem as a visitor reads it: ``起始图像：文件是空的…`` (``str(item)`` in English)."""
    if lang != "zh":
        return str(item)
    return f"{field(item.field, lang)}：{message(item.message, lang, item.field)}"


def text(english: str, lang: str = "zh") -> str:
    """A whole English text (a StudioError's, a refusal's ``field: message``) in ``lang``."""
    if lang != "zh":
        return english
    english = english.strip()
    whole = _first(_WHOLE, english)
    if whole is not None:
        return whole
    head, sep, rest = english.partition(": ")
    if sep and _field_zh(head) is not None:
        return f"{_field_zh(head)}：{message(rest, lang, head)}"
    found = _match(english)
    if found is not None:
        return found
    log.debug("no Chinese for the text %r", english)
    if sep and len(head) <= 40:
        return f"{field(head, lang)}：{GENERIC}"
    return GENERIC_TEXT
