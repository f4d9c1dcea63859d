"""The six ``runcomfy run`` examples of the Kling 3.0 skill, exactly as written there, with a
real https image URL in place of the skill's ``https://.../source.jpg`` placeholders."""

from __future__ import annotations

from typing import Any

IMAGE = "https://images.example.com/kling/source.jpg"

SKILL_EXAMPLES: list[tuple[str, dict[str, Any]]] = [
    (
        "kling/kling-3.0/standard/text-to-video",
        {"prompt": "<Kling 3.0 prompt>", "duration": 5, "aspect_ratio": "16:9"},
    ),
    (
        "kling/kling-3.0/standard/image-to-video",
        {"prompt": "<motion description for Kling 3.0 i2v>", "image_url": IMAGE, "duration": 5},
    ),
    (
        "kling/kling-3.0/pro/text-to-video",
        {"prompt": "<Kling 3.0 Pro prompt>", "duration": 8, "aspect_ratio": "16:9", "generate_audio": True},
    ),
    (
        "kling/kling-3.0/pro/image-to-video",
        {
            "prompt": "<motion description for Kling V3.0 Pro i2v>",
            "image_url": IMAGE.replace("source", "subject"),
            "duration": 8,
            "generate_audio": True,
        },
    ),
    (
        "kling/kling-3.0/4k/text-to-video",
        {"prompt": "<Kling V3.0 4K prompt>", "duration": 10, "aspect_ratio": "16:9", "generate_audio": True},
    ),
    (
        "kling/kling-3.0/4k/image-to-video",
        {
            "prompt": "<motion description for Kling V3.0 4K i2v>",
            "image_url": IMAGE.replace("source", "source-4k"),
            "duration": 10,
            "generate_audio": True,
        },
    ),
]
