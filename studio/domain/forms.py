"""The studio form as one value, and its pure translations. No UI library, no I/O.

The browser form (tier, mode, single prompt or 1–6 shots, images, settings) is a
:class:`Form`; :func:`form_to_request` makes it a :class:`GenerationRequest` for the chosen
endpoint, :func:`request_to_form` goes back (reuse settings, recipes), and the shot-list
operations (add, remove, duplicate, move) are plain functions on tuples of :class:`ShotRow`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from studio.domain.catalog import LIMITS, Endpoint, endpoint
from studio.domain.models import GenerationRequest, Shot
from studio.domain.schema import field_for

__all__ = [
    "ShotRow",
    "Form",
    "form_to_request",
    "request_to_form",
    "add_shot",
    "remove_shot",
    "duplicate_shot",
    "move_shot",
    "shots_total",
    "with_camera",
    "parse_script",
]

PromptMode = Literal["single", "shots"]


@dataclass(frozen=True)
class ShotRow:
    """One row of the multi-shot builder."""

    text: str = ""
    seconds: int = 2
    camera: str = ""
    audio_cue: str = ""


@dataclass(frozen=True)
class Form:
    """Everything the generate form holds."""

    tier: str = "standard"
    mode: str = "text-to-video"
    prompt_mode: PromptMode = "single"
    prompt: str = ""
    shots: tuple[ShotRow, ...] = (ShotRow(),)
    negative_prompt: str = ""
    duration: int = 5
    aspect_ratio: str = "16:9"
    cfg_scale: float = 0.5
    audio: bool = False
    audio_description: str = ""
    seed: int | None = None
    identity_anchor: bool = True
    start_image_url: str | None = None
    end_image_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def endpoint(self) -> Endpoint:
        return endpoint(self.tier, self.mode)


def shots_total(shots: tuple[ShotRow, ...]) -> int:
    """The seconds the shots add up to."""
    return sum(s.seconds for s in shots)


def _with_audio_text(text: str, description: str) -> str:
    description = description.strip()
    if not description:
        return text
    sep = "" if not text.strip() else (" " if text.rstrip().endswith((".", "!", "?")) else ". ")
    return f"{text.rstrip()}{sep}Audio: {description.rstrip('.')}."


def form_to_request(form: Form) -> tuple[Endpoint, GenerationRequest]:
    """The endpoint and request the form describes. Settings the endpoint does not offer
    (aspect ratio on image-to-video, seed, end image on text-to-video) are left out, since the
    form hides them; validation reports anything still wrong."""
    ep = form.endpoint
    i2v = ep.mode.needs_start_image
    audio_text = form.audio_description if form.audio else ""
    if form.prompt_mode == "shots":
        rows = list(form.shots)
        if rows and audio_text and not rows[0].audio_cue.strip():
            rows[0] = replace(rows[0], audio_cue=audio_text)
        shots = tuple(Shot(r.text, int(r.seconds), r.camera, r.audio_cue) for r in rows)
        prompt = ""
    else:
        shots = ()
        prompt = _with_audio_text(form.prompt, audio_text)
    request = GenerationRequest(
        prompt=prompt,
        shots=shots,
        negative_prompt=form.negative_prompt.strip(),
        duration=int(form.duration),
        aspect_ratio=form.aspect_ratio if field_for("aspect_ratio", ep) else None,
        cfg_scale=float(form.cfg_scale),
        audio=bool(form.audio),
        seed=form.seed if field_for("seed", ep) else None,
        start_image_url=(form.start_image_url or None) if i2v else None,
        end_image_url=(form.end_image_url or None) if i2v else None,
        identity_anchor=bool(form.identity_anchor) and i2v,
    )
    return ep, request


def request_to_form(model_id: str, request: GenerationRequest) -> Form:
    """A form that reproduces a request (for "reuse settings" and recipes)."""
    parts = model_id.strip("/").split("/")
    tier, mode = parts[-2], parts[-1]
    shots = tuple(ShotRow(s.prompt, s.duration, s.camera, s.audio_cue) for s in request.shots)
    return Form(
        tier=tier,
        mode=mode,
        prompt_mode="shots" if shots else "single",
        prompt=request.prompt,
        shots=shots or (ShotRow(),),
        negative_prompt=request.negative_prompt,
        duration=request.total_duration or 5,
        aspect_ratio=request.aspect_ratio or "16:9",
        cfg_scale=request.cfg_scale if request.cfg_scale is not None else 0.5,
        audio=request.audio_on,
        seed=request.seed,
        identity_anchor=request.identity_anchor,
        start_image_url=request.start_image_url,
        end_image_url=request.end_image_url,
    )


def split_seconds(shots: tuple[ShotRow, ...], total: int) -> tuple[ShotRow, ...]:
    """The shots with ``total`` seconds shared out as evenly as whole seconds allow (earlier
    shots get the odd ones), each at least one second; unchanged when they already add up."""
    if not shots or shots_total(shots) == total or total < len(shots):
        return shots
    base, extra = divmod(total, len(shots))
    return tuple(replace(s, seconds=base + (1 if i < extra else 0)) for i, s in enumerate(shots))


def _halve(row: ShotRow) -> tuple[ShotRow, int]:
    """``row`` keeping the larger half of its seconds, and the seconds it gives away (0 for a
    one-second shot, which cannot be shared)."""
    given = row.seconds // 2
    return replace(row, seconds=row.seconds - given), given


def add_shot(shots: tuple[ShotRow, ...]) -> tuple[ShotRow, ...]:
    """One more empty shot at the end (at most LIMITS.max_shots), taking half of the longest
    shot's seconds, so the shots still add up to the clip (a one-second new shot when every
    shot is one second long)."""
    if len(shots) >= LIMITS.max_shots:
        return shots
    if not shots:
        return (ShotRow(),)
    longest = max(range(len(shots)), key=lambda i: (shots[i].seconds, i))
    kept, given = _halve(shots[longest])
    if not given:
        return shots + (ShotRow(seconds=1),)
    return shots[:longest] + (kept,) + shots[longest + 1 :] + (ShotRow(seconds=given),)


def remove_shot(shots: tuple[ShotRow, ...], index: int) -> tuple[ShotRow, ...]:
    """Without shot ``index`` (0-based), its seconds going to the shot before it (or after it,
    for the first), so the total is kept; the last shot is kept, emptied."""
    if not 0 <= index < len(shots):
        return shots
    rest = list(shots[:index] + shots[index + 1 :])
    if not rest:
        return (ShotRow(seconds=shots[index].seconds),)
    heir = index - 1 if index > 0 else 0
    rest[heir] = replace(rest[heir], seconds=rest[heir].seconds + shots[index].seconds)
    return tuple(rest)


def duplicate_shot(shots: tuple[ShotRow, ...], index: int) -> tuple[ShotRow, ...]:
    """A copy of shot ``index`` right after it (when there is room), the two sharing its
    seconds (a one-second shot's copy adds a second)."""
    if not 0 <= index < len(shots) or len(shots) >= LIMITS.max_shots:
        return shots
    kept, given = _halve(shots[index])
    copy = replace(kept, seconds=given or 1)
    return shots[:index] + (kept, copy) + shots[index + 1 :]


def move_shot(shots: tuple[ShotRow, ...], index: int, step: int) -> tuple[ShotRow, ...]:
    """Shot ``index`` moved up (step -1) or down (+1); unchanged at the ends."""
    target = index + step
    if not (0 <= index < len(shots) and 0 <= target < len(shots)):
        return shots
    items = list(shots)
    items[index], items[target] = items[target], items[index]
    return tuple(items)


def with_camera(text: str, camera: str) -> str:
    """A shot's camera field with a chip's move added (once), comma-separated."""
    moves = [m.strip() for m in text.split(",") if m.strip()] if text.strip() else []
    chip_words = [w.strip() for w in camera.split(",") if w.strip()]
    for word in chip_words:
        if word not in moves:
            moves.append(word)
    return ", ".join(moves)


def parse_script(text: str) -> tuple[Shot, ...]:
    """Shots from a script, one per line: ``seconds | camera | what happens`` (camera optional).

    Blank lines and lines starting with ``#`` are skipped; problems name the line.
    """
    from studio.domain.bounds import MAX_STORYBOARD_SHOTS as MAX_SCRIPT_SHOTS
    from studio.errors import Problem, ValidationError

    shots: list[Shot] = []
    problems: list[Problem] = []
    lines = text.splitlines()
    if len(lines) > 4 * MAX_SCRIPT_SHOTS:
        raise ValidationError([Problem("script", f"has {len(lines):,} lines; a storyboard holds at most {MAX_SCRIPT_SHOTS} shots")])
    for number, line in enumerate(lines, 1):
        if len(problems) >= 20:  # enough to fix; the rest is not read
            break
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2:
            problems.append(Problem(f"script line {number}", "write it as: seconds | camera | what happens"))
            continue
        seconds_text, rest = parts[0].rstrip("s").strip(), parts[1:]
        if not (seconds_text.isascii() and seconds_text.isdigit()) or len(seconds_text) > 4 or int(seconds_text) < 1:
            problems.append(Problem(f"script line {number}", f"{parts[0][:20]!r} is not a whole number of seconds"))
            continue
        camera, action = (rest[0], " | ".join(rest[1:])) if len(rest) > 1 else ("", rest[0])
        if not action:
            problems.append(Problem(f"script line {number}", "says nothing about what happens"))
            continue
        shots.append(Shot(action, int(seconds_text), camera))
    if len(shots) > MAX_SCRIPT_SHOTS:
        problems.append(Problem("script", f"has {len(shots)} shots; a storyboard holds at most {MAX_SCRIPT_SHOTS} ({len(shots) - MAX_SCRIPT_SHOTS} too many)"))
    if problems:
        raise ValidationError(problems)
    return tuple(shots)
