"""Long storyboards: a script of shots split into Kling-sized clips, and its price. Pure.

A :class:`Storyboard` holds up to two minutes of shots. :func:`split` packs them, in order and
at shot boundaries, into clips of at most 15 s and 6 shots (a trailing clip shorter than 3 s
borrows shots from the one before it). With continuity on, every clip after the first is an
image-to-video clip of the same tier whose start image is the previous clip's last frame.
:func:`quote` prices the whole storyboard before anything runs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from studio.domain.bounds import MAX_STORYBOARD_SHOTS
from studio.domain.catalog import LIMITS, Endpoint, endpoint
from studio.domain.models import GenerationRequest, Shot
from studio.domain.pricing import ClipSpec, Quote, quote_storyboard
from studio.domain.vocabulary import parse_shots
from studio.errors import Problem, ValidationError

__all__ = ["MAX_STORYBOARD_SECONDS", "Storyboard", "Clip", "split", "plan", "quote", "storyboard_from_json"]

MAX_STORYBOARD_SECONDS = 120


@dataclass(frozen=True)
class Storyboard:
    """A script longer than one clip, and how to make it."""

    shots: tuple[Shot, ...]
    tier: str = "standard"
    mode: str = "text-to-video"
    aspect_ratio: str | None = "16:9"
    audio: bool = False
    continuity: bool = True
    negative_prompt: str = ""
    start_image_url: str | None = None
    title: str = ""

    @property
    def seconds(self) -> int:
        return sum(s.duration for s in self.shots)

    def as_json(self) -> dict[str, Any]:
        """The storyboard in the recipe format (``storyboard_from_json`` reads it back)."""
        data: dict[str, Any] = {
            "title": self.title,
            "tier": self.tier,
            "mode": self.mode,
            "aspect_ratio": self.aspect_ratio,
            "audio": self.audio,
            "continuity": self.continuity,
            "negative_prompt": self.negative_prompt,
            "start_image_url": self.start_image_url,
            "shots": [
                {k: v for k, v in (("prompt", s.prompt), ("duration", s.duration), ("camera", s.camera), ("audio_cue", s.audio_cue)) if v != ""}
                for s in self.shots
            ],
        }
        return {k: v for k, v in data.items() if v not in (None, "")}

    @property
    def key(self) -> str:
        """A stable id: the same storyboard always has the same key, so a rerun resumes it."""
        canonical = json.dumps(self.as_json(), sort_keys=True, separators=(",", ":"))
        return "sb-" + hashlib.sha256(canonical.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Clip:
    """One clip of a storyboard: its shots, endpoint and whether it chains from the previous."""

    index: int
    shots: tuple[Shot, ...]
    endpoint: Endpoint
    chained: bool = False
    request: GenerationRequest = field(default_factory=GenerationRequest)

    @property
    def seconds(self) -> int:
        return sum(s.duration for s in self.shots)


def split(shots: tuple[Shot, ...]) -> list[tuple[Shot, ...]]:
    """Shots packed in order into clips of ≤ 15 s and ≤ 6 shots; raises ValidationError."""
    problems = []
    for i, shot in enumerate(shots, 1):
        if shot.duration > LIMITS.max_duration:
            problems.append(Problem(f"shots[{i}].duration", f"{shot.duration} s; one shot can be at most {LIMITS.max_duration} s"))
        if shot.duration < LIMITS.min_shot_duration:
            problems.append(Problem(f"shots[{i}].duration", f"{shot.duration} s; each shot needs at least 1 s"))
    if problems:
        raise ValidationError(problems)
    clips: list[list[Shot]] = []
    for shot in shots:
        current = clips[-1] if clips else None
        if current is None or sum(s.duration for s in current) + shot.duration > LIMITS.max_duration or len(current) >= LIMITS.max_shots:
            clips.append([shot])
        else:
            current.append(shot)
    # A last clip under 3 s borrows shots from the one before, while both stay valid.
    while len(clips) >= 2 and sum(s.duration for s in clips[-1]) < LIMITS.min_duration:
        before = clips[-2]
        moved = before[-1]
        if len(before) == 1 or sum(s.duration for s in before) - moved.duration < LIMITS.min_duration:
            break
        if sum(s.duration for s in clips[-1]) + moved.duration > LIMITS.max_duration or len(clips[-1]) >= LIMITS.max_shots:
            break
        clips[-1].insert(0, before.pop())
    if clips and sum(s.duration for s in clips[-1]) < LIMITS.min_duration:
        raise ValidationError([Problem("shots", f"the last clip would be {sum(s.duration for s in clips[-1])} s; a clip needs at least {LIMITS.min_duration} s, so lengthen a shot")])
    return [tuple(c) for c in clips]


def plan(board: Storyboard) -> list[Clip]:
    """The clips to generate, each with its endpoint and request (chained start images unset)."""
    problems = []
    if not board.shots:
        problems.append(Problem("shots", "a storyboard needs at least one shot"))
    if board.seconds > MAX_STORYBOARD_SECONDS:
        problems.append(Problem("shots", f"{board.seconds} s in all; a storyboard is at most {MAX_STORYBOARD_SECONDS} s"))
    if board.mode == "image-to-video" and not board.start_image_url:
        problems.append(Problem("start_image_url", "the first clip is image-to-video and needs a start image"))
    if problems:
        raise ValidationError(problems)
    clips = []
    for index, shots in enumerate(split(board.shots)):
        chained = board.continuity and index > 0
        mode = "image-to-video" if chained else board.mode
        ep = endpoint(board.tier, mode)
        request = GenerationRequest(
            shots=shots,
            duration=sum(s.duration for s in shots),
            negative_prompt=board.negative_prompt,
            aspect_ratio=board.aspect_ratio if mode == "text-to-video" else None,
            audio=board.audio,
            start_image_url=board.start_image_url if index == 0 and mode == "image-to-video" else None,
            identity_anchor=chained,
        )
        clips.append(Clip(index=index, shots=shots, endpoint=ep, chained=chained, request=request))
    return clips


def quote(board: Storyboard) -> Quote:
    """The price of every clip, before anything runs."""
    return quote_storyboard([ClipSpec(c.endpoint, c.seconds, board.audio) for c in plan(board)])


def storyboard_from_json(data: Any) -> Storyboard:
    """A storyboard from its JSON form; raises ValidationError naming each bad field."""
    if not isinstance(data, dict):
        raise ValidationError([Problem("storyboard", "must be a JSON object with a list of shots")])
    problems: list[Problem] = []
    known = {"title", "tier", "mode", "aspect_ratio", "audio", "continuity", "negative_prompt", "start_image_url", "shots", "kind", "version"}
    problems += [Problem(str(k) or "\"\"", "unknown field in a storyboard") for k in data if k not in known]
    raw_shots = data.get("shots", [])
    if isinstance(raw_shots, list) and len(raw_shots) > MAX_STORYBOARD_SHOTS:
        raise ValidationError([Problem("shots", f"{len(raw_shots):,} shots; a storyboard holds at most {MAX_STORYBOARD_SHOTS} ({len(raw_shots) - MAX_STORYBOARD_SHOTS:,} too many)")])
    shots = parse_shots(raw_shots, "shots", problems)
    tier, mode = data.get("tier", "standard"), data.get("mode", "text-to-video")
    if tier not in ("standard", "pro", "4k"):
        problems.append(Problem("tier", f"{tier!r} is not standard, pro or 4k"))
    if mode not in ("text-to-video", "image-to-video"):
        problems.append(Problem("mode", f"{mode!r} is not text-to-video or image-to-video"))
    for name in ("audio", "continuity"):
        if name in data and not isinstance(data[name], bool):
            problems.append(Problem(name, "must be true or false"))
    for name in ("title", "negative_prompt", "aspect_ratio", "start_image_url"):
        if data.get(name) is not None and not isinstance(data[name], str):
            problems.append(Problem(name, "must be text"))
    if problems:
        raise ValidationError(problems)
    return Storyboard(
        shots=shots,
        tier=tier,
        mode=mode,
        aspect_ratio=data.get("aspect_ratio", "16:9"),  # used only by text-to-video clips
        audio=bool(data.get("audio", False)),
        continuity=bool(data.get("continuity", True)),
        negative_prompt=data.get("negative_prompt", "") or "",
        start_image_url=data.get("start_image_url"),
        title=data.get("title", "") or "",
    )
