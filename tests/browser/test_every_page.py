"""Every page of the desk in real Chromium at 1366 px and at 390 px, with axe-core (no serious or
critical violation), no script error, nothing wider than a phone, and a screenshot of each.

"Every page" is not a hand-kept list: the test walks the URL conf (as tests/review/test_access.py
does), fills each URL's parameters from one small desk, and asks the server (one cheap request,
no rendering in the browser) which URLs are pages: a GET answered with a whole HTML document.
Actions (405 for GET), redirects, JSON, stylesheets and fragments are left out. A new page is
therefore checked the day it is added; `MUST_VISIT` makes the walk fail if it ever silently
finds less. Then a few states the URL conf does not name: the reader with every candidate, the
search's other tabs and its bad-input state, a bulk action's summary, the 403, 404 and 500 pages,
the login page.

Cheap by design (the suite is near its time budget): two signed-in browser contexts made from
a Django session cookie (no login form), each page loaded once per width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import Page, expect

from factcheck.api.services import api_token_create
from factcheck.articles.models import ExtractionState
from factcheck.claims.models import CandidateStatus, Workflow
from factcheck.linking.models import LinkState
from factcheck.review.models import SavedFilter
from factcheck.sources.models import FetchedItem, Source

from ..factories import ClaimFactory, ClaimLinkFactory, EvidenceFactory, QuoteFactory, QuoteLinkFactory, rating
from ..review.test_access import _alert_world, _notification, _webhook_rows
from .axe import AXE_JS, axe_violations
from .conftest import PHONE, VIEWPORT
from .helpers import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages the walk must find (the rest it finds by itself): if one is missing, the walk is broken.
MUST_VISIT = {
    "review:dashboard",
    "review:search",
    "review:articles",
    "review:article_submit",
    "review:article",
    "review:claim",
    "review:quote",
    "review:queue_triage",
    "review:queue_drafts",
    "review:queue_approval",
    "review:queue_mine",
    "review:queue_links",
    "review:saved_filters",
    "sources:list",
    "sources:create",
    "sources:edit",
    "api:tokens",
    "publishing:list",
    "publishing:detail",
    "password_change",
    "notifications:list",
    "notifications:settings",
    "webhooks:list",
    "webhooks:endpoint",
    "webhooks:delivery",
    "alerts:list",
    "alerts:detail",
    "ledger:index",
    "ledger:detail",
    "ledger:claimants",
    "ledger:claimant",
}
# Which row of the desk a URL parameter names: by the collection before it in the path.
COLLECTIONS = {
    "articles": "article",
    "claims": "claim",
    "quotes": "quote",
    "links": "claim_link",
    "factchecks": "published",
    "saved": "saved_filter",
    "sources": "source",
    "api-tokens": "token",
    "webhooks": "endpoint",
    "notifications": "notification",
    "alerts": "repeat_alert",
    "ledger": "checked_claim",
    "claimants": "person",
}
BY_PARAMETER = {"claim_pk": "claim", "quote_pk": "quote", "evidence_pk": "evidence", "link_pk": "quote_link"}
BY_ROUTE = {"sources/links/<int:pk>/": "pasted_link"}
BY_ROUTE["webhooks/deliveries/<int:pk>/"] = BY_ROUTE["webhooks/deliveries/<int:pk>/replay/"] = "delivery"
SKIP_NAMESPACES = {"admin"}  # the admin site is Django's own
# Swagger UI (/api/docs/, vendored, for developers) fails axe in its own markup (nested
# interactive controls, colour contrast of its method badges, 19 px targets): not ours to
# rewrite here; see docs/architecture.md, "Accessibility".
# The API's exports (/api/v1/exports/<kind>.<fmt>) are CSV and JSON Lines downloads, not
# pages (tests/exports covers them).
SKIP_ROUTES = {"api:docs", "api:export"}


@dataclass(frozen=True)
class Route:
    name: str
    route: str


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIP_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, route, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name and "^" not in route:  # DRF's regex routes: JSON
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            if name not in SKIP_ROUTES:
                yield Route(name, route)


def _url(route: Route, desk: dict) -> str:
    kwargs = {}
    for parameter in re.findall(r"<(?:\w+:)?(\w+)>", route.route):
        if route.route in BY_ROUTE:
            row = BY_ROUTE[route.route]
        elif parameter in BY_PARAMETER:
            row = BY_PARAMETER[parameter]
        else:
            row = COLLECTIONS[re.search(rf"([\w-]+)/<(?:\w+:)?{parameter}>", route.route).group(1)]
        kwargs[parameter] = desk[row].pk
    return reverse(route.name, kwargs=kwargs)


def _desk(article, claim, quote, walker, checker) -> dict:
    """One row of every kind a page shows, and something in every queue (factories: the sample
    articles' real extraction costs seconds, and tests/browser/test_reader.py covers the reader
    on them)."""
    article.extraction_state = ExtractionState.DONE
    article.save(update_fields=["extraction_state"])
    labelled = {"status": CandidateStatus.ACCEPTED, "verdict_by": checker, "assigned_to": walker}
    drafted = ClaimFactory(text="Prices rose 4% in 2023.", verdict=rating("mostly-true"), **labelled)
    ClaimFactory(text="Unemployment fell to 3%.", workflow=Workflow.IN_REVIEW, verdict=rating("false"), **labelled)
    for n in range(4):  # to triage, and for the bulk action at each width
        ClaimFactory(text=f"Troops took {n + 2}km on Tuesday.", checkworthy=True, score=0.9 - n / 10)
    other = ClaimFactory(text="Troops captured around 2km of the region.", checkworthy=True)
    published = ClaimFactory(labelled=True, workflow=Workflow.PUBLISHED, verdict_by=checker, approved_by=walker)
    return {
        "article": article,
        "claim": drafted,
        "quote": quote,
        "claim_link": ClaimLinkFactory(a=claim, b=other, state=LinkState.SUGGESTED),
        "quote_link": QuoteLinkFactory(a=quote, b=QuoteFactory(text="We are advancing on all fronts")),
        "evidence": EvidenceFactory(claim=drafted),
        "published": published,
        "saved_filter": SavedFilter.objects.create(user=walker, name="Unchecked", query="scope=claims&stage=candidate"),
        "source": Source.objects.create(name="Example feed", url="https://example.org/feed.xml"),
        "pasted_link": FetchedItem.objects.create(key="https://example.org/a", url="https://example.org/a"),
        "token": api_token_create(actor=walker, user=walker, name="CMS import", scopes=["read"]).token,
        "notification": _notification(walker),
        **_webhook_rows(),  # an endpoint and a delivery, as the access matrix makes them
        **_alert_world(other),  # a published check that `other` repeats, and a claimant
    }


def _signed_in(new_tab, live_server, user, viewport: dict) -> Page:
    """A browser context carrying `user`'s session: Django's own login, without the login form."""
    client = Client()
    client.force_login(user)
    tab = new_tab(viewport)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    tab.page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    tab.page.context.add_init_script(path=str(AXE_JS))  # loaded with each page, not sent over per page
    return tab


def _pages(page: Page, desk: dict) -> list[tuple[str, str]]:
    """(name, url) of every URL of the URL conf that is a page for this user."""
    found = []
    for route in _walk(get_resolver().url_patterns):
        url = _url(route, desk)
        response = page.request.get(url, max_redirects=0)
        html = response.status == 200 and response.headers.get("content-type", "").startswith("text/html")
        if html and response.text().lstrip()[:15].lower() == "<!doctype html>":
            found.append((route.name, url))
    return found


def _check(tab, where: str, width: int, problems: list[str]) -> None:
    page = tab.page
    for v in axe_violations(page):
        problems.append(f"{where} at {width} px: axe {v['impact']} {v['id']}: {v['help']} — {'; '.join(v['nodes'])}")
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    if overflow > width:
        problems.append(f"{where} at {width} px: the page is {overflow} px wide")
    if tab.errors:
        problems.append(f"{where} at {width} px: script errors {tab.errors}")
        tab.errors.clear()
    name = re.sub(r"[^a-z0-9]+", "-", where.lower()).strip("-")
    shoot(page, f"every-{name}-{width}", full_page=False)


def test_every_page_passes_axe_at_both_widths(
    new_tab, live_server, admin_user, checker, reporter, article, claim, quote
):
    # The desk's administrator: every page opens for them (webhooks are theirs alone).
    desk = _desk(article, claim, quote, admin_user, checker)
    problems: list[str] = []
    pages: list[tuple[str, str]] = []
    for viewport in (VIEWPORT, PHONE):
        width = viewport["width"]
        tab = _signed_in(new_tab, live_server, admin_user, viewport)
        page = tab.page
        pages = pages or _pages(page, desk)  # asked once: which URLs are pages does not depend on the width
        extra = [
            ("reader, every candidate", reverse("review:article", args=[article.pk]) + "?show=all"),
            ("search, quotes", "/search/?scope=quotes"),
            ("search, articles", "/search/?scope=articles"),
            ("search, bad filters", "/search/?scope=claims&score_min=2&date_from=yesterday"),
            ("triage queue of one article", reverse("review:queue_triage") + f"?article={article.pk}"),
            ("404", "/claims/999999/"),
        ]
        for where, url in pages + extra:
            response = page.goto(url)
            assert response.status in (200, 400, 404), (where, url, response.status)
            if where == "review:article":
                expect(page.locator(f"#cand-claim-{claim.pk}")).to_be_attached()
            elif where == "404":
                expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
            _check(tab, where, width, problems)

        # A bulk action's summary: what was done and what was refused, and why.
        page.goto(reverse("review:queue_triage"))
        page.locator("input.queue-select").nth(0).check()
        page.locator("input.queue-select").nth(1).check()
        page.locator("#bulk-reject").click()
        expect(page.locator("main .alert").first).to_contain_text("2 claims rejected")
        _check(tab, "bulk result", width, problems)

        # The 500 page as the server would send it (no view here fails on purpose).
        page.route("**/__500__/", lambda route: route.fulfill(status=500, body=render_to_string("500.html")))
        page.goto("/__500__/")
        expect(page.get_by_role("heading", name="Something went wrong on our side")).to_be_visible()
        _check(tab, "500", width, problems)

        # The 403 page, as a reporter asking for a page their role does not open.
        rita = _signed_in(new_tab, live_server, reporter, viewport)
        assert rita.page.goto(reverse("sources:create")).status == 403
        expect(rita.page.get_by_role("heading", name="You may not do this")).to_be_visible()
        expect(rita.page.locator("#error-reason")).to_contain_text("Your role may not")
        _check(rita, "403", width, problems)
        # The login page, signed out.
        anonymous = new_tab(viewport)
        anonymous.page.goto(reverse("login"))
        _check(anonymous, "login", width, problems)

    walked = {name for name, _ in pages}
    assert walked >= MUST_VISIT, f"the walk missed {MUST_VISIT - walked}"
    assert not problems, "\n".join(problems)
