"""The page's own small scripts: the draft kept across reloads, bringing a visitor to what a
gallery button changed, and tooltips for the shot builder's row buttons.

All of it runs in the browser and asks the server for nothing.
"""

from __future__ import annotations

import json

__all__ = ["draft_save_js", "draft_restore_js", "AFTER_ACTION_JS", "PAGE_HEAD", "DRAFT_KEY", "PROMPT_MODE_JS"]

DRAFT_KEY = "kling-studio-draft"


# Set in the page once the restore has read the draft; until then nothing is saved.
_DRAFT_READ = json.dumps(DRAFT_KEY + "-read")


def draft_save_js(names: list[str], positions: list[int]) -> str:
    """The form event's ``js``: save the draft to localStorage on the way to the server.

    It runs in the browser before the form's own server event, with that event's inputs (the
    field called ``names[i]`` at ``positions[i]``), and hands them on unchanged: one event per
    change, not a second one that gathers 40 fields again (bench/README.md, fifth stop). It saves
    nothing until the restore has read the draft: the form's event also fires while the page
    starts, with the fields as they are before the restore."""
    return f"""
(...inputs) => {{
  if (window[{_DRAFT_READ}]) try {{
    localStorage.setItem({json.dumps(DRAFT_KEY)}, JSON.stringify({{keys: {json.dumps(names)}, values: {json.dumps(positions)}.map((i) => inputs[i])}}));
  }} catch (e) {{}}
  return inputs;
}}"""


def draft_restore_js(names: list[str]) -> str:
    """The page load's ``js``: the saved draft for the fields ``names`` (the values as they are
    when nothing was saved, or the form has changed shape since).

    A field whose saved value is missing, of another type or the same as now is left alone
    (Gradio's "no change" update): setting a field to its own value again fires its change
    events, and a page that restored every field kept re-pricing itself without end."""
    keys = json.dumps(names)
    return f"""
(...current) => {{
  const same = current.map(() => ({{__type__: "update"}}));
  setTimeout(() => {{ window[{_DRAFT_READ}] = true; }}, 0);  // once what it returns is on the page
  try {{
    const saved = JSON.parse(localStorage.getItem({json.dumps(DRAFT_KEY)}) || "null");
    if (!saved || !Array.isArray(saved.values) || JSON.stringify(saved.keys) !== JSON.stringify({keys})) return same;
    return saved.values.map((v, i) => (v === null || v === undefined || typeof v !== typeof current[i] && current[i] !== null
      || JSON.stringify(v) === JSON.stringify(current[i])) ? same[i] : v);
  }} catch (e) {{ return same; }}
}}"""


# The prompt box or the shot builder, by the prompt mode: a class on the page (see style.css).
PROMPT_MODE_JS = """(mode) => { document.body.classList.toggle("shots-mode", mode === "shots"); }"""

# After a gallery or job-card button: scroll to the form field it changed and flash it (the
# note beside Generate says what happened).
AFTER_ACTION_JS = """
() => {
  const box = document.querySelector("#job-action textarea, #job-action input");
  const action = box ? box.value.split("|")[0] : "";
  const targets = action === "continue" ? ["#start-image", "#prompt"]
    : action.startsWith("promote:") ? ["#tier", "#cost"]
    : action === "reuse" ? ["#prompt", "#shots", "#tier"] : [];
  // The first target may appear only once the page has applied the change (Continue shows
  // the start image by switching to image-to-video, after the server has cut the last
  // frame): wait for it, up to 8 s (a busy server took more than 2).
  const shown = (s) => { const el = document.querySelector(s); return el && el.offsetParent !== null ? el : null; };
  const started = Date.now();
  const go = () => {
    if (!targets.length) return;
    if (!shown(targets[0]) && Date.now() - started < 8000) return setTimeout(go, 100);
    const found = targets.map(shown).filter(Boolean);
    if (!found.length) return;
    found[0].scrollIntoView({behavior: "smooth", block: "center"});
    for (const el of found) {
      el.classList.remove("studio-flash");
      void el.offsetWidth;
      el.classList.add("studio-flash");
      setTimeout(() => el.classList.remove("studio-flash"), 2600);
    }
  };
  go();
}
"""

# Row buttons of the shot builder say which shot they act on, to a mouse (title) and to a
# screen reader (aria-label); labels follow the page's language.
PAGE_HEAD = """
<script>
(() => {
  const zh = (navigator.language || "").toLowerCase().startsWith("zh");
  const words = zh
    ? {dup: "复制镜头 ", up: "上移镜头 ", down: "下移镜头 ", remove: "删除镜头 "}
    : {dup: "Duplicate shot ", up: "Move up shot ", down: "Move down shot ", remove: "Remove shot "};
  const label = () => {
    for (let n = 1; n <= 6; n++) {
      for (const [key, text] of Object.entries(words)) {
        const el = document.querySelector(`#shot-${n}-${key}`);
        const button = el && (el.tagName === "BUTTON" ? el : el.querySelector("button"));
        if (button && button.title !== text + n) { button.title = text + n; button.setAttribute("aria-label", text + n); }
      }
    }
  };
  new MutationObserver(label).observe(document.documentElement, {childList: true, subtree: true});

  // A number typed beyond a slider's range stays in its box until the box is left (then the
  // slider holds it to the range). Meanwhile the page shows the problem, hides the price and
  // holds Generate: the figure on screen is never for a value that cannot be sent.
  const ranged = {
    duration: zh ? (v, lo, hi) => `片段时长：${v} 秒不可用；Kling 3.0 片段为 ${lo}–${hi} 整秒。`
                 : (v, lo, hi) => `Clip length: ${v} s is not possible; a Kling 3.0 clip is ${lo}–${hi} whole seconds.`,
    takes: zh ? (v, lo, hi) => `生成条数：${v} 不可用；每次点击 ${lo}–${hi} 条。`
              : (v, lo, hi) => `Takes: ${v} is not possible; ${lo}–${hi} per click.`,
  };
  const check = (event) => {
    const box = event.target;
    if (!box || box.type !== "number") return;
    const field = Object.keys(ranged).find((id) => box.closest(`#${id}`));
    if (!field) return;
    const range = box.closest(`#${field}`).querySelector("input[type=range]");
    const lo = Number(range ? range.min : box.min), hi = Number(range ? range.max : box.max);
    const v = Number(box.value);
    const bad = event.type === "input" && box.value !== "" && !(Number.isInteger(v) && v >= lo && v <= hi);
    document.body.classList.toggle(`invalid-${field}`, bad);
    for (const id of [`#${field}-problem`, "#typed-problem"]) {
      const note = document.querySelector(id);
      if (note && bad) note.innerHTML = `<div class="field-problem" role="alert">${ranged[field](box.value, lo, hi)}</div>`;
      else if (note) note.innerHTML = "";
    }
    hold(Object.keys(ranged).some((id) => document.body.classList.contains(`invalid-${id}`)));
  };
  // Generate is really off (a keyboard cannot press it either) while a typed number is out of
  // range; afterwards it goes back to what the server last said.
  const hold = (on) => {
    const button = document.querySelector("#generate");
    if (!button) return;
    if (on && !button.dataset.typedHold) {
      button.dataset.typedHold = button.disabled ? "was-off" : "was-on";
      button.disabled = true;
    } else if (!on && button.dataset.typedHold) {
      button.disabled = button.dataset.typedHold === "was-off";
      delete button.dataset.typedHold;
    }
  };
  document.addEventListener("input", check, true);
  document.addEventListener("change", check, true);
  document.addEventListener("blur", check, true);
})();
</script>
"""
