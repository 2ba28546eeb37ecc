"""The API's docs page in real Chromium: Swagger UI from local static files, the document
loaded, "Try it out" answering with the signed-in session, no CSP violation (the new_tab
fixture fails the test on any), and no request leaving the site. Then the token page: create
a token, see it once, and use it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from factcheck.api.models import ApiToken

from ...browser.helpers import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs_page_loads_from_local_files_under_the_csp(new_tab, live_server, reporter):
    tab = new_tab()
    page = tab.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, reporter)
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Fact-check desk API")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    # Open one operation and run it with the session (GET needs no CSRF token).
    page.locator("#operations-articles-articles_list .opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    with page.expect_response(lambda r: "/api/v1/articles/" in r.url) as answer:
        page.get_by_role("button", name="Execute").click()
    assert answer.value.status == 200
    status = page.locator("#operations-articles-articles_list .response-col_status").filter(
        has_text=re.compile(r"^\s*200")
    )
    expect(status.first).to_be_visible()
    shoot(page, "api-docs")
    assert tab.errors == []
    outside = [url for url in requested if not url.startswith(live_server.url) and not url.startswith("data:")]
    assert outside == [], outside
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in url for url in requested)


def test_docs_page_asks_anonymous_visitors_to_log_in(new_tab):
    page = new_tab().page
    page.goto("/api/docs/")
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_create_a_token_in_the_page_and_use_it(new_tab, reporter, live_server):
    tab = new_tab()
    page = tab.page
    log_in(page, reporter)
    page.goto("/accounts/api-tokens/")
    page.get_by_label("Name").fill("CMS import")
    page.get_by_label("Submit: send articles", exact=False).check()
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Your new token").input_value()
    assert secret.startswith("fcd_")
    shoot(page, "api-token-created")
    response = page.request.get(f"{live_server.url}/api/v1/articles/", headers={"Authorization": f"Bearer {secret}"})
    assert response.status == 200
    page.goto("/accounts/api-tokens/")
    expect(page.locator("#token-table")).to_contain_text("CMS import")
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke token CMS import").click()
    expect(page.locator(".alert-success")).to_contain_text("revoked")
    assert ApiToken.objects.get().revoked_at is not None
    assert tab.errors == []
