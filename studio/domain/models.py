"""Value types of the studio's domain: a generation request and its shots.

A :class:`GenerationRequest` holds the studio's concepts (prompt or shots, negative prompt,
duration, aspect ratio, cfg scale, audio, seed, start and end image), never wire field names;
:mod:`studio.domain.payload` maps it onto an endpoint's schema. ``None`` means "not set by the user".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

__all__ = ["Shot", "GenerationRequest", "CONCEPTS", "DEFAULT_AUDIO"]

# Audio when the user did not say: off. The skill documents false; RunComfy's schema default
# is true. The studio always sends the value explicitly, so the quote and the bill agree.
DEFAULT_AUDIO = False

# The studio's concept names, in the order problems and forms list them.
CONCEPTS: tuple[str, ...] = (
    "prompt",
    "shots",
    "negative_prompt",
    "duration",
    "aspect_ratio",
    "cfg_scale",
    "audio",
    "seed",
    "shot_type",
    "start_image_url",
    "end_image_url",
    "identity_anchor",
)


@dataclass(frozen=True)
class Shot:
    """One shot of a multi-shot clip: what happens, for how long, and how the camera moves."""

    prompt: str
    duration: int
    camera: str = ""
    audio_cue: str = ""


@dataclass(frozen=True)
class GenerationRequest:
    """What the user asked for, in the studio's vocabulary.

    ``field_names`` remembers which input key the user wrote for each concept (for example
    ``image_url`` rather than ``start_image_url``) so problems name the field as they wrote it.
    """

    prompt: str = ""
    shots: tuple[Shot, ...] = ()
    negative_prompt: str = ""
    duration: int | None = None
    aspect_ratio: str | None = None
    cfg_scale: float | None = None
    audio: bool | None = None
    seed: int | None = None
    shot_type: str | None = None
    start_image_url: str | None = None
    end_image_url: str | None = None
    identity_anchor: bool = False
    field_names: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def name_of(self, concept: str) -> str:
        """The field name to show for a concept: the user's own key if they wrote one."""
        return self.field_names.get(concept, concept)

    @property
    def audio_on(self) -> bool:
        """Whether the clip has audio: the user's choice, else DEFAULT_AUDIO."""
        return DEFAULT_AUDIO if self.audio is None else self.audio

    @property
    def total_duration(self) -> int | None:
        """The clip's length: the explicit duration, else the sum of the shots, else None."""
        if self.duration is not None:
            return self.duration
        if self.shots:
            return sum(s.duration for s in self.shots)
        return None

    def evolve(self, **changes: object) -> GenerationRequest:
        """A copy with some concepts changed."""
        return replace(self, **changes)  # type: ignore[arg-type]
