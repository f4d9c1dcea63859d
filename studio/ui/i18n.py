"""The studio's words in English and 简体中文, for ``gr.I18n`` and for server-rendered HTML.

``TEXT`` maps a key to its English and Chinese text; :data:`I18N` feeds Gradio's frontend
(the browser's language picks one); :func:`t` renders server-side HTML in the language of the
request's ``Accept-Language``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

import gradio as gr
from gradio.i18n import I18nData

from studio.ui.code_words import CODE_TEXT
from studio.ui.lang import current_lang
from studio.ui.review_words import REVIEW_TEXT

__all__ = ["I18N", "TEXT", "bilingual", "current_lang", "language_of", "t"]

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
    "audio": ("Generate audio", "生成音频"),  # server-side only (a Gradio namespace)
    "audio_on": ("Generate audio", "生成音频"),
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
    # Job cards, the gallery and its filters (studio.ui.present, gallery_view, gallery_panel).
    "charged": ("charged", "已扣费"),
    "would_cost": ("would cost", "在线将花费"),
    "would_have_cost": ("would have cost", "在线需花费"),
    "spend_offline": ("This session would have cost", "本次会话在线需花费"),
    "spend_cap": (" of {cap}", "（上限 {cap}）"),
    "drift": ("{diff} vs quote", "比预估{diff}"),
    "queued_nth": ("{nth} in line", "排在第 {n} 位"),
    "queued_next": ("next in line", "即将开始"),
    "running_of": ("{elapsed} of about {typical}", "已 {elapsed}，通常约 {typical}"),
    "running_over": ("{elapsed}, longer than the usual {typical}", "已 {elapsed}，超过通常的 {typical}"),
    "n_seconds": ("{n} s", "{n} 秒"),
    "n_minutes": ("{n} min", "{n} 分钟"),
    "mb_of": ("{done} of {total} MB", "{done} / {total} MB"),
    "variant_take": ("take {n} of {m}", "第 {n}/{m} 条"),
    "variant_prompt": ("prompt {x}", "提示词 {x}"),
    "variant_tier": ("tier {x}", "层级 {x}"),
    "clip_of": ("clip {n} of {m}", "第 {n}/{m} 段"),
    "storyboard": ("Storyboard", "分镜"),
    "n_clips": ("{n} clips", "{n} 个片段"),
    "open_clip": ("open", "打开"),
    "promote_to": ("Promote to {tier}: {price} (+{diff})", "升级到 {tier}：{price}（+{diff}）"),
    "fav_add": ("Add to favourites", "加入收藏"),
    "fav_remove": ("Remove from favourites", "取消收藏"),
    "fav_added": ("Added to favourites.", "已加入收藏。"),
    "fav_removed": ("Removed from favourites.", "已取消收藏。"),
    "delete": ("Delete", "删除"),
    "delete_confirm": ("Delete this video? Its cost stays in your spend.", "删除这个视频？它的费用仍计入你的花费。"),
    "deleted": ("Video deleted. Its cost stays in your spend.", "视频已删除，它的费用仍计入你的花费。"),
    "gallery_tier": ("Tier", "层级"),
    "gallery_mode": ("Kind", "类型"),
    "gallery_all": ("All", "全部"),
    "gallery_storyboards": ("Storyboard films", "分镜影片"),
    "gallery_search": ("Search prompts", "搜索提示词"),
    "gallery_search_hint": ("words from the prompt", "提示词中的词语"),
    "gallery_fav_only": ("Favourites only", "只看收藏"),
    "gallery_more": ("Show more ({n} left)", "显示更多（还有 {n} 个）"),
    "gallery_none": ("No video matches these filters.", "没有符合筛选条件的视频。"),
    "story_none_running": ("No storyboard running. Finished films are in the gallery.", "没有正在运行的分镜。完成的影片在作品库中。"),
    "story_stopped": ("stopped", "已停止"),
    # The price box, the confirmation and Generate (studio.ui.cost, studio.ui.click).
    "audio_surcharge": ("audio surcharge", "音频附加费"),
    "audio_included": ("audio included", "含音频"),
    "jobs_count": ("{n} jobs", "{n} 个任务"),
    "cost_live": ("This click costs", "本次点击费用"),
    "cost_offline": ("Would cost on RunComfy (offline preview: free)", "在 RunComfy 上的费用（离线预览：免费）"),
    "will_confirm": ("You will be asked to confirm before anything is submitted.", "提交前会请你确认。"),
    "cannot_price": ("No price yet: fix this first", "暂无价格：请先修正"),
    "confirm_ask": ("This will submit {n} paid jobs for {total}. Submit them?", "将提交 {n} 个付费任务，共 {total}。确定提交吗？"),
    "confirm_yes": ("Yes, submit", "确定提交"),
    "confirm_no": ("Not now", "暂不提交"),
    "submitted": ("Submitted {n} job(s) for {total}", "已提交 {n} 个任务，共 {total}"),
    "submitted_offline": ("Submitted {n} job(s) (offline preview, would cost {total})", "已提交 {n} 个任务（离线预览，实际将花费 {total}）"),
    "no_session": ("This browser has no studio session yet; reload the page.", "本浏览器还没有工作室会话；请刷新页面。"),
    # The multi-shot builder (studio.ui.shots).
    "shot_placeholder": ("e.g. wide shot, slow push-in: the harbour at dawn", "例如：广角镜头，缓慢推近：黎明时的港口"),
    "shot_dup": ("Duplicate", "复制"),
    "shot_up": ("Move up", "上移"),
    "shot_down": ("Move down", "下移"),
    "shot_remove": ("Remove", "删除"),
    "shots_fit": ("Share the clip length evenly", "平均分配片段时长"),
    "shots_limit": ("A clip holds 1–6 shots; their seconds add up to the clip length.", "一个片段可含 1–6 个镜头，各镜头秒数之和等于片段时长。"),
    "shots_used": ("{used} s of {total} s", "已用 {used} 秒，共 {total} 秒"),
    "shots_add": (" — add {n} s", " — 还差 {n} 秒"),
    "shots_remove": (" — remove {n} s", " — 多出 {n} 秒"),
    "shots_full": ("6 shots: the most one clip holds.", "已有 6 个镜头：一个片段最多 6 个。"),
    "fit_shape": ("Shape to crop or pad to", "裁剪或补边的目标比例"),
    "loaded_reuse": ("Settings loaded: check them, then Generate.", "设置已载入：检查后点击“生成”。"),
    "loaded_promote": ("Settings loaded at {tier}: this render costs {price} ({diff} more than the draft). Check it, then Generate.", "已按 {tier} 载入设置：这次生成费用 {price}（比草稿多 {diff}）。检查后点击“生成”。"),
    "loaded_continue": ("The last frame is the start image of the next clip: describe what happens next, then Generate.", "最后一帧已设为下一段的起始图像：描述接下来发生的事，然后点击“生成”。"),
    "upload_again": ("Upload the start image again (uploads are not kept).", "请重新上传起始图像（上传的文件不会保留）。"),
}

TEXT = {
    **TEXT,
    **{f"shot_label_{i}": (f"Shot {i} · what happens", f"镜头 {i} · 画面内容") for i in range(1, 7)},
}

# The storyboard panel, the tier and mode help, errors (studio.ui.storyboard_tab, words, messages).
_MORE: dict[str, tuple[str, str]] = {
    "sb_title": ("Storyboard: longer than 15 s (up to 2 minutes)", "分镜脚本：超过 15 秒（最长 2 分钟）"),
    "sb_script": ("Script: one shot per line — seconds | camera | what happens", "脚本：每行一个镜头 — 秒数 | 镜头运动 | 画面内容"),
    "sb_continuity": ("Continuity (each clip starts from the last frame of the one before)", "连贯（每段从上一段的最后一帧开始）"),
    "sb_price_btn": ("Price it", "估价"),
    "sb_run": ("Run storyboard", "运行分镜脚本"),
    "sb_total": ("{seconds} s in {clips} clips: {total}", "共 {seconds} 秒，分 {clips} 段：{total}"),
    "sb_clip": ("clip {n}: {shots} shots, {seconds} s, {mode}", "第 {n} 段：{shots} 个镜头，{seconds} 秒，{mode}"),
    "sb_chained": (" (starts from the last frame of the clip before)", "（从上一段的最后一帧开始）"),
    "sb_started": (
        "Started: {clips} clips, {total}. Running it again resumes it; finished clips are not paid again.",
        "已开始：{clips} 段，共 {total}。再次运行会从中断处继续，已完成的片段不会重复计费。",
    ),
    "no_storyboards": ("No storyboards yet.", "还没有分镜脚本。"),
    "no_session": ("This browser has no studio session yet; reload the page.", "本浏览器还没有工作室会话，请刷新页面。"),
    "please_check": ("Please check", "请检查"),
    "error_title": ("Error", "出错了"),
    "warning_title": ("Warning", "注意"),
    "partial_submit": (
        "{done} of {n} jobs were submitted; the next one failed, and the rest were not sent: {reason}",
        "已提交 {n} 个任务中的 {done} 个；下一个失败，其余未发送：{reason}",
    ),
    "refused_422": ("RunComfy refused the input (nothing was charged):", "RunComfy 拒绝了这次输入（没有产生费用）："),
    "unexpected": (
        "Something went wrong on our side; nothing was charged twice. Please try again.",
        "我们这边出了问题，不会重复收费。请重试。",
    ),
    "unreadable_request": (
        "The values of this request could not be read (reload the page and try again).",
        "无法读取这次请求的值（请刷新页面后重试）。",
    ),
    "with_audio": ("with audio", "含音频"),
    "audio_desc_placeholder": ("city ambience, distant traffic, no dialogue", "城市环境声，远处车流，无对白"),
    "alt_prompt_placeholder": ("close-up, handheld: the same scene at night", "特写，手持：同一场景的夜晚版"),
    "per_second": ("/s", "/秒"),
    "switch_to": ("Switch to {tier}", "切换到 {tier}"),
    "res_standard": ("up to 1080p", "最高 1080p"),
    "res_pro": ("1080p", "1080p"),
    "res_4k": ("3840x2160", "3840x2160"),
    "help_standard": (
        "Drafts, previews, social shorts, A/B variants. Cheapest; quality is fine for everything except hero shots.",
        "草稿、预览、社交短视频、A/B 对比。最便宜；除主打镜头外，画质足以应付一切。",
    ),
    "help_pro": (
        "Hero 1080p clips, ad creative, talking heads with high motion fidelity. About 33% more than Standard for tighter motion and identity hold at the same resolution.",
        "主打 1080p 片段、广告创意、动作逼真的人物口播。比 Standard 贵约 33%，同样分辨率下动作更紧凑、人物更稳定。",
    ),
    "help_4k": (
        "4K brand films, big-screen cinematic, finished masters. Native 3840x2160, flat $0.42/s with or without audio; roughly 5x Standard, so use it only when the output truly needs 4K.",
        "4K 品牌片、大银幕电影感、最终成片。原生 3840x2160，无论是否含音频均为 $0.42/秒；约为 Standard 的 5 倍，只在确实需要 4K 时使用。",
    ),
    "help_text-to-video": (
        "Prompt only: Kling generates the look from scratch. For novel scenes, new compositions and environments without a reference.",
        "只用提示词：Kling 从零生成画面。适合没有参考图的新场景、新构图和新环境。",
    ),
    "help_image-to-video": (
        "Prompt plus a start image (and optionally an end image): Kling animates the image. For an exact reference (face, product, scene) that must survive into the output.",
        "提示词加一张起始图像（可选结束图像）：Kling 让图像动起来。适合必须在成片中保留的精确参考（人脸、产品、场景）。",
    ),
}

TEXT = {**TEXT, **_MORE, **REVIEW_TEXT, **CODE_TEXT}  # "Share for review" (studio.ui.review_words), "Copy as code" (code_words)

# The sample prompts' and platform presets' names (assets/starters.json) in Chinese, by English name.
NAMES_ZH: Mapping[str, str] = {
    "Cinematic multi-shot (anniversary dinner)": "电影感多镜头（纪念日晚餐）",
    "Portrait come to life (image-to-video)": "让肖像动起来（图像转视频）",
    "Vertical espresso short": "竖屏浓缩咖啡短片",
    "Reels / TikTok": "竖屏短视频（Reels / TikTok）",
    "Feed (square)": "信息流（方形）",
    "YouTube": "横屏视频（YouTube）",
}

# Gradio's own translations use these words as namespaces; a studio key of the same name
# would replace one of them in the page (Gradio 6.31's frontend, assets/en-*.js).
GRADIO_NAMESPACES = frozenset({
    "annotated_image", "audio", "blocks", "chat_interface", "chatbot", "checkbox", "code", "color_picker", "common",
    "dataframe", "default", "dropdown", "errors", "file", "highlighted_text", "image", "image_editor", "label",
    "login", "number", "plot", "radio", "slider", "status", "upload_text", "video",
})


class StudioI18n(gr.I18n):
    """``gr.I18n`` that knows only the studio's TEXT keys, none of them one of Gradio's namespaces."""

    def __call__(self, key: str) -> I18nData:
        if key not in TEXT or key in GRADIO_NAMESPACES:
            raise KeyError(f"{key!r}: not a studio text key (studio.ui.i18n.TEXT), or one of Gradio's namespaces")
        return super().__call__(key)


I18N = StudioI18n(
    en={k: v[0] for k, v in TEXT.items() if k not in GRADIO_NAMESPACES},
    **{"zh-CN": {k: v[1] for k, v in TEXT.items() if k not in GRADIO_NAMESPACES}},
    zh={k: v[1] for k, v in TEXT.items() if k not in GRADIO_NAMESPACES},
)

# Keys Gradio's own frontend asks for that its zh-CN locale lacks (it would show the English,
# e.g. the screen-reader line "In queue: 1 of 2"), or that no locale of Gradio 6.31 defines.
GRADIO_GAPS: Mapping[str, tuple[str | None, str]] = {
    "status.queue_position": (None, "排队中：第 {position} 位，共 {size} 位"),
    "common.complete": ("Done", "完成"),
}
for _key, (_en, _zh) in GRADIO_GAPS.items():
    for _locale, _text in (("en", _en), ("zh-CN", _zh), ("zh", _zh)):
        if _text is not None:
            I18N.translations.setdefault(_locale, {})[_key] = _text


def language_of(accept_language: str | None) -> str:
    """``"zh"`` when the browser prefers Chinese, else ``"en"``."""
    first = (accept_language or "").split(",")[0].strip().lower()
    return "zh" if first.startswith("zh") else "en"


def t(key: str, lang: str | None = None) -> str:
    """The text for ``key`` in ``lang`` (default: the language of the event being handled)."""
    en, zh = TEXT[key]
    return zh if (lang or current_lang()) == "zh" else en


def bilingual(render: Callable[[str], str]) -> I18nData:
    """A value built on the server (before any visitor's language is known) that the page shows
    in the browser's language: ``render("en")`` and ``render("zh")`` are registered with
    :data:`I18N` under a key derived from both texts, and Gradio's frontend picks one.

    For component values and labels set when the page is built, e.g.
    ``gr.Markdown(bilingual(lambda lang: tier_help("standard", lang)))``.
    """
    en, zh = render("en"), render("zh")
    key = "dyn_" + hashlib.sha256(f"{en}\x00{zh}".encode()).hexdigest()[:16]
    for locale, text in (("en", en), ("zh-CN", zh), ("zh", zh)):
        I18N.translations.setdefault(locale, {})[key] = text
    return gr.I18n.__call__(I18N, key)
