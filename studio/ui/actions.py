"""Buttons inside server-rendered HTML (job cards, gallery) → one hidden Gradio event.

A click on any ``[data-action]`` button writes ``"<action>:<job id>"`` into the hidden
``#job-action`` textbox and clicks the hidden ``#job-action-go`` button, whose handler does the
work. One delegated listener on the document serves every card, present and future. A button
with ``data-confirm`` (Delete) sends nothing unless the visitor answers yes to that question.
"""

from __future__ import annotations

__all__ = ["ACTION_HEAD"]

ACTION_HEAD = """
<script>
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const box = document.querySelector("#job-action textarea, #job-action input");
  const go = document.querySelector("#job-action-go");
  if (!box || !go) return;
  if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
  box.value = button.dataset.action + "|" + button.dataset.job;
  box.dispatchEvent(new Event("input", { bubbles: true }));
  button.disabled = true;
  setTimeout(() => { go.click(); }, 30);
  setTimeout(() => { button.disabled = false; }, 3000);
});
</script>
"""
