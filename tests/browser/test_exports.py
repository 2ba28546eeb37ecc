"""Exports and the public side in real Chromium: the search page's Export menu downloads
the filtered claims as CSV (Fact-Check Insights columns first), and a published fact-check
page with its feeds, JSON-LD and Open Graph tags raises no CSP violation.
Screenshots: search-export-menu, factcheck-public-meta (see helpers.screenshot_dir)."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from factcheck.claims.models import CandidateStatus, Workflow

from ..factories import ClaimFactory, rating
from .helpers import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_menu_downloads_the_filtered_claims_and_public_page_holds_csp(new_tab, checker):
    published = ClaimFactory(
        text="Unemployment fell to 3 percent last year.",
        outlet="BBC",
        status=CandidateStatus.ACCEPTED,
        workflow=Workflow.PUBLISHED,
        verdict=rating("mostly-true"),
        claimant_text="=cmd|' /C calc'!A0",
    )
    ClaimFactory(text="Ten bridges were destroyed in the region.", status=CandidateStatus.ACCEPTED)
    page = new_tab().page
    log_in(page, checker)
    page.goto("/search/?scope=claims&stage=published")
    page.locator("#export-menu summary").click()
    expect(page.locator("#export-claims-csv")).to_be_visible()
    shoot(page, "search-export-menu", full_page=False)
    with page.expect_download() as info:
        page.locator("#export-claims-csv").click()
    download = info.value
    assert download.suggested_filename.startswith("claims-") and download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))  # noqa: PTH123, SIM115
    assert [r["claimReviewed"] for r in rows] == [published.text]
    assert rows[0]["claimant_text"].startswith("'=")  # defused for the spreadsheet

    public = new_tab().page
    public.goto(published.get_public_url())
    expect(public.locator("#factcheck-claim")).to_have_text(published.text)
    expect(public.locator("link[rel=canonical]")).to_have_count(1)
    expect(public.locator("meta[property='og:title']")).to_have_count(1)
    shoot(public, "factcheck-public-meta")
