"""The multi-shot prompt builder and the prompting advice from the Kling 3.0 skill. Pure.

Kling 3.0 reads camera language as directives, so each shot's text leads with its camera move,
then the action, then an optional audio cue. Shots become ``multi_prompt`` items where the
schema has them, and a numbered "Shot 1: … Shot 2: …" prompt otherwise. Advisory warnings
never block a submit; validation does that.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from studio.domain.catalog import Endpoint
from studio.domain.models import GenerationRequest, Shot

__all__ = [
    "CAMERA_MOVES",
    "IDENTITY_ANCHOR",
    "STYLE_ANCHORS",
    "shot_text",
    "numbered_prompt",
    "multi_prompt_items",
    "with_identity_anchor",
    "advise",
]

# Camera language Kling 3.0 treats as real directives (the skill's own examples first).
CAMERA_MOVES: tuple[str, ...] = (
    "wide shot, slow push-in",
    "tracking shot, low angle",
    "handheld follow",
    "medium close-up, static",
    "extreme close-up",
    "slow dolly-in",
    "slow dolly-out",
    "orbit around the subject",
    "crane up, revealing the scene",
    "aerial drone shot",
    "whip pan",
    "over-the-shoulder shot",
)

IDENTITY_ANCHOR = (
    "Preserve the subject's face, pose and clothing from the start image; "
    "only the camera moves and the background changes."
)

# Style anchors grouped by family; two families in one prompt pull the look apart.
STYLE_ANCHORS: dict[str, tuple[str, ...]] = {
    "photoreal": ("photorealistic", "photoreal", "hyperrealistic", "documentary", "live action"),
    "animation": ("anime", "cartoon", "pixar", "cel-shaded", "claymation", "stop motion"),
    "painterly": ("watercolor", "watercolour", "oil painting", "impressionist", "sketch"),
    "retro": ("vhs", "8mm film", "super 8", "black and white", "noir", "sepia"),
    "digital": ("pixel art", "low poly", "3d render", "vaporwave", "cyberpunk"),
}

_DIALOGUE = re.compile(r"\b(dialogue|dialog|voice-?over|says|speaks|talking|narrat\w*|lip ?sync)\b", re.I)
_SOUND_WORDS = re.compile(
    r"\b(audio|sound\w*|ambien\w*|music|silence|silent|room tone|hiss|noise|score|voice)\b", re.I
)
_CAMERA_WORDS = re.compile(
    r"\b(shot|close-?up|push-?in|pull-?out|dolly|tracking|pan|tilt|crane|handheld|aerial|drone|"
    r"orbit|zoom|angle|pov|camera)\b",
    re.I,
)


def _sentence(text: str) -> str:
    """Whitespace folded, first letter capitalised, a full stop at the end."""
    text = " ".join(text.split())
    text = text[:1].upper() + text[1:]
    if text and text[-1] not in ".!?":
        text += "."
    return text


def shot_text(shot: Shot) -> str:
    """One shot's prompt: camera move first, then the action, then the audio cue."""
    parts = []
    if shot.camera.strip():
        parts.append(_sentence(shot.camera))
    if shot.prompt.strip():
        parts.append(_sentence(shot.prompt))
    if shot.audio_cue.strip():
        parts.append(_sentence(f"Audio: {shot.audio_cue.strip()}"))
    return " ".join(parts)


def numbered_prompt(shots: Sequence[Shot], preamble: str = "") -> str:
    """A single prompt that numbers the shots, as the skill recommends: "Shot 1: … Shot 2: …"."""
    parts = [_sentence(preamble)] if preamble.strip() else []
    parts += [f"Shot {i}: {shot_text(s)}" for i, s in enumerate(shots, start=1)]
    return " ".join(parts)


def multi_prompt_items(shots: Sequence[Shot]) -> list[dict[str, object]]:
    """``multi_prompt`` items, one ``{prompt, duration}`` per shot, in order."""
    return [{"prompt": shot_text(s), "duration": s.duration} for s in shots]


def with_identity_anchor(prompt: str) -> str:
    """The prompt with the image-to-video identity anchor appended (once)."""
    if IDENTITY_ANCHOR in prompt:
        return prompt
    return f"{_sentence(prompt)} {IDENTITY_ANCHOR}".strip()


def _all_text(request: GenerationRequest) -> str:
    return " ".join([request.prompt] + [f"{s.camera} {s.prompt} {s.audio_cue}" for s in request.shots])


def style_families(text: str) -> list[str]:
    """The style families named in a text, in the order of STYLE_ANCHORS."""
    lowered = text.lower()
    return [fam for fam, words in STYLE_ANCHORS.items() if any(w in lowered for w in words)]


def advise(request: GenerationRequest, endpoint: Endpoint, quote_total: Decimal | None = None) -> list[str]:
    """Advisory warnings for the skill's anti-patterns; they never block a submit."""
    notes: list[str] = []
    text = _all_text(request)
    families = style_families(text)
    if len(families) >= 2:
        notes.append(
            "Conflicting style cues (" + " vs ".join(families) + "): pick one or two style "
            "anchors so the look stays consistent."
        )
    first = request.shots[0].camera + " " + request.shots[0].prompt if request.shots else request.prompt
    if first.strip() and not _CAMERA_WORDS.search(" ".join(first.split()[:12])):
        notes.append(
            "Lead with camera language (for example \"wide shot, slow push-in\"): Kling 3.0 "
            "reads it as a directive."
        )
    audio_on = request.audio_on
    if endpoint.tier.key == "4k" and len(request.shots) >= 4 and audio_on and _DIALOGUE.search(text):
        cost = f" (about ${quote_total:.2f})" if quote_total is not None else ""
        notes.append(
            f"4K with {len(request.shots)} shots and dialogue is the most expensive setup{cost}; "
            "validate the story with Standard first."
        )
    if endpoint.mode.needs_start_image and not request.identity_anchor and request.start_image_url:
        notes.append(
            "Image-to-video keeps identity best when the prompt restates it; turn on the "
            "identity anchor to add: \"" + IDENTITY_ANCHOR + "\""
        )
    if audio_on and not (_DIALOGUE.search(text) or _SOUND_WORDS.search(text)):
        notes.append(
            "Audio is on: describe what to hear (for example \"city ambience, distant traffic, "
            "no dialogue\")."
        )
    return notes
