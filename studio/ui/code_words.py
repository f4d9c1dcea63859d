"""The words of "Copy as code" in English and 简体中文: the panel's labels (merged into
:data:`studio.ui.i18n.TEXT`) and the snippets' comment lines (:data:`NOTES_ZH`, the Chinese of
:data:`studio.domain.code_snippets.NOTES`). Data only."""

from __future__ import annotations

from collections.abc import Mapping

from studio.domain.code_snippets import NOTES

__all__ = ["CODE_TEXT", "NOTES_ZH", "notes_for"]

CODE_TEXT: Mapping[str, tuple[str, str]] = {
    "code_title": ("Copy as code", "复制为代码"),
    "code_help": (
        "Exactly this form as code: each runs as shown. An uploaded image cannot be named in a command: put a public https link to it in its place.",
        "把当前表单原样写成代码，复制即可运行。上传的图像无法写进命令：请在对应位置换成它的公开网址。",
    ),
    "code_runcomfy": ("RunComfy CLI", "RunComfy 命令行"),
    "code_studio": ("Studio CLI", "工作室命令行"),
    "code_python": ("Python (gradio_client)", "API 脚本"),
}

NOTES_ZH: Mapping[str, str] = {
    "runcomfy": "RunComfy 命令行（npm i -g @runcomfy/cli），先 `runcomfy login` 或设置 RUNCOMFY_TOKEN。",
    "runcomfy_names": "字段名与 Kling 3.0 技能文档一致；`python -m studio payload` 会打印 RunComfy 自己的字段名。",
    "studio": "Kling 工作室的命令行，在工作室的文件夹中运行。",
    "studio_offline": "离线：本地动态分镜，不产生费用。去掉 --offline 则用 RUNCOMFY_TOKEN 在线运行。",
    "studio_live": "在线运行于 RunComfy，需要 RUNCOMFY_TOKEN（或 `runcomfy login`）；加上 --offline 可免费本地预览。",
    "python": "通过 gradio_client（pip install gradio_client）调用本工作室的接口，运行时工作室需开着。",
    "python_owner": "你的私人所有者密钥：任务只在这个密钥下列出（不在浏览器的作品库中）。请保存好。",
    "python_key": "你自己的 RunComfy 密钥，从环境变量读取（不会写在这里）。",
    "confirm": "同意这笔花费，与页面上的确认相同。",
    "image": "{name}：电脑上的文件无法写进命令；请在这里换成该图像的公开 https 链接。",
    "takes": "同一请求生成 {n} 条。",
}


def notes_for(lang: str) -> Mapping[str, str]:
    """The snippets' comment lines in ``lang`` ("zh" or "en")."""
    return NOTES_ZH if lang == "zh" else NOTES
