"""The domain's English problems in the visitor's language: field names and message templates.

The domain (:mod:`studio.validation`, :mod:`studio.bounds`, :mod:`studio.forms`, the image
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

from ..catalog import find_endpoint
from ..errors import Problem

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
    """A value's kind as :mod:`studio.bounds` or :mod:`studio.vocabulary` words it."""
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


# -- message templates ------------------------------------------------------------------------
# English template (``{name}`` captures any text) → Chinese. A capture named in _CONVERT is
# converted (and the template does not match when it cannot be); a trailing digit in a name
# (``{hi2}``) only tells two captures apart. Captures the Chinese leaves out (``{detail}``) are
# dropped on purpose: they hold English from elsewhere (a server's own words).
TEMPLATES: list[tuple[str, str]] = [
    # studio.bounds
    ("give your private random key (any text, up to {n} characters); your jobs are listed under it", "请提供你的私人随机密钥（任意文本，最多 {n} 个字符）；你的任务按它归档"),
    ("is {n} characters; at most {max} ({over} too many)", "有 {n} 个字符，最多 {max} 个（多了 {over} 个）"),
    ("must not contain line breaks or control characters", "不能包含换行或控制字符"),
    ("must be text, not {kind}", "须为文本，而不是{kind}"),
    ("must be a whole number of seconds, not {valuekind}", "须为整数秒，而不是{valuekind}"),
    ("must be a whole number, not {valuekind}", "须为整数，而不是{valuekind}"),
    ("must be a JSON object {...}, not {kind}", "须为 JSON 对象，而不是{kind}"),
    ("unknown field; known fields are {names}", "没有这个字段；可用的字段有 {names}"),
    ("reference elements are not supported by the studio yet; remove it", "本工作室暂不支持参考元素；请移除"),
    (
        "RunComfy's Kling 3.0 schema has no voice selection; describe the voice in the prompt",
        "RunComfy 的 Kling 3.0 没有声音选择；请在提示词中描述声音",
    ),
    ("resolution is set by the tier (Standard, Pro or 4K), not by a field", "分辨率由层级（Standard、Pro 或 4K）决定，没有单独的字段"),
    ("conflicts with {name}: both set, with different values", "与 {name} 冲突：两者都填了，且值不同"),
    ("must be text", "须为文本"),
    ("give the id as it was returned to you", "请按返回给你的原样填写编号"),
    ("must be a whole number from {low} to {high}, not {value}", "须为 {low} 到 {high} 之间的整数，而不是 {value}"),
    ("{n} is more than {high} ({over} too many)", "{n} 超过了 {high}（多了 {over}）"),
    ("is more than {high}", "超过了 {high}"),
    ("{n} is less than {low}", "{n} 小于 {low}"),
    ("must be a list of text items, not {kind}", "须为文本列表，而不是{kind}"),
    ("has {n} items; at most {max} ({over} too many)", "有 {n} 项，最多 {max} 项（多了 {over} 项）"),
    ("must be a list of shots, not {kind}", "须为镜头列表，而不是{kind}"),
    ("must be a list of {choices}, not {kind}", "须为由 {choices} 组成的列表，而不是{kind}"),
    ("has {n} items; choose among {choices} ({max} at most)", "有 {n} 项；请从 {choices} 中选择（最多 {max} 项）"),
    ("{values}: not one of {choices}", "{values}：不在 {choices} 之中"),
    (
        "this would submit {total} paid jobs ({how}); at most {max} per action ({over} too many). Nothing was submitted.",
        "这会提交 {total} 个付费任务（{how}）；每次操作最多 {max} 个（多了 {over} 个）。没有提交任何任务。",
    ),
    # studio.validation
    (
        "{v} s is longer than one Kling 3.0 clip ({lo}-{hi} s); split the script into clips of at most {hi2} s and stitch them (a storyboard does this)",
        "{v} 秒超过了一个 Kling 3.0 片段的长度（{lo}–{hi} 秒）；请拆成每段最多 {hi2} 秒的片段再拼接（分镜脚本会自动这样做）",
    ),
    ("{v} s is too short; a clip is {lo}-{hi} whole seconds", "{v} 秒太短；一个片段为 {lo}–{hi} 整秒"),
    ("shot durations add up to {a} s but {field} is {d} s; make them agree", "各镜头时长合计 {a} 秒，但{field}为 {d} 秒；请让两者一致"),
    (
        "{n} shots; one clip holds at most {m}, so split them across clips (a storyboard does this)",
        "{n} 个镜头；一个片段最多 {m} 个，请分到多个片段（分镜脚本会自动这样做）",
    ),
    ("is empty; say what happens in this shot", "为空；请写出这个镜头里发生了什么"),
    ("{n} characters with its camera move and audio cue; a shot holds at most {m}", "连同镜头运动和声音提示共 {n} 个字符；一个镜头最多 {m} 个"),
    ("{n} s; each shot needs at least {m} s", "{n} 秒；每个镜头至少需要 {m} 秒"),
    ("{n} s; one shot can be at most {m} s", "{n} 秒；单个镜头最多 {m} 秒"),
    ("is empty; describe the scene, the motion and the camera", "为空；请描述场景、动作和镜头"),
    ("the shots together make {n} characters; a prompt holds at most {m}", "各镜头合计 {n} 个字符；提示词最多 {m} 个"),
    ("is {n} characters; a prompt holds at most {m}", "有 {n} 个字符；提示词最多 {m} 个"),
    ("{n} characters; at most {m}", "{n} 个字符；最多 {m} 个"),
    ("{model} does not take it; {hint}", "{model} 不支持此项；{hint}"),
    ("{concept} needs {tiers}: {sign}{usd} for {s} s on {tier}", "{concept}需要 {tiers}：改用 {tier} 时 {s} 秒片段 {sign}{usd}"),
    ("{concept} needs {tiers}: {sign}{usd} for {s} s", "{concept}需要 {tiers}：{s} 秒片段 {sign}{usd}"),
    (
        "{model} does not offer a seed (RunComfy's Kling 3.0 schema has none), so results cannot be pinned by seed; remove it",
        "{model} 不提供种子（RunComfy 的 Kling 3.0 没有此参数），无法用种子固定结果；请移除",
    ),
    (
        "{model} takes its shape from the start image and has no aspect ratio setting; remove it or crop the image",
        "{model} 的画面比例取自起始图像，没有宽高比设置；请移除它或裁剪图像",
    ),
    ("{model} has no end image; use image-to-video to lock the last frame", "{model} 没有结束图像；如需锁定最后一帧，请使用图像转视频"),
    ("{model} has no start image; use image-to-video to animate an image", "{model} 没有起始图像；如需让图像动起来，请使用图像转视频"),
    ("{model} does not offer a negative prompt; remove it", "{model} 不提供反向提示词；请移除"),
    ("{model} does not offer cfg scale; remove it", "{model} 不提供 cfg 参数；请移除"),
    ("{model} does not offer audio on/off; remove it", "{model} 不提供音频开关；请移除"),
    ("{model} does not offer a shot type; remove it", "{model} 不提供镜头类型；请移除"),
    ("{model} does not accept custom shots", "{model} 不接受自定义镜头"),
    ("{value} is not offered by {model}; choose {choices}", "{model} 不提供 {value}；请选择 {choices}"),
    ("{v} is outside {lo}-{hi}; 0.5 suits most prompts, 0.7-0.9 for strict adherence", "{v} 超出 {lo}–{hi}；多数提示词用 0.5 即可，要求严格遵循时用 0.7–0.9"),
    (
        "{value} lets Kling cut the shots itself; with your own shots use 'customize' or remove shot_type",
        "{value} 会让 Kling 自行切分镜头；使用自定义镜头时请选 'customize'，或移除 shot_type",
    ),
    ("is required for image-to-video; give a public https:// URL of the first frame", "图像转视频必须提供；请给出首帧的公开 https:// 链接"),
    ("is required for image-to-video; upload one or paste its https URL", "图像转视频必须提供；请上传一张，或粘贴它的 https 链接"),
    ("is required for image-to-video; upload one", "图像转视频必须提供；请上传一张"),
    ("is not a valid URL", "不是有效的链接"),
    (
        "must be a public https:// URL that RunComfy can fetch (got {scheme}://); upload the file in the studio to get one",
        "须为 RunComfy 能访问的公开 https:// 链接（现在是 {scheme}://）；在工作室里上传文件即可得到一个",
    ),
    ("must be a public https:// URL that RunComfy can fetch; upload the file in the studio to get one", "须为 RunComfy 能访问的公开 https:// 链接；在工作室里上传文件即可得到一个"),
    ("has no host name", "缺少主机名"),
    ("must not carry a user name or password", "不能包含用户名或密码"),
    # studio.manager, studio.ui.handlers, studio.ui.plan
    ("this exact clip was submitted a moment ago; it is in your jobs", "刚刚已提交过完全相同的片段；它在你的任务列表中"),
    ("this video is not in this browser, or not on disk any more", "这个视频不在本浏览器中，或已不在磁盘上"),
    ("no such job in this browser", "本浏览器中没有这个任务"),
    ("no such job in this session", "本会话中没有这个任务"),
    ("no such storyboard in this session", "本会话中没有这个分镜脚本"),
    ("{value} is not one of {choices}", "{value} 不是 {choices} 之一"),
    ("upload the file from your computer", "请从你的电脑上传文件"),
    ("upload the file from your computer; files on the server are not accepted", "请从你的电脑上传文件；不接受服务器上的文件"),
    ("upload the file from your computer; files on the server and links are not accepted here.", "请从你的电脑上传文件；这里不接受服务器上的文件和链接。"),
    ("must be a number from {lo} to {hi}", "须为 {lo} 到 {hi} 之间的数字"),
    ("this file is over {n} KB; a recipe is a small JSON file", "这个文件超过 {n} KB；配方是一个小的 JSON 文件"),
    ("this file could not be read as UTF-8 text", "无法按 UTF-8 文本读取这个文件"),
    ("this click costs {usd} USD for {n} jobs; confirm that amount", "这次点击共 {n} 个任务，费用 {usd} USD；请确认这个金额"),
    # studio.forms, studio.storyboard, studio.storyboard_run
    ("has {n} lines; a storyboard holds at most {m} shots", "有 {n} 行；分镜脚本最多 {m} 个镜头"),
    ("write it as: seconds | camera | what happens", "请写成：秒数 | 镜头运动 | 画面内容"),
    ("{value} is not a whole number of seconds", "{value} 不是整数秒"),
    ("says nothing about what happens", "没有写画面内容"),
    ("has {n} shots; a storyboard holds at most {m} ({over} too many)", "有 {n} 个镜头；分镜脚本最多 {m} 个（多了 {over} 个）"),
    ("{n} shots; a storyboard holds at most {m} ({over} too many)", "{n} 个镜头；分镜脚本最多 {m} 个（多了 {over} 个）"),
    ("the last clip would be {n} s; a clip needs at least {m} s, so lengthen a shot", "最后一段只有 {n} 秒；一个片段至少 {m} 秒，请加长某个镜头"),
    ("a storyboard needs at least one shot", "分镜脚本至少需要一个镜头"),
    ("{n} s in all; a storyboard is at most {m} s", "共 {n} 秒；分镜脚本最多 {m} 秒"),
    ("the first clip is image-to-video and needs a start image", "第一段是图像转视频，需要起始图像"),
    ("{value} is not standard, pro or 4k", "{value} 不是 standard、pro 或 4k"),
    ("{value} is not text-to-video or image-to-video", "{value} 不是 text-to-video 或 image-to-video"),
    ("must be true or false, not {kind}", "须为是或否，而不是{kind}"),
    ("must be true or false", "须为是或否"),
    ("must be a JSON object with a list of shots", "须为包含镜头列表的 JSON 对象"),
    ("unknown field in a storyboard", "分镜脚本中没有这个字段"),
    ("unknown field in a recipe", "配方中没有这个字段"),
    ("unknown field in a shot", "镜头中没有这个字段"),
    (
        "clip {n} of {total} failed: {reason}. Run again to retry it alone; finished clips are not paid again",
        "第 {n}/{total} 段失败。再次运行只会重试这一段；已完成的片段不会重复计费",
    ),
    # studio.recipes, studio.vocabulary
    ("must be a JSON object with a kind", "须为带有 kind 的 JSON 对象"),
    ("this file is not a JSON recipe ({reason})", "这个文件不是 JSON 配方"),
    ("{value} is not a recipe version this studio reads ({version})", "{value} 不是本工作室能读取的配方版本（{version}）"),
    ("{value} is not a Kling 3.0 endpoint", "{value} 不是 Kling 3.0 的接口"),
    ("contains a broken character (a lone UTF-16 surrogate); retype it", "包含一个损坏的字符；请重新输入"),
    ("must be a number, not {kind}", "须为数字，而不是{kind}"),
    ("must be an object with prompt and duration, not {kind}", "须为包含 prompt 和 duration 的对象，而不是{kind}"),
    ("is missing; give each shot its seconds", "缺失；请给每个镜头填写秒数"),
    ("is not valid JSON ({reason})", "不是有效的 JSON"),
    # studio.budget
    (
        "this clip costs {a}; this session has spent {b} of its {c} cap, so it would reach {d}",
        "这个片段费用 {a}；本次会话已花费 {b}（上限 {c}），提交后将达到 {d}",
    ),
    (
        "this clip costs {a}; today this studio has spent {b} of its {c} daily cap, so it would reach {d}",
        "这个片段费用 {a}；本工作室今天已花费 {b}（每日上限 {c}），提交后将达到 {d}",
    ),
    # studio.images (decode, sniff, geometry, prepare)
    ("is not a file; choose a JPEG, PNG or WebP image", "不是文件；请选择 JPEG、PNG 或 WebP 图像"),
    ("could not be read (the file is missing or not readable); choose it again", "无法读取（文件不存在或不可读）；请重新选择"),
    ("the file is empty; choose the image again", "文件是空的；请重新选择图像"),
    (
        "the file is {size}, over the {max} the studio accepts; export it smaller (a JPEG about 4000 px on the long side is plenty)",
        "文件大小为 {size}，超过本工作室接受的 {max}；请导出得更小一些（长边约 4000 像素的 JPEG 就足够）",
    ),
    (
        "is not a JPEG, PNG or WebP image (its content is no image format the studio knows, whatever its {ext} name says); choose one",
        "不是 JPEG、PNG 或 WebP 图像（虽然文件名后缀是 {ext}，其内容却不是本工作室认识的图像格式）；请另选一张",
    ),
    (
        "is not a JPEG, PNG or WebP image (its content is no image format the studio knows); choose one",
        "不是 JPEG、PNG 或 WebP 图像（其内容不是本工作室认识的图像格式）；请另选一张",
    ),
    ("is really {what} (whatever its {ext} name says), which Kling does not take; {advice}", "实际上是{what}（虽然文件名后缀是 {ext}），Kling 不接受；{advice}"),
    ("is {what}, which Kling does not take; {advice}", "是{what}，Kling 不接受；{advice}"),
    (
        "is {w}×{h} px ({mp} megapixels); images over {max} megapixels are refused for safety, so resize it to at most 6000 px on the long side",
        "为 {w}×{h} 像素（{mp} 百万像素）；出于安全考虑，超过 {max} 百万像素的图像会被拒绝，请把长边缩小到最多 6000 像素",
    ),
    ("is an animated {name} with {n} frames; save the frame you want as PNG or JPEG", "是含 {n} 帧的动画 {name}；请把需要的那一帧另存为 PNG 或 JPEG"),
    (
        "declares an enormous picture size (a decompression bomb); use a normal photo of at most {n} megapixels",
        "声明了极其巨大的画面尺寸（解压炸弹）；请使用不超过 {n} 百万像素的普通照片",
    ),
    ("the {fmt} file is damaged or incomplete (the data stops early); export or download it again", "这个 {fmt} 文件已损坏或不完整（数据提前结束）；请重新导出或下载"),
    ("the {fmt} file is damaged or incomplete (it does not decode); export or download it again", "这个 {fmt} 文件已损坏或不完整（无法解码）；请重新导出或下载"),
    (
        "is {w}×{h} px; the short side must be at least {n} px, so use a larger original (upscale it first if you have no other)",
        "为 {w}×{h} 像素；短边至少需要 {n} 像素，请使用更大的原图（如果没有，请先放大）",
    ),
    (
        "is {ratio} ({w}×{h} px); Kling takes shapes from 1:{m} to {m2}:1, so crop it (or choose crop or pad to 16:9, 9:16 or 1:1)",
        "比例为 {ratio}（{w}×{h} 像素）；Kling 接受 1:{m} 到 {m2}:1 的形状，请裁剪（或选择裁剪、补边到 16:9、9:16 或 1:1）",
    ),
    (
        "is {r} ({w}×{h} px) but the start image is {r2} ({w2}×{h2} px); the last frame must have the start image's shape (within {tol}), so choose crop or pad to fit it to the start image",
        "比例为 {r}（{w}×{h} 像素），但起始图像为 {r2}（{w2}×{h2} 像素）；最后一帧必须与起始图像形状一致（误差 {tol} 以内），请选择裁剪或补边以适配起始图像",
    ),
    ("aspect ratio {r} is not like 16:9; choose 16:9, 9:16 or 1:1", "宽高比 {r} 的写法不对（应类似 16:9）；请选择 16:9、9:16 或 1:1"),
    (
        "aspect ratio {r} is outside what Kling accepts (1:{m} to {m2}:1); choose 16:9, 9:16 or 1:1",
        "宽高比 {r} 超出 Kling 接受的范围（1:{m} 到 {m2}:1）；请选择 16:9、9:16 或 1:1",
    ),
    ("choose an aspect ratio (16:9, 9:16 or 1:1) to {fit} to", "请选择要{fit}到的宽高比（16:9、9:16 或 1:1）"),
    # studio.ui.guard
    ("this file is not a picture the studio can read. Use a JPEG, PNG or WebP image.", "这个文件不是本工作室能读取的图片。请使用 JPEG、PNG 或 WebP 图像。"),
    ("this file could not be read", "无法读取这个文件"),
    ("this value could not be read", "无法读取这个值"),
    ("this field does not take a file", "这一项不接受文件"),
    ("choose among {choices}", "请从 {choices} 中选择"),
    ("{n} items; choose at most {m} of {choices}", "{n} 项；请从 {choices} 中最多选 {m} 项"),
    ("must be a number", "须为数字"),
    ("is far out of range", "远远超出范围"),
    ("must be from {lo} to {hi}", "须在 {lo} 到 {hi} 之间"),
    ("is out of range", "超出范围"),
]

