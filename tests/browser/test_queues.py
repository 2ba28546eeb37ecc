"""The queues in real Chromium, at 1366 px and at a phone's 390 px: from a dashboard count
to its list, a bulk action with its summary, and the suggested-links queue worked from
the keyboard (j/k, c, d) in place. Screenshots go to $SCREENSHOT_DIR."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from factcheck.audit.models import AuditEvent
from factcheck.claims.models import CandidateStatus, Claim
from factcheck.linking.models import ClaimLink, LinkState, QuoteLink

from ..desk import build_desk
from .helpers import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

NO_SIDEWAYS_SCROLL_JS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def fits(page: Page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert page.evaluate(NO_SIDEWAYS_SCROLL_JS), f"{page.url} scrolls sideways: {width}"


@pytest.mark.parametrize("viewport", ["wide", "phone"])
def test_from_a_count_to_its_list_and_a_bulk_action(new_tab, checker, checker2, editor, viewport):
    build_desk(checker, checker2, editor)
    tab = new_tab()
    page = tab.page
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    log_in(page, checker)
    count = page.locator("#count-triage")
    expect(count).to_contain_text("2 check-worthy claims to triage")
    fits(page)
    shoot(page, f"dashboard-{viewport}")

    count.click()
    page.wait_for_url(re.compile(r"/queues/triage/$"))
    items = page.locator("#queue-list li.queue-item")
    expect(items).to_have_count(2)
    expect(page.locator("#tab-triage")).to_have_attribute("aria-current", "page")
    reject = page.locator("#bulk-reject")
    expect(reject).to_be_disabled()  # nothing selected yet
    page.get_by_label("Select all on this page").check()
    expect(page.locator("#selected-count")).to_have_text("2 selected")
    first_pk = int(items.first.get_attribute("id").rsplit("-", 1)[1])
    page.get_by_label(f"Select claim #{first_pk}").uncheck()
    expect(page.locator("#selected-count")).to_have_text("1 selected")
    expect(page.locator("#select-all")).to_have_js_property("indeterminate", True)
    fits(page)
    shoot(page, f"queue-triage-selected-{viewport}")

    reject.click()
    expect(page.locator(".alert")).to_have_text("1 claim rejected.")
    expect(items).to_have_count(1)
    assert Claim.objects.get(pk=first_pk).status == CandidateStatus.CANDIDATE  # left unselected

    # Someone else accepts the last one while the list is open: the bulk action says so.
    remaining = int(items.first.get_attribute("id").rsplit("-", 1)[1])
    from factcheck.claims.services import claim_accept

    claim_accept(claim=Claim.objects.get(pk=remaining), actor=checker2)
    page.get_by_label("Select all on this page").check()
    page.locator("#id_assignee").select_option(label="chloe")
    page.locator("#bulk-assign").click()
    expect(page.locator(".alert")).to_have_text("1 claim assigned to chloe.")  # assignment is not versioned
    page.goto("/queues/triage/")
    expect(page.locator("#queue-empty")).to_be_visible()
    fits(page)
    shoot(page, f"queue-triage-done-{viewport}")


def test_bulk_refusal_is_reported_with_the_reason(new_tab, checker, checker2, editor):
    build_desk(checker, checker2, editor)
    page = new_tab().page
    log_in(page, checker)
    page.goto("/queues/triage/")
    page.get_by_label("Select all on this page").check()
    # Chloe rejects one of them after the list was shown.
    from factcheck.claims.services import claim_reject

    first_pk = int(page.locator("#queue-list li.queue-item").first.get_attribute("id").rsplit("-", 1)[1])
    claim_reject(claim=Claim.objects.get(pk=first_pk), actor=checker2)
    page.locator("#bulk-accept").click()
    alert = page.locator(".alert")
    expect(alert).to_contain_text("1 claim accepted; 1 refused:")
    expect(alert).to_contain_text(f"#{first_pk}")
    expect(alert).to_contain_text("changed by chloe after the list was shown; reload the list to see it as it is now.")
    expect(alert).not_to_contain_text("..")
    shoot(page, "queue-bulk-refused")


@pytest.mark.parametrize("viewport", ["wide", "phone"])
def test_suggested_links_from_the_keyboard(new_tab, checker, checker2, editor, viewport):
    build_desk(checker, checker2, editor)
    tab = new_tab()
    page = tab.page
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    log_in(page, checker)
    page.locator("#count-links").click()
    page.wait_for_url(re.compile(r"/queues/links/$"))
    rows = page.locator("#link-queue li.link-row")
    expect(rows).to_have_count(3)
    expect(page.locator("#queue-shortcuts")).to_contain_text("confirm the link")
    fits(page)
    shoot(page, f"queue-links-{viewport}")

    page.keyboard.press("j")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(rows.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("c")
    expect(rows.nth(0).locator(".link-state")).to_have_text("Confirmed")
    expect(rows.nth(1)).to_be_focused()  # on to the next one
    page.keyboard.press("d")
    expect(rows.nth(1).locator(".link-state")).to_have_text("Dismissed")
    expect(rows.nth(2)).to_be_focused()
    expect(page.locator("#links-status")).to_contain_text("dismissed")
    fits(page)
    shoot(page, f"queue-links-decided-{viewport}")

    def stored(row):
        kind, pk = row.get_attribute("data-kind"), int(row.get_attribute("data-link"))
        return (ClaimLink if kind == "claim" else QuoteLink).objects.get(pk=pk)

    assert stored(rows.nth(0)).state == LinkState.CONFIRMED
    assert stored(rows.nth(1)).state == LinkState.DISMISSED
    assert stored(rows.nth(2)).state == LinkState.SUGGESTED
    assert AuditEvent.objects.filter(action__in=["link_confirm", "link_dismiss"], actor=checker).count() == 4
    # A link decided elsewhere meanwhile: the service's refusal is shown in the row.
    last = stored(rows.nth(2))
    from factcheck.linking.services import link_dismiss

    link_dismiss(link=last, actor=checker2)
    page.keyboard.press("d")
    expect(rows.nth(2).locator(".link-message")).to_have_text("This link is already dismissed.")
    page.reload()
    expect(page.locator("#queue-empty")).to_be_visible()
    assert not tab.errors
