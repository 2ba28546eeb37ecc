"""The alert list, one alert beside its check, acknowledging it, the ledger's chart and the
verdict-disagreement warning on approval, in real Chromium (tests/browser's fixtures; no
Content-Security-Policy violation allowed). Screenshots: alerts-*.png."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from factcheck.alerts import services
from factcheck.alerts.models import AlertState, RepeatAlert
from factcheck.claims.models import Workflow
from tests.browser.conftest import CHROMIUM, _migration_data, chromium_session, new_tab  # noqa: F401 (fixtures)
from tests.browser.helpers import log_in, shoot
from tests.factories import ClaimFactory, ClaimLinkFactory, rating

from .conftest import repeat_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent: apt-get install chromium"),
]


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """tests/browser's Chromium for this module only (as tests/sources/test_browser.py explains)."""
    with chromium_session() as chromium:
        yield chromium


def test_an_editor_reads_and_acknowledges_a_repeat_alert_then_approves_despite_a_disagreement(
    new_tab,  # noqa: F811
    editor,
    checker,
    published_check,
    imported_check,
    person,
):
    days = [datetime.date(2024, 8, d) for d in (12, 19, 27)]
    repeats = [
        repeat_of(published_check, outlet=outlet, day=day, claimant=person)
        for outlet, day in zip(("Globe", "Herald", "Globe"), days, strict=True)
    ]
    repeats.append(repeat_of(imported_check, outlet="Evening Post", day=days[1]))
    for claim in repeats:
        services.repeat_alerts_raise(article_id=claim.article_id)
    page = new_tab().page
    log_in(page, editor)
    expect(page.locator("#dash-repeat-alerts")).to_contain_text("4 open repeat alerts")
    page.locator("#dash-repeat-alerts").click()
    expect(page.get_by_role("heading", name="Repeat alerts")).to_be_visible()
    rows = page.locator(".alert-row")
    expect(rows).to_have_count(4)
    expect(page.locator("#alert-table")).to_contain_text("Jane Minister")
    expect(page.locator("#alert-table")).to_contain_text("Check Org")
    shoot(page, "alerts-list")

    first = RepeatAlert.objects.get(claim=repeats[0])
    page.locator(f"#alert-{first.pk}").get_by_role("link").click()
    expect(page.locator("#alert-new")).to_contain_text("Jane Minister")
    expect(page.locator("#alert-checked")).to_contain_text("Mostly true")
    shoot(page, "alerts-detail")
    page.get_by_label("Note (optional)").fill("Asked the Globe for a correction")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".alert-success")).to_contain_text("Alert acknowledged.")
    expect(page.locator(".alert-row")).to_have_count(3)
    assert RepeatAlert.objects.get(pk=first.pk).state == AlertState.ACKNOWLEDGED

    page.goto(f"/ledger/{published_check.pk}/")
    expect(page.locator("#ledger-summary")).to_contain_text("3 later appearances in 2 outlets")
    expect(page.locator("#appearance-chart circle")).to_have_count(3)
    shoot(page, "alerts-ledger-chart")

    # A verdict of "False" on a claim matched to our "Mostly true" check: the approval page says so.
    in_review = ClaimFactory(
        labelled=True,
        text="Unemployment fell to 3.1 per cent in October, a ten-year low.",
        workflow=Workflow.IN_REVIEW,
        verdict=rating("false"),
        verdict_by=checker,
    )
    ClaimLinkFactory(a=in_review, b=published_check)
    page.goto(in_review.get_absolute_url())
    warning = page.locator("#verdict-disagreement")
    expect(warning).to_contain_text("1 matched check carries a different verdict")
    expect(warning).to_contain_text("Mostly true")
    warning.scroll_into_view_if_needed()
    shoot(page, "alerts-disagreement", full_page=False)
    page.get_by_label("Approve anyway").check()
    page.get_by_label("Why this verdict stands").fill("The office revised the figure.")
    page.get_by_role("button", name="Approve anyway").click()
    expect(page.locator(".alert-success")).to_contain_text("Verdict approved.")
    in_review.refresh_from_db()
    assert in_review.workflow == Workflow.APPROVED
