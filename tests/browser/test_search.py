"""The search page in real Chromium: filtering, keeping what was typed, saving, applying,
renaming and deleting a filter at 1366 px; at 390 px (a phone) no sideways scroll, each
result a card with its stage and verdict on screen, the filters folded behind a summary.
Screenshots: search-wide, search-wide-saved, search-saved-filters, search-phone,
search-phone-filters, search-phone-bad-filter (see helpers.screenshot_dir); look at them.

axe-core (when tests/browser/vendor/axe-core/axe.min.js is present, or AXE_JS names a copy)
checks each state for serious or critical violations.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from factcheck.claims.models import CandidateStatus, Workflow
from factcheck.linking.models import LinkState
from factcheck.review.models import SavedFilter

from ..factories import ClaimFactory, ClaimLinkFactory, rating
from .helpers import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
AXE = Path(os.environ.get("AXE_JS") or Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js")
LONG = (
    "The regional statistics office reported that unemployment across the northern districts had "
    "doubled since May, reaching a level not seen since the financial crisis of 2008, officials said."
)


@pytest.fixture
def desk(checker, checker2):
    rows = {
        "review": ClaimFactory(
            text="Inflation reached 9 percent in July.",
            outlet="BBC",
            published=datetime.date(2024, 8, 12),
            score=0.82,
            status=CandidateStatus.ACCEPTED,
            workflow=Workflow.IN_REVIEW,
            verdict=rating("false"),
            assigned_to=checker,
            claimant_text="The finance minister",
        ),
        "long": ClaimFactory(
            text=LONG,
            outlet="Kyiv Independent Evening Edition",
            score=0.91,
            checkworthy=True,
            claimant_text="Officials",
        ),
        "draft": ClaimFactory(
            text="Ten bridges were destroyed in the region.",
            status=CandidateStatus.ACCEPTED,
            assigned_to=checker2,
            score=0.6,
        ),
        "published": ClaimFactory(
            text="Unemployment fell to 3 percent last year.",
            outlet="BBC",
            score=0.75,
            status=CandidateStatus.ACCEPTED,
            workflow=Workflow.PUBLISHED,
            verdict=rating("mostly-true"),
        ),
    }
    ClaimLinkFactory(a=rows["review"], b=rows["draft"], state=LinkState.SUGGESTED)
    return rows


def axe_check(page: Page) -> None:
    if not AXE.exists():
        return  # axe-core not vendored on this branch yet (see the module docstring)
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (a
    # <script> tag would be refused, and reported as a violation).
    page.evaluate(AXE.read_text())
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ': ' + v.help)"
    )
    assert found == [], found


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width} px wide"


def test_filter_save_apply_rename_delete_at_1366(new_tab, checker, desk):
    tab = new_tab()
    page = tab.page
    log_in(page, checker)
    page.goto("/search/")
    form = page.locator("#filter-form")
    expect(form).to_be_visible()  # open on a wide screen
    form.get_by_label("Stage").select_option(label="In review")
    form.get_by_label("Links").select_option(label="Suggested, to confirm")
    form.get_by_label("Assigned to").select_option(label="Me")
    form.get_by_role("button", name="Apply filters").click()
    rows = page.locator("#results tbody tr.result")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Inflation reached 9 percent in July.")
    expect(rows.first.locator(".stage-badge")).to_have_text("In review")
    expect(rows.first.locator("td[data-label='Verdict']")).to_contain_text("False")
    # What was chosen stays chosen, and the summary says what is in use.
    expect(form.get_by_label("Stage")).to_have_value("in_review")
    expect(page.locator("#result-count")).to_contain_text("1 claim matching")
    expect(page.locator("#result-count .filter-chip")).to_have_count(3)
    axe_check(page)
    shoot(page, "search-wide")

    page.locator("#save-filter-form").get_by_label("Name for these filters").fill("My review queue")
    page.locator("#save-filter-form").get_by_role("button", name="Save filters").click()
    expect(page.locator(".alert-success")).to_contain_text("Saved these filters as “My review queue”.")
    expect(page.locator("#saved-filters")).to_contain_text("My review queue")
    shoot(page, "search-wide-saved")

    # From a clean page, one click applies it again.
    page.goto("/search/")
    expect(page.locator("#results tbody tr.result")).to_have_count(4)
    page.locator("#saved-filters").get_by_role("link", name="My review queue").click()
    expect(page.locator("#results tbody tr.result")).to_have_count(1)
    expect(page.locator("#filter-form").get_by_label("Links")).to_have_value("suggested")

    page.get_by_role("link", name="Manage saved filters").click()
    item = page.locator("#saved-filter-list li").first
    item.get_by_label("New name").fill("Awaiting approval, mine")
    item.get_by_role("button", name="Rename").click()
    expect(page.locator(".alert-success")).to_contain_text("Renamed “My review queue” to “Awaiting approval, mine”.")
    axe_check(page)
    shoot(page, "search-saved-filters")
    page.locator("#saved-filter-list").get_by_role("button", name="Delete Awaiting approval, mine").click()
    expect(page.locator(".alert-success")).to_contain_text("Deleted the saved filter")
    assert not SavedFilter.objects.exists()
    assert tab.errors == []


def test_results_fit_a_phone_at_390(new_tab, checker, desk):
    tab = new_tab()
    page = tab.page
    page.set_viewport_size(PHONE)
    log_in(page, checker)
    page.goto("/search/?scope=claims")
    no_sideways_scroll(page)
    # The filters fold away so the results come first; the summary opens them.
    expect(page.locator("#filter-form")).to_be_hidden()
    cards = page.locator("#results tbody tr.result")
    expect(cards).to_have_count(4)
    for i in range(4):
        card = cards.nth(i)
        for label in ("Stage", "Verdict"):
            cell = card.locator(f"td[data-label='{label}']")
            expect(cell).to_be_visible()
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (label, box)
    expect(cards.first.locator("td[data-label='Stage']")).to_contain_text("Candidate")  # the long claim, top score
    axe_check(page)
    shoot(page, "search-phone")

    page.locator("#filter-panel summary").click()
    expect(page.locator("#filter-form")).to_be_visible()
    page.locator("#filter-form").get_by_label("Verdict").select_option(label="Mostly true")
    page.locator("#filter-form").get_by_role("button", name="Apply filters").click()
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Unemployment fell to 3 percent last year.")
    expect(cards.first.locator("td[data-label='Stage']")).to_contain_text("Published")
    no_sideways_scroll(page)
    page.locator("#filter-panel summary").click()
    shoot(page, "search-phone-filters")

    # A malformed date in the address: the reason, the form open, no results, no 500.
    response = page.goto("/search/?scope=claims&date_from=2024-02-31&stage=draft")
    assert response.status == 400
    expect(page.locator("#filter-errors")).to_contain_text("Enter a date as YYYY-MM-DD")
    expect(page.locator("#filter-form")).to_be_visible()
    expect(page.locator("#filter-form").get_by_label("Stage")).to_have_value("draft")
    expect(page.locator("#results tbody tr.result")).to_have_count(0)
    no_sideways_scroll(page)
    shoot(page, "search-phone-bad-filter")
    assert tab.errors == []
