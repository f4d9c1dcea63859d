"""The English → 简体中文 sentence table :mod:`studio.ui.translate` matches the domain's
messages against: per-field message templates and whole texts. Data only.
"""

from __future__ import annotations

__all__ = ["TEMPLATES", "WHOLE"]

# -- message templates ------------------------------------------------------------------------
# English template (``{name}`` captures any text) → Chinese. A capture named in _CONVERT is
# converted (and the template does not match when it cannot be); a trailing digit in a name
# (``{hi2}``) only tells two captures apart. Captures the Chinese leaves out (``{detail}``) are
# dropped on purpose: they hold English from elsewhere (a server's own words).
TEMPLATES: list[tuple[str, str]] = [
    # studio.domain.bounds
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
    # studio.domain.validation
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
    # studio.jobs.manager, studio.ui.handlers, studio.ui.plan
    ("this exact clip was submitted a moment ago; it is in your jobs", "刚刚已提交过完全相同的片段；它在你的任务列表中"),
    ("this video is not in this browser, or not on disk any more", "这个视频不在本浏览器中，或已不在磁盘上"),
    ("no such job in this browser", "本浏览器中没有这个任务"),
    ("no such video in this browser", "本浏览器中没有这个视频"),
    ("only a finished video that is still in the gallery can be shared", "只有仍在作品库中的已完成视频才能分享"),
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
    # studio.domain.forms, studio.domain.storyboard, studio.jobs.storyboard_run
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
    # studio.domain.recipes, studio.domain.vocabulary
    ("must be a JSON object with a kind", "须为带有 kind 的 JSON 对象"),
    ("this file is not a JSON recipe ({reason})", "这个文件不是 JSON 配方"),
    ("{value} is not a recipe version this studio reads ({version})", "{value} 不是本工作室能读取的配方版本（{version}）"),
    ("{value} is not a Kling 3.0 endpoint", "{value} 不是 Kling 3.0 的接口"),
    ("contains a broken character (a lone UTF-16 surrogate); retype it", "包含一个损坏的字符；请重新输入"),
    ("must be a number, not {kind}", "须为数字，而不是{kind}"),
    ("must be an object with prompt and duration, not {kind}", "须为包含 prompt 和 duration 的对象，而不是{kind}"),
    ("is missing; give each shot its seconds", "缺失；请给每个镜头填写秒数"),
    ("is not valid JSON ({reason})", "不是有效的 JSON"),
    # studio.jobs.budget
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
