"""The suite's Chromium itself: a new context loads the page it is asked for and nothing else.

The full Chromium in headless mode (the suite's browser where Debian's headless shell is not
installed) is the whole browser, and it preloads hidden pages for its own address bar in every
new context, each in a renderer of its own; conftest's CHROMIUM_ARGS turn them off. A Chromium
upgrade that renames those features, or a headless shell that gains them, would bring back their
cost to every browser test, silently; this test says so instead, whichever browser runs it.
"""

from __future__ import annotations

from typing import Any


def test_a_new_context_preloads_no_hidden_browser_pages(browser: Any, new_context: Any) -> None:
    page = new_context().new_page()
    page.goto("data:text/html,<p>a page</p>", wait_until="load")
    cdp = browser.new_browser_cdp_session()
    try:
        page.wait_for_timeout(1000)  # the preload, when on, comes within a moment of the context
        targets = cdp.send("Target.getTargets")["targetInfos"]
    finally:
        cdp.detach()
    hidden = sorted(t["url"] for t in targets if not t["url"].startswith("data:"))
    assert hidden == [], f"Chromium preloaded pages no test asked for: {hidden} (see CHROMIUM_ARGS in conftest.py)"
