"""The words a job card and a gallery card share: a job's human title, its prompt, its price.

Pure: no Gradio, no I/O. Everything returned is HTML-escaped. A job is named by its tier, mode
and variant ("Pro · Text to video · take 2 of 8"), never by its id; prices read "charged" only
when the studio is live, "would cost" / "would have cost" in the offline preview.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal

from studio.domain.catalog import find_endpoint
from studio.domain.pricing import format_usd
from studio.jobs.journal import JobRecord
from studio.ui.choices import tier_label
from studio.ui.i18n import t

__all__ = ["esc", "mode_name", "price_words", "prompt_text", "summary", "title", "variant_words"]

_TAKE = re.compile(r"take (\d+) of (\d+)")
_PROMPT = re.compile(r"prompt (\w+)")
_TIER = re.compile(r"tier (\w+)")


def esc(text: object) -> str:
    """``text`` escaped for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def mode_name(mode_key: str, lang: str) -> str:
    return t("t2v" if mode_key == "text-to-video" else "i2v", lang)


def variant_words(variant: str, lang: str, *, with_tier: bool = True) -> list[str]:
    """The parts of a variant label ("tier pro · prompt A · take 2 of 8") in ``lang``, unescaped.

    Parts the studio did not write are kept as they are; ``with_tier=False`` drops the tier part
    (for a title that already names the tier).
    """
    words = []
    for part in (p.strip() for p in variant.split("·")):
        if not part:
            continue
        if m := _TAKE.fullmatch(part):
            words.append(t("variant_take", lang).format(n=m[1], m=m[2]))
        elif m := _PROMPT.fullmatch(part):
            words.append(t("variant_prompt", lang).format(x=m[1]))
        elif m := _TIER.fullmatch(part):
            if with_tier:
                words.append(t("variant_tier", lang).format(x=m[1] if lang != "zh" else tier_label(m[1])))
        else:
            words.append(part)
    return words


def _clip_words(record: JobRecord, lang: str) -> list[str]:
    clip, clips = record.meta.get("clip"), record.meta.get("clips")
    if not isinstance(clip, int) or isinstance(clip, bool):
        return []
    if isinstance(clips, int) and not isinstance(clips, bool):
        return [t("storyboard", lang), t("clip_of", lang).format(n=clip + 1, m=clips)]
    return [t("storyboard", lang), t("clip_of", lang).format(n=clip + 1, m="?")]


def title(record: JobRecord, lang: str, *, variant: bool = True) -> str:
    """ "Pro · Text to video · take 2 of 8": tier, mode, then the variant or storyboard clip (escaped)."""
    ep = find_endpoint(record.model_id)
    parts = [ep.tier.label, mode_name(ep.mode.key, lang)] if ep is not None else [record.model_id]
    if variant:
        label = record.meta.get("variant")
        parts += variant_words(label, lang, with_tier=False) if isinstance(label, str) else []
        parts += _clip_words(record, lang)
    return " · ".join(esc(p) for p in parts)


def prompt_text(record: JobRecord) -> str:
    """The job's prompt as written (the shots joined for a multi-shot clip), unescaped."""
    shots = record.request.get("shots")
    if isinstance(shots, list) and shots:
        return " · ".join(
            f"{i}. {s.get('prompt', '')} ({s.get('duration', '?')} s)" if isinstance(s, dict) else str(s)
            for i, s in enumerate(shots, 1)
        )
    return str(record.request.get("prompt", ""))


def summary(record: JobRecord, limit: int = 160) -> str:
    """The prompt, cut to ``limit`` characters, escaped."""
    text = prompt_text(record)
    return esc(text if len(text) <= limit else text[: limit - 1] + "…")


def price_words(amount: Decimal | str, lang: str, *, live: bool, done: bool) -> str:
    """ "charged $0.42" (live, done), "quote $0.42" (live, in flight), "would have cost $0.42"
    (offline, done) or "would cost $0.42" (offline, in flight), escaped."""
    usd = format_usd(Decimal(amount))
    if live:
        return esc(f"{t('charged' if done else 'quote', lang)} {usd}")
    return esc(f"{t('would_have_cost' if done else 'would_cost', lang)} {usd}")
