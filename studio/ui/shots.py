"""The multi-shot builder: up to six shot rows with add, remove, duplicate, move and camera chips.

The rows always exist (six of each component); a row is shown while its index is below the
shot count. Every edit reads the rows into :class:`~studio.domain.forms.ShotRow` values, applies one
pure function from :mod:`studio.domain.forms`, and writes all rows back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import gradio as gr

from studio.domain import bounds
from studio.domain.catalog import LIMITS
from studio.domain.forms import (
    ShotRow,
    add_shot,
    duplicate_shot,
    move_shot,
    remove_shot,
    split_seconds,
    with_camera,
)
from studio.domain.prompts import CAMERA_MOVES
from studio.errors import StudioError
from studio.ui.choices import BLANK
from studio.ui.events import AT_ONCE
from studio.ui.i18n import I18N, t
from studio.ui.messages import friendly

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
    fit: Any

    @property
    def values(self) -> list[Any]:
        """The components holding shot values, in the order ``rows_from_values`` reads them."""
        return [self.count, *self.texts, *self.seconds, *self.cameras, *self.cues]

    @property
    def outputs(self) -> list[Any]:
        """What an edit writes: the rows' visibility, the values, and the add button."""
        return [*self.rows, *self.values, self.add]

    def write(self, rows: tuple[ShotRow, ...]) -> dict[Any, Any]:
        """Every one of :attr:`outputs` for ``rows``, by component: the rows shown, the count,
        each row's fields (the unused rows blank) and the add button, on until the sixth shot."""
        padded = list(rows) + [ShotRow()] * (N - len(rows))
        return {
            **{row: gr.update(visible=i < len(rows)) for i, row in enumerate(self.rows)},
            self.count: len(rows),
            **dict(zip(self.texts, (r.text for r in padded), strict=True)),
            **dict(zip(self.seconds, (r.seconds for r in padded), strict=True)),
            **dict(zip(self.cameras, (r.camera for r in padded), strict=True)),
            **dict(zip(self.cues, (r.audio_cue for r in padded), strict=True)),
            self.add: gr.update(interactive=len(rows) < N),
        }

    def split_evenly(self, duration: Any, *values: Any) -> dict[Any, Any]:
        """The rows (``values``, as :attr:`values` holds them) with the clip length shared out
        evenly: the builder's "share" button, and switching to multi-shot, so the builder never
        opens in an error state."""
        try:
            total = bounds.whole_number(duration, "clip length", LIMITS.min_duration, LIMITS.max_duration)
            return self.write(split_seconds(_split(values), total))
        except StudioError as exc:
            raise friendly(exc) from None


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


def _split(values: tuple[Any, ...]) -> tuple[ShotRow, ...]:
    count, rest = values[0], list(values[1:])
    return rows_from_values(count, rest[0:N], rest[N : 2 * N], rest[2 * N : 3 * N], rest[3 * N : 4 * N])


def duration_bar(rows: tuple[ShotRow, ...], total: int, lang: str = "en") -> str:
    """A bar of the shots' seconds against the clip's length, and whether they agree."""
    used = sum(r.seconds for r in rows)
    scale = max(used, total, 1)
    segments = "".join(
        f'<div class="shot-seg" style="width:{100 * r.seconds / scale:.2f}%">{i}</div>' for i, r in enumerate(rows, 1)
    )
    ok = used == total
    status = t("shots_used", lang).format(used=used, total=total)
    if not ok:
        status += t("shots_add" if used < total else "shots_remove", lang).format(n=abs(total - used))
    if len(rows) >= N:
        status += " · " + t("shots_full", lang)
    return (
        f'<div class="shot-bar {"ok" if ok else "off"}" data-ok="{str(ok).lower()}">'
        f'<div class="shot-track">{segments}</div><div class="shot-status">{status}</div></div>'
    )


def _op(builder: ShotBuilder, fn: Callable[[tuple[ShotRow, ...]], tuple[ShotRow, ...]]) -> Callable[..., dict[Any, Any]]:
    """An edit of the rows as an event function: reads :attr:`ShotBuilder.values`, writes
    :attr:`ShotBuilder.outputs`."""

    def handler(*values: Any) -> dict[Any, Any]:
        try:
            return builder.write(fn(_split(values)))
        except StudioError as exc:
            raise friendly(exc) from None

    return handler


