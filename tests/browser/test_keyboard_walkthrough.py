"""A whole check done from the keyboard alone (issue 12, "keyboard-only walkthrough of a full
check"): no click, no fill, no focus() from the test, only keys, as someone without a mouse works.

A fact-checker logs in, triages in the reader (j, a: accepted, and the focus goes on), comes back
to the claim (k) and opens it (Enter), labels a verdict, cites a source, submits it for review;
an editor logs in, follows the dashboard's "awaiting approval" count to the queue, opens the claim
and approves it. Every step is checked on the page and in the database.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from factcheck.articles.models import ExtractionState
from factcheck.claims.models import CandidateStatus, Claim, Workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 150  # a bound, so that a missing control fails the test instead of looping


def focused(page: Page, selector: str) -> bool:
    return page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the focus is on `selector` (as a keyboard user does), or fail."""
    if focused(page, selector):
        return
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab on {page.url}")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def log_in_by_keyboard(page: Page, user) -> None:
    page.goto("/accounts/login/")  # the username field has the focus
    type_into(page, "#id_username", user.username)
    type_into(page, "#id_password", "pw-" + user.username)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    expect(
        page.get_by_role(
            "link", name=re.compile(rf"^{re.escape(user.username)}\b.*change your password"), include_hidden=True
        )
    ).to_be_attached()  # signed in as `user` (behind the menu button on a phone)


def choose_option(page: Page, selector: str, label: str) -> None:
    """Arrow keys on a closed <select> until `label` is chosen."""
    tab_to(page, selector)
    for _ in range(20):
        if page.evaluate("(s) => document.querySelector(s).selectedOptions[0].text", selector) == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {label!r} in {selector}")


def test_a_full_check_from_the_keyboard(new_tab, checker, editor, article, claim, quote):
    article.extraction_state = ExtractionState.DONE
    article.save(update_fields=["extraction_state"])
    carl = new_tab()
    page = carl.page
    log_in_by_keyboard(page, checker)

    # Triage in the reader: j to the first candidate (the claim), a to accept it; the focus moves on.
    page.goto(article.get_absolute_url())
    expect(page.locator(f"#cand-claim-{claim.pk}")).to_be_attached()
    page.keyboard.press("j")
    expect(page.locator(f"#cand-claim-{claim.pk}")).to_be_focused()
    page.keyboard.press("a")
    expect(page.locator(f"#cand-claim-{claim.pk} .status-badge")).to_contain_text("Accepted")
    expect(page.locator(f"#cand-quote-{quote.pk}")).to_be_focused()
    assert Claim.objects.get(pk=claim.pk).status == CandidateStatus.ACCEPTED
    # k back to the claim, Enter opens it.
    page.keyboard.press("k")
    expect(page.locator(f"#cand-claim-{claim.pk}")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{claim.get_absolute_url()}")

    # The verdict: chosen with the arrow keys, a summary typed, saved with Enter on the button.
    choose_option(page, "#claim-label-form select[name='verdict']", "Mostly true")
    type_into(page, "#claim-label-form textarea[name='summary']", "Close: officials said 2km, the map shows 1.8km.")
    tab_to(page, "#claim-save")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Verdict saved.")).to_be_visible()
    expect(page.locator("#current-verdict")).to_have_text("Mostly true")

    # A source: typed into the evidence form, sent with Enter from its last line field.
    type_into(page, "#evidence-add-form input[name='evidence-url']", "https://example.org/map")
    type_into(page, "#evidence-add-form input[name='evidence-title']", "The front-line map")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Source added.")).to_be_visible()
    expect(page.locator("#evidence-list")).to_contain_text("The front-line map")

    # Submitted for review.
    tab_to(page, "#claim-submit-review")
    page.keyboard.press("Enter")
    expect(page.locator("#claim-workflow")).to_have_text("In review")

    # The editor: the dashboard's count, the approval queue, the claim, Approve.
    desk = new_tab().page
    log_in_by_keyboard(desk, editor)
    tab_to(desk, "#count-approval")
    expect(desk.locator("#count-approval")).to_contain_text("1")
    desk.keyboard.press("Enter")
    desk.wait_for_url("**/queues/approval/")
    tab_to(desk, f"#queue-claim-{claim.pk} a.queue-text")
    desk.keyboard.press("Enter")
    desk.wait_for_url(f"**{claim.get_absolute_url()}")
    tab_to(desk, "#claim-approve")
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("status").filter(has_text="Verdict approved.")).to_be_visible()
    expect(desk.locator("#claim-workflow")).to_have_text("Approved")

    claim.refresh_from_db()
    assert claim.workflow == Workflow.APPROVED and claim.verdict.label == "Mostly true"
    assert (claim.verdict_by, claim.approved_by) == (checker, editor)
    assert claim.evidence.get().title == "The front-line map"
    assert carl.errors == []
