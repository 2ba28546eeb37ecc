"""The bell and the list in real Chromium (tests/browser's fixtures): notifications made by the
real services and heard after commit, opened, marked read. Screenshots: notifications-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from factcheck.claims import services as claims
from tests.browser.axe import assert_accessible
from tests.browser.conftest import CHROMIUM, _migration_data, chromium_session, new_tab  # noqa: F401 (fixtures)
from tests.browser.helpers import assert_not_pwned, log_in, shoot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent: apt-get install chromium"),
]


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """tests/browser's Chromium for this module only (as tests/sources/test_browser.py does):
    the async check is lifted while it runs and put back after."""

    with chromium_session() as chromium:
        yield chromium


def test_the_bell_counts_and_the_list_opens_and_marks_read(
    new_tab,  # noqa: F811
    reporter,
    editor,
    checker2,
    claim,
    eager,
    mailoutbox,
):
    claims.comment_add(
        claim=claim, body="@Chloe can you check the 2km figure? <img src=x onerror=window.__pwned=1>", actor=reporter
    )
    claims.claim_assign(claim=claim, assignee=checker2, actor=editor)
    assert len(mailoutbox) == 2  # one email per event (the default choice)
    page = new_tab().page
    log_in(page, checker2)
    bell = page.locator("#notification-bell")
    expect(bell.locator(".notification-count")).to_have_text("2")
    expect(bell).to_contain_text("Notifications: 2 unread")
    bell.click()
    page.wait_for_url(re.compile(r"/notifications/$"))
    items = page.locator("#notification-list .notification")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("eddie assigned you the claim")
    expect(items.nth(1)).to_contain_text("rita mentioned you in a comment")
    expect(items.nth(1).locator(".mention")).to_have_text("@Chloe")
    expect(page.locator("#unread-summary")).to_have_text("2 unread notifications.")
    assert_not_pwned(page)
    assert_accessible(page, "the notification list")
    shoot(page, "notifications-list")
    # Open the mention: it is marked read and leads to the claim's comments.
    items.nth(1).locator(".notification-open").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/#comments$"))
    expect(page.locator("#comments .mention")).to_have_text("@Chloe")
    assert_not_pwned(page)
    expect(page.locator("#notification-bell .notification-count")).to_have_text("1")
    page.locator("#notification-bell").click()
    page.get_by_role("button", name="Mark all 1 read").click()
    expect(page.get_by_role("status").filter(has_text="Marked 1 notification read.")).to_be_visible()
    expect(page.locator("#notification-bell .notification-count")).to_have_count(0)
    expect(page.locator("#notification-list .notification-unread")).to_have_count(0)
    shoot(page, "notifications-read")