# Whole texts (no field in front): errors about the request or the service as a whole.
WHOLE: list[tuple[str, str]] = [
    ("This browser has no studio session yet; reload the page.", "本浏览器还没有工作室会话，请刷新页面。"),
    ("The values of this request could not be read (reload the page and try again).", "无法读取这次请求的值（请刷新页面后重试）。"),
    ("Something went wrong on our side; nothing was charged twice. Please try again.", "我们这边出了问题，不会重复收费。请重试。"),
    (
        "paste your RunComfy API key (Settings) to generate; this studio does not lend its own",
        "请先在“设置”中粘贴你的 RunComfy API 密钥再生成；本工作室不提供自己的密钥",
    ),
    (
        "the submit's outcome is unknown ({reason}); it was not retried, to avoid paying twice. Check your RunComfy dashboard before submitting again.",
        "提交结果未知；为避免重复付费，没有自动重试。再次提交前请先查看 RunComfy 控制台。",
    ),
    ("HTTP {code}: {httphint} ({detail})", "HTTP {code}：{httphint}"),
    ("HTTP {code}: {httphint}", "HTTP {code}：{httphint}"),
    ("could not reach {host} (the connection failed or broke)", "无法连接 {host}（连接失败或中断）"),
    ("job {job} failed: {reason}", "任务 {job} 失败"),
    ("job {job} was cancelled: {reason}", "任务 {job} 已取消"),
    ("That job is not in this browser.", "这个任务不在本浏览器中。"),
    ("Unknown action.", "未知操作。"),
]

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
