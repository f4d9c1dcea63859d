"""The studio's words in English and 简体中文, for ``gr.I18n`` and for server-rendered HTML.

``TEXT`` maps a key to its English and Chinese text; :data:`I18N` feeds Gradio's frontend
(the browser's language picks one); :func:`t` renders server-side HTML in the language of the
request's ``Accept-Language``.
"""

from __future__ import annotations

from typing import Mapping

import gradio as gr

__all__ = ["TEXT", "I18N", "t", "language_of"]

TEXT: Mapping[str, tuple[str, str]] = {
    "title": ("Kling Studio", "Kling 工作室"),
    "tagline": ("Cinematic Kling 3.0 videos, priced before you pay.", "Kling 3.0 电影级视频，付费前先看价格。"),
    "offline_banner": ("Offline preview: local animatics, no charges", "离线预览：本地动态分镜，不产生费用"),
    "live_banner": ("Live: RunComfy, real charges", "在线：RunComfy，真实计费"),
    "tier": ("Tier", "层级"),
    "mode": ("Mode", "模式"),
    "t2v": ("Text to video", "文本转视频"),
    "i2v": ("Image to video", "图像转视频"),
    "prompt_mode": ("Prompt", "提示词"),
    "single": ("Single prompt", "单条提示词"),
    "multi": ("Multi-shot (1–6 shots)", "多镜头（1–6 个）"),
    "prompt": ("Scene (lead with the camera: \"wide shot, slow push-in\")", "场景（以镜头语言开头，如“广角镜头，缓慢推近”）"),
    "shot": ("Shot", "镜头"),
    "shot_text": ("What happens", "画面内容"),
    "seconds": ("Seconds", "秒"),
    "camera": ("Camera", "镜头运动"),
    "add_camera": ("+ camera move", "+ 镜头运动"),
    "audio_cue": ("Sound in this shot", "本镜头声音"),
    "add_shot": ("+ Add shot", "+ 添加镜头"),
    "negative": ("Leave out (negative prompt)", "排除元素（反向提示词）"),
    "duration": ("Clip length (s)", "片段时长（秒）"),
    "aspect": ("Aspect ratio", "宽高比"),
    "platform": ("Platform preset", "平台预设"),
    "starter": ("Start from a sample", "从示例开始"),
    "advanced": ("Advanced", "高级"),
    "cfg": ("Prompt adherence (cfg scale)", "提示词遵循度（cfg）"),
    "audio": ("Generate audio", "生成音频"),
    "audio_desc": ("What to hear", "声音描述"),
    "seed": ("Seed", "种子"),
    "seed_off": ("Seed: not offered by RunComfy's Kling 3.0 schema", "种子：RunComfy 的 Kling 3.0 不提供"),
    "identity": ("Keep the subject identical (adds an identity anchor)", "保持主体一致（添加身份锚点）"),
    "start_image": ("Start image (first frame)", "起始图像（首帧）"),
    "end_image": ("End image (last frame, optional)", "结束图像（尾帧，可选）"),
    "fit": ("Fit the image to", "图像适配"),
    "variants": ("Takes", "生成条数"),
    "alt_prompt": ("A/B: also make it with this prompt instead", "A/B：另用这条提示词再生成一版"),
    "compare": ("A/B: also make it on these tiers (side by side in the gallery)", "A/B：同时在这些层级生成（在作品库中并排对比）"),
    "open_recipe": ("Open a recipe (.json)", "打开配方（.json）"),
    "fit_none": ("as is", "保持原样"),
    "fit_crop": ("crop", "裁剪"),
    "fit_pad": ("pad", "补边"),
    "generate": ("Generate", "生成"),
    "cost": ("Cost", "费用"),
    "spend": ("This session so far", "本次会话已花费"),
    "jobs": ("Jobs", "任务"),
    "gallery": ("Gallery", "作品库"),
    "api_key": ("Your RunComfy API key (kept in this browser only)", "你的 RunComfy API 密钥（仅保存在本浏览器）"),
    "settings": ("Settings", "设置"),
    "queued": ("Queued", "排队中"),
    "position": ("position", "位置"),
    "running": ("Running", "生成中"),
    "downloading": ("Downloading", "下载中"),
    "succeeded": ("Done", "完成"),
    "failed": ("Failed", "失败"),
    "cancelled": ("Cancelled", "已取消"),
    "unknown": ("Outcome unknown", "结果未知"),
    "submitting": ("Submitting", "提交中"),
    "cancel": ("Cancel", "取消"),
    "download": ("Download", "下载"),
    "reuse": ("Reuse settings", "复用设置"),
    "continue": ("Continue from its last frame", "从最后一帧继续"),
    "recipe": ("Recipe (JSON)", "配方（JSON）"),
    "promote": ("Promote to", "升级到"),
    "quote": ("quote", "预估"),
    "actual": ("charged", "实际"),
    "no_jobs": ("No jobs yet: write a scene and press Generate.", "还没有任务：写好场景后点击“生成”。"),
    "no_jobs_in_flight": ("Nothing in flight. Finished videos are in the gallery below.", "没有进行中的任务。完成的视频在下方作品库。"),
    "no_videos": ("Finished videos appear here, newest first.", "完成的视频会显示在这里，最新的在前。"),
    "not_cancellable": ("running: can no longer be cancelled", "生成中：已无法取消"),
}

I18N = gr.I18n(
    en={k: v[0] for k, v in TEXT.items()},
    **{"zh-CN": {k: v[1] for k, v in TEXT.items()}},
    zh={k: v[1] for k, v in TEXT.items()},
)


def language_of(accept_language: str | None) -> str:
    """``"zh"`` when the browser prefers Chinese, else ``"en"``."""
    first = (accept_language or "").split(",")[0].strip().lower()
    return "zh" if first.startswith("zh") else "en"


def t(key: str, lang: str = "en") -> str:
    """The text for ``key`` in ``lang``."""
    en, zh = TEXT[key]
    return zh if lang == "zh" else en
