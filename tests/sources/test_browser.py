"""The source pages and the link box in real Chromium (tests/browser's fixtures), against the
loopback HTTP server. The polls and the link's fetch run in the test's thread, as the worker
would run them; the pages show what they did. Screenshots: sources-*.png."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from factcheck.sources import services
from factcheck.sources.models import FetchedItem, Source
from factcheck.sources.tasks import fetch_link
from tests.browser.conftest import CHROMIUM, _migration_data, chromium_session, new_tab  # noqa: F401 (fixtures)
from tests.browser.helpers import log_in, shoot

from .conftest import Reply, rss

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent: apt-get install chromium"),
]


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """tests/browser's Chromium, for this module only: Playwright's loop makes Django's async
    check refuse the ORM, so the check is lifted while the browser runs and put back when this
    module ends (tests/browser's package-scoped fixture would keep it lifted for every test
    after these, as a package it never enters)."""

    with chromium_session() as chromium:
        yield chromium


def test_an_editor_registers_watches_and_switches_off_sources(new_tab, editor, site):  # noqa: F811
    site.routes["/feed.xml"] = Reply(body=rss(site.base, [1, 2]), content_type="application/rss+xml", etag='"1"')
    site.serve_articles([1, 2])
    site.routes["/broken.xml"] = Reply(status=500)
    page = new_tab().page
    log_in(page, editor)
    page.locator("nav").get_by_role("link", name="Sources").click()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    expect(page.locator("#source-table")).to_contain_text("No sources yet.")

    for name, path in (("Example Times", "/feed.xml"), ("Broken Wire", "/broken.xml")):
        page.get_by_role("link", name="Add a source").click()
        page.get_by_label("Name").fill(name)
        page.get_by_label("Address (URL)").fill(site.base + path)
        page.get_by_label("Outlet").fill(name)
        page.get_by_label("Poll every (minutes)").fill("10")
        page.get_by_role("button", name="Add source").click()
        expect(page.locator(".alert-success")).to_contain_text(f"Source “{name}” added")

    for source in Source.objects.all():
        services.source_poll(source_id=source.pk, force=True)  # what the worker does at the next beat
    # The broken one has failed for over a day: the banner the dashboard also shows.
    Source.objects.filter(name="Broken Wire").update(failing_since=timezone.now() - datetime.timedelta(hours=26))
    page.reload()
    good = page.locator(".source-row", has_text="Example Times")
    expect(good.locator("td").nth(5)).to_have_text("2")  # items in the last 24 h
    expect(good).to_contain_text("every 10 min")
    bad = page.locator(".source-row", has_text="Broken Wire")
    expect(bad).to_contain_text("1 failure in a row")
    expect(bad).to_contain_text(f"{site.base}/broken.xml answered HTTP 500 (the server failed).")
    expect(page.locator("#failing-sources")).to_contain_text("1 source failing for a day or more.")
    shoot(page, "sources-list")

    good.get_by_role("link", name="Example Times").click()
    expect(page.locator("#source-items")).to_contain_text("Imported")
    expect(page.locator("#source-health")).to_contain_text("Failures in a row")
    shoot(page, "sources-edit")
    page.get_by_role("link", name="Sources").first.click()

    page.locator(".source-row", has_text="Broken Wire").get_by_role("button", name="Switch off").click()
    expect(page.locator(".alert-success")).to_contain_text("Polling of “Broken Wire” is off.")
    expect(page.locator(".source-row", has_text="Broken Wire")).to_contain_text("○ off")
    expect(page.locator("#failing-sources")).to_have_count(0)  # switched off: no longer an alarm
    assert not Source.objects.get(name="Broken Wire").enabled


def test_a_reporter_pastes_a_link_and_gets_the_article(new_tab, reporter, site):  # noqa: F811
    site.serve_articles([5])
    page = new_tab().page
    log_in(page, reporter)
    page.goto("/articles/new/")
    box = page.locator("#link-box")
    expect(box.get_by_role("heading", name="Paste a link")).to_be_visible()
    shoot(page, "sources-submit-link-box")

    box.get_by_label("Article address (URL)").fill("file:///etc/passwd")
    box.get_by_role("button", name="Fetch article").click()
    expect(page.locator("#link-error")).to_contain_text("Only http:// and https:// web addresses are accepted")
    shoot(page, "sources-link-refused")

    box = page.locator("#link-box")
    box.get_by_label("Article address (URL)").fill(f"{site.base}/news/5")
    box.get_by_role("button", name="Fetch article").click()
    expect(page.get_by_role("heading", name="Fetching the article…")).to_be_visible()
    shoot(page, "sources-link-fetching")
    fetch_link(FetchedItem.objects.get().pk)  # the worker
    # The page polls (static/js/link_wait.js) and, the fetch over, lands on the new article.
    page.wait_for_url(re.compile(r"/articles/\d+/$"), timeout=10_000)
    expect(page.locator("h1")).to_contain_text("Unemployment falls to a ten-year low, story 5")
    expect(page.locator(".alert-success")).to_contain_text("Article fetched")
    shoot(page, "sources-link-article")
