"""The Content-Security-Policy in a real browser: inline script is refused, and the
watcher every browser test carries (conftest.new_tab) sees the refusal."""

from __future__ import annotations

from playwright.sync_api import expect


def test_inline_script_is_refused_and_the_watcher_sees_it(new_tab, editor):
    tab = new_tab()
    tab.page.goto("/factchecks/")
    expect(tab.page.locator("h1")).to_be_visible()
    assert tab.csp_violations == []
    tab.page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.__inline_ran = 1";
          document.body.appendChild(s);
          const d = document.createElement("div");
          d.setAttribute("onclick", "window.__handler_ran = 1");
          document.body.appendChild(d);
          d.click();
        }"""
    )
    tab.page.wait_for_timeout(200)
    assert tab.page.evaluate("() => [typeof window.__inline_ran, typeof window.__handler_ran]") == [
        "undefined",
        "undefined",
    ]
    seen = list(tab.csp_violations)
    assert any("script-src" in text for text in seen), seen
    assert any("securitypolicyviolation" in text for text in seen), seen  # the DOM event too
    tab.csp_violations.clear()  # seen and expected: do not fail this test for them


def test_pages_are_styled_under_the_policy(new_tab, editor):
    """Bootstrap and desk.css load (self), so the navbar is dark, not an unstyled list."""
    tab = new_tab()
    tab.page.goto("/accounts/login/")
    colour = tab.page.evaluate("() => getComputedStyle(document.querySelector('nav')).backgroundColor")
    assert colour == "rgb(33, 37, 41)", colour
