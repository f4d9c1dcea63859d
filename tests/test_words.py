"""The page's server-made words in both languages: tier and mode help, tier labels with prices,
the banner, the end-frame note, and values registered for the browser to pick."""

from __future__ import annotations

import re

import pytest

from studio.domain.catalog import MODES, TIERS, endpoint
from studio.domain.tier_hints import needs_tier
from studio.ui import words
from studio.ui.i18n import I18N, TEXT, bilingual, t

CJK = re.compile(r"[\u4e00-\u9fff]")
ALLOWED = {"Standard", "Pro", "4K", "1080p", "3840x2160", "A", "B", "Kling", "RunComfy", "s"}


def english_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*", text) if w not in ALLOWED]


@pytest.mark.parametrize("tier", [t.key for t in TIERS])
def test_tier_help_in_both_languages(tier: str) -> None:
    found = next(x for x in TIERS if x.key == tier)
    assert words.tier_help(tier, "en") == f"**{found.label}** ({found.resolution}): {found.guidance}"
    zh = words.tier_help(tier, "zh")
    assert zh.startswith(f"**{found.label}**") and CJK.search(zh)
    assert english_words(zh) == []


@pytest.mark.parametrize("mode", [m.key for m in MODES])
def test_mode_help_in_both_languages(mode: str) -> None:
    assert words.mode_help(mode, "en") == next(m for m in MODES if m.key == mode).guidance
    zh = words.mode_help(mode, "zh")
    assert CJK.search(zh) and english_words(zh) == []


def test_the_english_help_in_i18n_is_the_catalogs() -> None:
    for item in (*TIERS, *MODES):
        assert TEXT[f"help_{item.key}"][0] == item.guidance


def test_unknown_tier_or_mode_is_refused() -> None:
    with pytest.raises(KeyError):
        words.tier_help("8k", "zh")
    with pytest.raises(KeyError):
        words.mode_help("video-to-video", "en")


def test_tier_choices_carry_the_catalog_prices() -> None:
    en = {v: k for k, v in words.tier_choices("en")}
    zh = {v: k for k, v in words.tier_choices("zh")}
    assert en["pro"] == "Pro · 1080p · $0.112/s · $0.168/s with audio"
    assert en["4k"] == "4K · 3840x2160 · $0.42/s"
    assert zh["pro"] == "Pro · 1080p · $0.112/秒 · 含音频 $0.168/秒"
    assert zh["standard"] == "Standard · 最高 1080p · $0.084/秒 · 含音频 $0.126/秒"
    assert all(english_words(label) == [] for label in zh.values())


def test_labels_for_the_page_are_registered_in_both_languages() -> None:
    for (data, key), (en, _), (zh, _) in zip(words.tier_choice_labels(), words.tier_choices("en"), words.tier_choices("zh"), strict=True):
        i18n_key = data.key
        assert I18N.translations["en"][i18n_key] == en
        assert I18N.translations["zh-CN"][i18n_key] == I18N.translations["zh"][i18n_key] == zh
        assert key in ("standard", "pro", "4k")


def test_bilingual_keys_are_stable_and_distinct() -> None:
    one = bilingual(lambda lang: "a" if lang == "en" else "甲")
    again = bilingual(lambda lang: "a" if lang == "en" else "甲")
    other = bilingual(lambda lang: "b" if lang == "en" else "乙")
    assert one.key == again.key != other.key


def test_banner() -> None:
    offline = words.banner(False, "zh", warning="<b>数据</b>会丢失")
    assert t("offline_banner", "zh") in offline and "&lt;b&gt;" in offline and 'data-live="false"' in offline
    live = words.banner(True, "en", api_base="https://model-api.runcomfy.net")
    assert t("live_banner", "en") in live and "https://model-api.runcomfy.net" in live and 'class="banner live"' in live


def test_end_frame_note_and_switch() -> None:
    ep = endpoint("standard", "image-to-video")
    hint = needs_tier("end_image_url", ep, 5, False)
    assert hint is not None
    assert words.end_frame_note(hint, "en") == hint[0].upper() + hint[1:] + "."
    zh = words.end_frame_note(hint, "zh")
    assert zh.startswith("结束帧需要") and zh.endswith("。") and english_words(zh) == []
    assert words.switch_label("Pro", "zh") == "切换到 Pro" and words.switch_label("Pro", "en") == "Switch to Pro"


def test_sample_and_platform_names_in_chinese() -> None:
    from studio.domain.starters import platforms, starters

    names = [s.name for s in starters()] + [p.name for p in platforms()]
    allowed = ALLOWED | {"Reels", "TikTok", "YouTube"}
    for english in names:
        zh = words.name(english, "zh")
        assert CJK.search(zh), f"no Chinese name for {english!r}"
        assert [w for w in re.findall(r"[A-Za-z]+", zh) if w not in allowed] == []
        assert words.name(english, "en") == english
    for data, value in words.named_choices(names):
        assert I18N.translations["zh-CN"][data.key] == words.name(value, "zh")
