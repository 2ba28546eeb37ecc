"""The webhook pages in real Chromium: register an endpoint (the secret shown once), send a
test event to a real receiver, read the delivery and its attempt; no CSP violation (the
new_tab fixture fails the test on any)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from factcheck.webhooks.models import Endpoint

from ...browser.helpers import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_send_a_test_event_and_read_the_delivery(new_tab, admin_user, receiver, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    tab = new_tab()
    page = tab.page
    log_in(page, admin_user)
    page.goto("/webhooks/")
    page.get_by_role("link", name="Register an endpoint").click()
    page.get_by_label("Address (URL)").fill(receiver.url)
    page.get_by_label("Description").fill("CMS live updates")
    page.get_by_label("Fact-check published").check()
    page.get_by_label("Correction issued").check()
    page.get_by_role("button", name="Register endpoint").click()
    secret = page.get_by_label("Signing secret").input_value()
    assert secret == Endpoint.objects.get().secret
    page.get_by_role("link", name="Go to the endpoint and its deliveries").click()
    page.get_by_role("button", name="Send test event").click()
    expect(page.locator("#attempt-table")).to_contain_text("HTTP 200")
    assert [r.headers["factcheck-event-type"] for r in receiver.received] == ["webhook.test"]
    page.get_by_role("link", name="CMS live updates").click()
    expect(page.locator("#delivery-table")).to_contain_text("webhook.test")
    shoot(page, "webhooks-endpoint-deliveries")
    assert tab.errors == []