def _visible_rows(count: Any) -> list[Any]:
    """Rows shown for a shot count (a restored draft sets the count alone), and the add
    button, which stays until the sixth shot."""
    try:
        n = bounds.whole_number(1 if count in (None, "") else count, "shots", 1, N)
    except StudioError:
        n = 1
    return [*(gr.update(visible=i < n) for i in range(N)), gr.update(interactive=n < N)]


def build_shots() -> ShotBuilder:
    """Lay out the builder (inside the caller's Blocks) and wire its own buttons.

    Every field has a visible label; the row buttons carry words (and aria labels through
    :data:`ROW_BUTTON_LABELS_JS`), not bare symbols; the six-shot limit is stated.
    """
    rows, texts, seconds, cameras, cues, chips, buttons = [], [], [], [], [], [], []
    with gr.Group(elem_id="shots") as group:  # shown in multi-shot mode (body.shots-mode, style.css)
        gr.Markdown(I18N("shots_limit"), elem_id="shots-limit")
        count = gr.Number(value=1, visible="hidden", precision=0, label=I18N("shot"), elem_id="shot-count")
        for i in range(N):
            with gr.Row(visible=i == 0, elem_classes=["shot-row"], elem_id=f"shot-{i + 1}") as row:
                texts.append(gr.Textbox(label=I18N(f"shot_label_{i + 1}"), placeholder=I18N("shot_placeholder"), scale=5, lines=2, elem_id=f"shot-{i + 1}-text"))
                with gr.Column(scale=2, min_width=160):
                    first = BLANK.duration if i == 0 else ShotRow().seconds  # the first shot fills a blank clip
                    seconds.append(gr.Slider(LIMITS.min_shot_duration, LIMITS.max_duration, value=first, step=1, label=I18N("seconds"), elem_id=f"shot-{i + 1}-seconds"))
                    cameras.append(gr.Textbox(label=I18N("camera"), elem_id=f"shot-{i + 1}-camera"))
                    chips.append(gr.Dropdown(list(CAMERA_MOVES), label=I18N("add_camera"), value=None, elem_id=f"shot-{i + 1}-chip"))
                with gr.Column(scale=2, min_width=140):
                    cues.append(gr.Textbox(label=I18N("audio_cue"), elem_id=f"shot-{i + 1}-cue"))
                    with gr.Row(elem_classes=["shot-buttons"]):
                        buttons.append(
                            (
                                gr.Button(I18N("shot_dup"), size="sm", min_width=60, elem_id=f"shot-{i + 1}-dup"),
                                gr.Button(I18N("shot_up"), size="sm", min_width=60, elem_id=f"shot-{i + 1}-up"),
                                gr.Button(I18N("shot_down"), size="sm", min_width=60, elem_id=f"shot-{i + 1}-down"),
                                gr.Button(I18N("shot_remove"), size="sm", min_width=60, elem_id=f"shot-{i + 1}-remove"),
                            )
                        )
            rows.append(row)
        with gr.Row():
            add = gr.Button(I18N("add_shot"), size="sm", elem_id="add-shot")
            fit = gr.Button(I18N("shots_fit"), size="sm", elem_id="shots-fit")
        bar = gr.HTML(elem_id="shot-bar")
    builder = ShotBuilder(group, count, rows, texts, seconds, cameras, cues, chips, bar, add, fit)
    values, outputs = builder.values, builder.outputs
    # A row edit is pure and quick: answered at once (studio.ui.events).
    add.click(_op(builder, add_shot), values, outputs, **AT_ONCE)
    count.change(_visible_rows, count, [*rows, add], **AT_ONCE)
    for i, (dup, up, down, remove) in enumerate(buttons):
        dup.click(_op(builder, partial(duplicate_shot, index=i)), values, outputs, **AT_ONCE)
        up.click(_op(builder, partial(move_shot, index=i, step=-1)), values, outputs, **AT_ONCE)
        down.click(_op(builder, partial(move_shot, index=i, step=1)), values, outputs, **AT_ONCE)
        remove.click(_op(builder, partial(remove_shot, index=i)), values, outputs, **AT_ONCE)
    for camera, chip in zip(cameras, chips, strict=True):
        chip.input(
            lambda current, move: (with_camera(current or "", move), None) if move else (gr.skip(), gr.skip()),
            [camera, chip],
            [camera, chip],
            **AT_ONCE,
        )
    return builder
