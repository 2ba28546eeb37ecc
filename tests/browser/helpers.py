"""What the browser tests do as a person would: log in, select text, take a screenshot."""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page, expect

# The hostile payloads: if either ever runs, window.__pwned exists.
SCRIPT = "<script>window.__pwned=1</script>"
ATTR = '"><img src=x onerror="window.__pwned=1">'


def screenshot_dir() -> Path:
    raw = os.environ.get("SCREENSHOT_DIR", "").strip()
    path = Path(raw) if raw else settings.BASE_DIR / "artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def shoot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """A PNG of what the browser shows now: the whole page, or (full_page=False) the screen."""
    path = screenshot_dir() / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def log_in(page: Page, user) -> None:
    """Through the login form; the personas' passwords are pw-<username> (tests/conftest.py)."""
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.get_by_label("Username").fill(user.username)
    form.get_by_label("Password").fill("pw-" + user.username)
    form.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(
        page.get_by_role(
            "link", name=re.compile(rf"^{re.escape(user.username)}\b.*change your password"), include_hidden=True
        )
    ).to_be_attached()  # signed in as `user` (behind the menu button on a phone)


def log_out(page: Page) -> None:
    page.locator("nav").get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def pwned(page: Page) -> bool:
    """Did an injected script or handler run?"""
    return page.evaluate("() => typeof window.__pwned !== 'undefined'")


def assert_not_pwned(page: Page) -> None:
    # Let images fail (src=x) and their onerror handlers run before looking.
    page.wait_for_load_state("load")
    page.wait_for_timeout(100)
    assert not pwned(page), f"injected script ran on {page.url}"
    assert page.locator("main img[src='x']").count() == 0, f"an injected <img> was parsed on {page.url}"


_SELECT_JS = """
(needle) => {
  // One Range in the document's selection, as a mouse drag makes, across the <mark>
  // elements of the highlights where need be.
  const root = document.getElementById("article-body");
  const at = root.textContent.indexOf(needle);
  if (at < 0) throw new Error("not in the article: " + needle);
  const end = at + needle.length;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let pos = 0, startNode = null, startOffset = 0, endNode = null, endOffset = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const len = node.data.length;
    if (!startNode && at < pos + len) { startNode = node; startOffset = at - pos; }
    if (end <= pos + len) { endNode = node; endOffset = end - pos; break; }
    pos += len;
  }
  const range = document.createRange();
  range.setStart(startNode, startOffset);
  range.setEnd(endNode, endOffset);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return selection.toString();
}
"""


def select_text(page: Page, needle: str) -> None:
    """Select `needle` in the reader's article text and wait until the reader has taken it."""
    assert page.evaluate(_SELECT_JS, needle) == needle
    preview = needle if len(needle) <= 80 else needle[:80] + "…"
    expect(page.locator("#selection-info")).to_contain_text(f"“{preview}”")


def candidate(page: Page, text: str, *, exact: bool = False):
    """The candidate in the reader's list whose text contains `text` (or is exactly `text`)."""
    pattern = re.compile(f"^“?{re.escape(text)}”?$") if exact else text
    return page.locator("#reader-panels li.cand").filter(has=page.locator(".cand-text", has_text=pattern))
