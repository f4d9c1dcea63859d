"""The gallery's filter bar: tier, kind, words of the prompt, favourites only; 12 cards a page.

:func:`build_gallery_filters` lays out the Gradio components (call it inside the Blocks, above
``#gallery``). Filtering and paging happen in the browser, with no server round trip: each
change runs ``window.klingGallery.apply({...})``, defined by the small script the bar carries
(``js_on_load``), which shows the newest matching cards of ``#gallery`` (by the ``data-tier``,
``data-mode``, ``data-fav`` and ``data-text`` of :mod:`studio.ui.gallery_view`), 12 at a time,
with a "Show more (N left)" button. It watches ``#gallery`` and applies itself again whenever
the server re-renders the gallery.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import gradio as gr

from studio.domain.catalog import TIERS
from studio.ui.events import AT_ONCE
from studio.ui.i18n import I18N, t

__all__ = ["GALLERY_JS", "PAGE_SIZE", "GalleryFilters", "build_gallery_filters"]

PAGE_SIZE = 12

_WORDS = {lang: {"more": t("gallery_more", lang), "none": t("gallery_none", lang)} for lang in ("en", "zh")}

# Runs once per page (js_on_load of the bar's script element).
GALLERY_JS = """
(() => {
  if (window.klingGallery) { window.klingGallery.start(); return; }
  const WORDS = __WORDS__;
  const first = ((navigator.languages && navigator.languages[0]) || navigator.language || "en").toLowerCase();
  const words = WORDS[first.startsWith("zh") ? "zh" : "en"];
  const PAGE = __PAGE__;
  const state = { tier: "all", mode: "all", text: "", fav: false, limit: PAGE };
  let observer = null;
  let watched = null;
  const rank = (card) => parseFloat(card.style.order || "0") || 0;
  const matches = (card) => {
    const d = card.dataset;
    if (state.tier && state.tier !== "all" && d.tier !== state.tier) return false;
    if (state.mode && state.mode !== "all" && d.mode !== state.mode) return false;
    if (state.fav && d.fav !== "1") return false;
    const text = d.text || "";
    return String(state.text || "").toLowerCase().split(/\\s+/).filter(Boolean).every((w) => text.includes(w));
  };
  function apply(options) {
    if (options) {
      for (const key of ["tier", "mode", "text", "fav"]) {
        if (options[key] !== undefined && options[key] !== null) state[key] = options[key];
      }
      state.limit = PAGE;
    }
    const root = document.getElementById("gallery");
    if (!root) return;
    if (watched !== root) {
      if (observer) observer.disconnect();
      observer = new MutationObserver(() => apply());
      observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["style", "data-fav"] });
      watched = root;
    }
    const grid = root.querySelector(".gallery-grid");
    let more = root.querySelector("#gallery-more");
    let none = root.querySelector("#gallery-none");
    const cards = grid ? Array.from(grid.querySelectorAll(".video-card")).sort((a, b) => rank(a) - rank(b)) : [];
    let shown = 0;
    let matching = 0;
    for (const card of cards) {
      const ok = matches(card);
      if (ok) matching += 1;
      const visible = ok && shown < state.limit;
      if (visible) shown += 1;
      const display = visible ? "" : "none";
      if (card.style.display !== display) card.style.display = display;
    }
    const left = matching - shown;
    if (grid && left > 0) {
      if (!more) {
        more = document.createElement("button");
        more.id = "gallery-more";
        more.type = "button";
        more.className = "job-action gallery-more";
        more.addEventListener("click", () => { state.limit += PAGE; apply(); });
        grid.after(more);
      }
      const label = words.more.replace("{n}", String(left));
      if (more.textContent !== label) more.textContent = label;
    } else if (more) {
      more.remove();
    }
    if (grid && cards.length && matching === 0) {
      if (!none) {
        none = document.createElement("div");
        none.id = "gallery-none";
        none.className = "empty";
        none.textContent = words.none;
        grid.after(none);
      }
    } else if (none) {
      none.remove();
    }
    observer.takeRecords();  // our own changes are not news
  }
  function start() {
    if (document.getElementById("gallery")) apply();
    else setTimeout(start, 250);
  }
  window.klingGallery = { apply, start, state };
  start();
})();
""".replace("__WORDS__", json.dumps(_WORDS, ensure_ascii=False)).replace("__PAGE__", str(PAGE_SIZE))

# The filter components' change events: in the browser only.
_APPLY_JS = "(tier, mode, text, fav) => { if (window.klingGallery) window.klingGallery.apply({ tier, mode, text, fav }); return []; }"


@dataclass(frozen=True)
class GalleryFilters:
    """The filter bar's components."""

    tier: Any
    mode: Any
    text: Any
    favourites: Any
    script: Any


def build_gallery_filters() -> GalleryFilters:
    """Lay out the filter bar (inside the caller's Blocks) and wire it to the page's script."""
    with gr.Row(elem_id="gallery-filters", equal_height=True):
        tier = gr.Dropdown(
            [(I18N("gallery_all"), "all"), *((t.label, t.key) for t in TIERS)],
            value="all", label=I18N("gallery_tier"), elem_id="gallery-tier", min_width=120,
        )
        mode = gr.Dropdown(
            [(I18N("gallery_all"), "all"), (I18N("t2v"), "text-to-video"), (I18N("i2v"), "image-to-video"), (I18N("gallery_storyboards"), "storyboard")],
            value="all", label=I18N("gallery_mode"), elem_id="gallery-mode", min_width=140,
        )
        text = gr.Textbox(label=I18N("gallery_search"), placeholder=I18N("gallery_search_hint"), elem_id="gallery-search", min_width=160)
        favourites = gr.Checkbox(value=False, label=I18N("gallery_fav_only"), elem_id="gallery-fav", min_width=120)
        script = gr.HTML("", js_on_load=GALLERY_JS, elem_id="gallery-filter-script", visible="hidden")
    inputs: list[Any] = [tier, mode, text, favourites]
    for component in inputs:
        component.change(None, inputs, None, js=_APPLY_JS, **AT_ONCE)
    return GalleryFilters(tier=tier, mode=mode, text=text, favourites=favourites, script=script)
