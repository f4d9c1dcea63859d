"""The words of "Share for review", in English and 简体中文 (merged into :data:`studio.ui.i18n.TEXT`).

Two places use them: the share box on a gallery card (:mod:`studio.ui.review_links`) and the
public review page (:mod:`studio.ui.review_page`), which picks its language from the reviewer's
``Accept-Language``. Data only: nothing is imported, so :mod:`studio.ui.i18n` can merge it.
"""

from __future__ import annotations

__all__ = ["REVIEW_TEXT"]

REVIEW_TEXT: dict[str, tuple[str, str]] = {
    # The gallery card's share box.
    "share_btn": ("Share for review", "分享以供审阅"),
    "share_new": ("New review link", "新建审阅链接"),
    "share_stop": ("Stop sharing", "停止分享"),
    "share_stop_confirm": ("Stop sharing this video? The review link stops working at once.", "停止分享这个视频？审阅链接会立即失效。"),
    "share_link": ("Review link", "审阅链接"),
    "share_copy": ("Copy link", "复制链接"),
    "share_copied": ("Copied", "已复制"),
    "share_open": ("Open", "打开"),
    "share_until": ("open until {when}", "有效期至 {when}"),
    "share_waiting": ("Waiting for the reviewer's answer.", "等待审阅人回复。"),
    "share_expired": ("The review link expired on {when}.", "审阅链接已于 {when} 过期。"),
    "share_revoked": ("You stopped sharing this video.", "你已停止分享这个视频。"),
    "verdict_approved": ("Approved", "已通过"),
    "verdict_changes": ("Changes requested", "需要修改"),
    "verdict_by": ("Reviewer: {verdict}", "审阅人：{verdict}"),
    # Notes beside Generate.
    "shared_note": (
        "Review link ready: copy it from the video's card. It is open until {when}; whoever has it can watch this video and answer.",
        "审阅链接已生成：请在视频卡片上复制。有效期至 {when}；拿到链接的人都能观看这个视频并回复。",
    ),
    "unshared_note": ("Sharing stopped: the review link no longer works.", "已停止分享：审阅链接已失效。"),
    "unshared_none": ("This video was not being shared.", "这个视频当前没有在分享。"),
    # The review page.
    "review_heading": ("Review this video", "审阅这个视频"),
    "review_heading_of": ("Review this video: {title}", "审阅这个视频：{title}"),
    "review_intro": ("You were asked to review this video. Watch it, then approve it or ask for changes.", "有人请你审阅这个视频。观看后，请选择通过或提出修改意见。"),
    "review_prompt": ("Prompt", "提示词"),
    "review_shots": ("Shots", "镜头"),
    "review_shot": ("Shot {n}", "镜头 {n}"),
    "review_camera": ("camera: {x}", "镜头运动：{x}"),
    "review_sound": ("sound: {x}", "声音：{x}"),
    "review_negative": ("Left out", "排除元素"),
    "review_silent": ("silent", "无声"),
    "review_seconds": ("{n} s", "{n} 秒"),
    "review_answer": ("Your answer", "你的回复"),
    "review_approve": ("Approve", "通过"),
    "review_changes": ("Ask for changes", "提出修改"),
    "review_comment": ("Comment (needed when you ask for changes; up to 2,000 characters)", "意见（提出修改时必填；最多 2,000 字）"),
    "review_send": ("Send my answer", "发送回复"),
    "review_sent": ("Thank you: the owner sees your answer in their gallery. You can change it while the link is open.", "谢谢！作者会在作品库中看到你的回复。链接有效期内你都可以修改。"),
    "review_current": ("Your answer so far: {verdict}", "你目前的回复：{verdict}"),
    "review_open_until": ("This link is open until {when}.", "此链接有效期至 {when}。"),
    "review_no_video": ("Your browser cannot play this video.", "你的浏览器无法播放这个视频。"),
    "review_footer": ("Shared from Kling Studio. This page shows this one video and nothing else of its owner's.", "来自 Kling 工作室的分享。此页面只显示这一个视频，不含作者的其他任何内容。"),
    "review_expired_title": ("This review link has expired", "此审阅链接已过期"),
    "review_expired_text": ("Ask the person who shared it for a new link.", "请向分享者索取新的链接。"),
    "review_revoked_title": ("This review link was turned off", "此审阅链接已被关闭"),
    "review_revoked_text": ("The person who shared it stopped sharing this video.", "分享者已停止分享这个视频。"),
    "review_gone_title": ("This video is no longer available", "这个视频已不可用"),
    "review_gone_text": ("The person who shared it has deleted it.", "分享者已将其删除。"),
    "review_unknown_title": ("This review link is not valid", "此审阅链接无效"),
    "review_unknown_text": ("Check that the whole link was copied, or ask for a new one.", "请检查链接是否完整复制，或索取新的链接。"),
    "review_bad_verdict": ("Choose Approve or Ask for changes.", "请选择“通过”或“提出修改”。"),
    "review_need_comment": ("Say in the comment what should change.", "请在意见中说明需要修改什么。"),
    "review_too_long": ("The comment is {n} characters; at most 2,000 fit. Shorten it and send again.", "意见有 {n} 个字，最多 2,000 个。请缩短后重新发送。"),
    "review_bad_text": ("The comment holds control characters that cannot be kept; remove them and send again.", "意见中含有无法保存的控制字符；请删除后重新发送。"),
    "review_bad_form": ("Your answer could not be read. Reload the page and try again.", "无法读取你的回复。请刷新页面后重试。"),
    "review_cross_site": ("This answer was sent from another website and was not kept.", "这次回复来自其他网站，未被保存。"),
}
