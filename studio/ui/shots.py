"""The multi-shot builder: up to six shot rows with add, remove, duplicate, move and camera chips.

The rows always exist (six of each component); a row is shown while its index is below the
shot count. Every edit reads the rows into :class:`~studio.forms.ShotRow` values, applies one
pure function from :mod:`studio.forms`, and writes all rows back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import gradio as gr

from .. import bounds
from ..catalog import LIMITS
from ..errors import StudioError
from ..forms import ShotRow, add_shot, duplicate_shot, move_shot, remove_shot, with_camera
from ..prompts import CAMERA_MOVES
from .i18n import I18N
from .messages import friendly

__all__ = ["ShotBuilder", "build_shots", "rows_from_values", "duration_bar"]

N = LIMITS.max_shots


@dataclass
class ShotBuilder:
    """The builder's components."""

    group: Any
    count: Any
    rows: list[Any]
    texts: list[Any]
    seconds: list[Any]
    cameras: list[Any]
    cues: list[Any]
    chips: list[Any]
    bar: Any
    add: Any

    @property
    def values(self) -> list[Any]:
        """The components holding shot values, in the order ``rows_from_values`` reads them."""
        return [self.count, *self.texts, *self.seconds, *self.cameras, *self.cues]

    @property
    def outputs(self) -> list[Any]:
        return [*self.rows, *self.values]


def rows_from_values(count: Any, texts: list[Any], seconds: list[Any], cameras: list[Any], cues: list[Any]) -> tuple[ShotRow, ...]:
    """The shown rows as values, each bounded and typed before use (ValidationError names the shot)."""
    n = bounds.whole_number(1 if count in (None, "") else count, "shots", 1, N)

    def cell(values: list[Any], i: int) -> Any:
        return values[i] if i < len(values) else None

    return tuple(
        ShotRow(
            bounds.optional_text(cell(texts, i), f"shot {i + 1}"),
            bounds.whole_number(cell(seconds, i) or 1, f"shot {i + 1} seconds", 0, LIMITS.max_duration * 10),
            bounds.optional_text(cell(cameras, i), f"shot {i + 1} camera"),
            bounds.optional_text(cell(cues, i), f"shot {i + 1} sound"),
        )
        for i in range(n)
    )


def _write(rows: tuple[ShotRow, ...]) -> list[Any]:
    padded = list(rows) + [ShotRow()] * (N - len(rows))
    return [
        *(gr.update(visible=i < len(rows)) for i in range(N)),
        len(rows),
        *(r.text for r in padded),
        *(r.seconds for r in padded),
        *(r.camera for r in padded),
        *(r.audio_cue for r in padded),
    ]


def _split(values: tuple[Any, ...]) -> tuple[ShotRow, ...]:
    count, rest = values[0], list(values[1:])
    return rows_from_values(count, rest[0:N], rest[N : 2 * N], rest[2 * N : 3 * N], rest[3 * N : 4 * N])


def duration_bar(rows: tuple[ShotRow, ...], total: int) -> str:
    """A bar of the shots' seconds against the clip's length, and whether they agree."""
    used = sum(r.seconds for r in rows)
    scale = max(used, total, 1)
    segments = "".join(
        f'<div class="shot-seg" style="width:{100 * r.seconds / scale:.2f}%">{i}</div>' for i, r in enumerate(rows, 1)
    )
    ok = used == total
    status = f"{used} s of {total} s" + ("" if ok else (f" — add {total - used} s" if used < total else f" — remove {used - total} s"))
    return (
        f'<div class="shot-bar {"ok" if ok else "off"}" data-ok="{str(ok).lower()}">'
        f'<div class="shot-track">{segments}</div><div class="shot-status">{status}</div></div>'
    )


def _op(fn: Callable[[tuple[ShotRow, ...]], tuple[ShotRow, ...]]) -> Callable[..., list[Any]]:
    def handler(*values: Any) -> list[Any]:
        try:
            return _write(fn(_split(values)))
        except StudioError as exc:
            raise friendly(exc) from None

    return handler


def build_shots() -> ShotBuilder:
    """Lay out the builder (inside the caller's Blocks) and wire its own buttons."""
    rows, texts, seconds, cameras, cues, chips, buttons = [], [], [], [], [], [], []
    with gr.Group(visible=False, elem_id="shots") as group:
        count = gr.Number(value=1, visible="hidden", precision=0, elem_id="shot-count")
        for i in range(N):
            with gr.Row(visible=i == 0, elem_classes=["shot-row"]) as row:
                texts.append(gr.Textbox(label=f"{i + 1}", placeholder="…", scale=5, lines=2, elem_id=f"shot-{i + 1}-text"))
                with gr.Column(scale=2, min_width=160):
                    seconds.append(gr.Slider(1, 15, value=2, step=1, label=I18N("seconds"), elem_id=f"shot-{i + 1}-seconds"))
                    cameras.append(gr.Textbox(label=I18N("camera"), elem_id=f"shot-{i + 1}-camera"))
                    chips.append(gr.Dropdown(list(CAMERA_MOVES), label=I18N("add_camera"), value=None, elem_id=f"shot-{i + 1}-chip"))
                with gr.Column(scale=2, min_width=140):
                    cues.append(gr.Textbox(label=I18N("audio_cue"), elem_id=f"shot-{i + 1}-cue"))
                    with gr.Row():
                        buttons.append(
                            (
                                gr.Button("⧉", size="sm", min_width=30, elem_id=f"shot-{i + 1}-dup"),
                                gr.Button("↑", size="sm", min_width=30, elem_id=f"shot-{i + 1}-up"),
                                gr.Button("↓", size="sm", min_width=30, elem_id=f"shot-{i + 1}-down"),
                                gr.Button("✕", size="sm", min_width=30, elem_id=f"shot-{i + 1}-remove"),
                            )
                        )
            rows.append(row)
        add = gr.Button(I18N("add_shot"), size="sm", elem_id="add-shot")
        bar = gr.HTML(elem_id="shot-bar")
    builder = ShotBuilder(group, count, rows, texts, seconds, cameras, cues, chips, bar, add)
    values, outputs = builder.values, builder.outputs
    add.click(_op(add_shot), values, outputs, api_visibility="private", show_progress="hidden")
    for i, (dup, up, down, remove) in enumerate(buttons):
        dup.click(_op(lambda s, i=i: duplicate_shot(s, i)), values, outputs, api_visibility="private", show_progress="hidden")
        up.click(_op(lambda s, i=i: move_shot(s, i, -1)), values, outputs, api_visibility="private", show_progress="hidden")
        down.click(_op(lambda s, i=i: move_shot(s, i, 1)), values, outputs, api_visibility="private", show_progress="hidden")
        remove.click(_op(lambda s, i=i: remove_shot(s, i)), values, outputs, api_visibility="private", show_progress="hidden")
    for camera, chip in zip(cameras, chips):
        chip.input(
            lambda current, move: (with_camera(current or "", move), None) if move else (gr.skip(), gr.skip()),
            [camera, chip],
            [camera, chip],
            api_visibility="private",
            show_progress="hidden",
        )
    return builder
