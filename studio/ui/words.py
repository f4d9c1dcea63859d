"""The page's longer server-made words in the visitor's language: tier and mode help, the tier
radio's labels with prices, the banner, the end-frame note. Pure (no Gradio events, no I/O).

English comes from :mod:`studio.domain.catalog` (the English source of the guidance, resolutions and
rates); Chinese from :mod:`studio.ui.i18n` keyed by tier or mode key. Each function takes
``lang`` (``"en"`` or ``"zh"``): handlers pass :func:`~studio.ui.lang.current_lang`, and the
page's initial values wrap a call in :func:`~studio.ui.i18n.bilingual`, e.g.
``gr.Markdown(bilingual(partial(tier_help, "standard")))``.
"""

from __future__ import annotations

import html
import logging
from functools import partial

from gradio.i18n import I18nData

from studio.domain.catalog import MODES, TIERS, Mode, Tier
from studio.ui.i18n import NAMES_ZH, bilingual, t
from studio.ui.translate import message

log = logging.getLogger("studio.ui.words")

__all__ = ["banner", "end_frame_note", "mode_help", "name", "named_choices", "switch_label", "tier_choice_labels", "tier_choices", "tier_help"]


def _tier(key: str) -> Tier:
    for tier in TIERS:
        if tier.key == key:
            return tier
    raise KeyError(f"no tier {key!r}")


def _mode(key: str) -> Mode:
    for mode in MODES:
        if mode.key == key:
            return mode
    raise KeyError(f"no mode {key!r}")


def _resolution(tier: Tier, lang: str) -> str:
    return t(f"res_{tier.key}", lang) if lang == "zh" else tier.resolution


def tier_help(tier: str, lang: str = "en") -> str:
    """Markdown: ``**Pro** (1080p): when to pick it``, in ``lang``; KeyError for an unknown tier."""
    found = _tier(tier)
    guidance = t(f"help_{found.key}", "zh") if lang == "zh" else found.guidance
    separator = "：" if lang == "zh" else ": "
    return f"**{found.label}** ({_resolution(found, lang)}){separator}{guidance}"


def mode_help(mode: str, lang: str = "en") -> str:
    """When to pick a mode, in ``lang``; KeyError for an unknown mode."""
    found = _mode(mode)
    return t(f"help_{found.key}", "zh") if lang == "zh" else found.guidance


def _tier_label(tier: Tier, lang: str) -> str:
    per = t("per_second", lang)
    price = f"${tier.rates.silent}{per}" + ("" if tier.rates.flat else f" · ${tier.rates.audio}{per} {t('with_audio', lang)}")
    if lang == "zh" and not tier.rates.flat:
        price = f"${tier.rates.silent}{per} · {t('with_audio', lang)} ${tier.rates.audio}{per}"
    return f"{tier.label} · {_resolution(tier, lang)} · {price}"


def tier_choices(lang: str = "en") -> list[tuple[str, str]]:
    """The tier radio's choices in ``lang``: (``"Pro · 1080p · $X/s · $Y/s with audio"``, ``"pro"``)."""
    return [(_tier_label(tier, lang), tier.key) for tier in TIERS]


def tier_choice_labels() -> list[tuple[str | I18nData, str]]:
    """The tier radio's choices for the page as it is built: labels the browser's language picks."""
    return [(bilingual(partial(_tier_label, tier)), tier.key) for tier in TIERS]



def name(english: str, lang: str = "en") -> str:
    """A sample prompt's or platform preset's name in ``lang`` (an unknown one as it is, logged)."""
    if lang != "zh":
        return english
    if english not in NAMES_ZH:
        log.debug("no Chinese name for %r", english)
    return NAMES_ZH.get(english, english)


def named_choices(names: list[str]) -> list[tuple[str | I18nData, str]]:
    """Dropdown choices for the page as it is built: each name in the browser's language, the
    English name as the value (what the handlers look up)."""
    return [(bilingual(partial(name, english)), english) for english in names]



def banner(live: bool, lang: str = "en", *, api_base: str | None = None, warning: str | None = None) -> str:
    """The banner's HTML: live (with the API host) or offline, plus a storage warning if any.

    ``warning`` is plain text already in ``lang`` (``studio.ui.space.storage_warning(..., lang=lang)``);
    it is escaped here.
    """
    kind = "live" if live else "offline"
    text = html.escape(t("live_banner" if live else "offline_banner", lang))
    if live and api_base:
        text += f" · {html.escape(api_base)}"
    if warning:
        text += f" · {html.escape(warning)}"
    return f'<div class="banner {kind}" data-live="{str(live).lower()}">{text}</div>'


def end_frame_note(hint: str, lang: str = "en") -> str:
    """The sentence beside a hidden end image (``studio.domain.tier_hints.needs_tier``'s hint), as a sentence."""
    if lang == "zh":
        return message(hint, "zh") + "。"
    return hint[:1].upper() + hint[1:] + "."


def switch_label(tier_label: str, lang: str = "en") -> str:
    """The end-image switch button: ``Switch to Pro``."""
    return t("switch_to", lang).format(tier=tier_label)
