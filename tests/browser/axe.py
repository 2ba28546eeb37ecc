"""axe-core in the browser tests: the vendored engine (vendor/axe-core, see its VERSION.txt),
run over the page as it is now; serious and critical violations fail the test.

Why a vendored file and twenty lines rather than a package (axe-playwright-python): the
engine's version is pinned and reviewed in the repository like any other test fixture, the
tests need no extra Python dependency, and the report is worded for this desk.

The engine is evaluated through the DevTools protocol (page.evaluate), not added as a
<script> element (page.add_script_tag): the desk's Content-Security-Policy refuses inline
scripts, and a refused script would fail the test as a CSP violation (conftest.new_tab).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")

_RUN = """
async () => {
  const result = await axe.run(document, {
    resultTypes: ["violations"],
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " — " + (n.failureSummary || "").split("\\n").join(" ")),
  }));
}
"""


@cache
def _engine() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page, impacts: tuple[str, ...] = FAILING) -> list[dict]:
    """The page's axe-core violations of these impacts."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_engine())
    return [v for v in page.evaluate(_RUN) if v["impact"] in impacts]


def assert_accessible(page: Page, where: str = "") -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    found = axe_violations(page)
    if found:
        lines = [f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in found]
        raise AssertionError(f"axe-core on {where or page.url}:\n" + "\n".join(lines))
