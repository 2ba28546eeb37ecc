"""Webhooks in the admin site: registered through the service (secret shown once), pages
load, replay and rotation as admin actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from factcheck.audit.models import AuditEvent
from factcheck.webhooks import services
from factcheck.webhooks.models import Delivery, Endpoint, EventType

pytestmark = pytest.mark.django_db


def test_admin_registers_through_the_service_and_shows_the_secret_once(client, admin_user, receiver):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:webhooks_endpoint_add"),
        {"url": receiver.url, "description": "Partner", "events": ["factcheck.published"], "active": "on"},
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    endpoint = Endpoint.objects.get()
    assert endpoint.secret in response.content.decode() and "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="webhook endpoint created").count() == 1
    refused = client.post(
        reverse("admin:webhooks_endpoint_add"), {"url": "http://10.1.2.3/x", "events": ["factcheck.published"]}
    )
    assert refused.status_code == 200 and "a private address" in refused.content.decode()
    assert Endpoint.objects.count() == 1


def test_admin_pages_load_and_actions_act(client, admin_user, receiver, claim):
    from .test_delivery import _submit_event

    endpoint = services.endpoint_create(actor=admin_user, url=receiver.url, events=[EventType.CLAIM_SUBMITTED]).endpoint
    _submit_event(claim)
    delivery = Delivery.objects.get()
    services.delivery_attempt(delivery_id=delivery.pk)
    client.force_login(admin_user)
    for name, pk in (("endpoint", endpoint.pk), ("delivery", delivery.pk)):
        assert client.get(reverse(f"admin:webhooks_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:webhooks_{name}_change", args=[pk])).status_code == 200
    client.post(reverse("admin:webhooks_delivery_changelist"), {"action": "replay", "_selected_action": [delivery.pk]})
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.attempts == 0
    old = endpoint.secret
    rotated = client.post(
        reverse("admin:webhooks_endpoint_changelist"), {"action": "rotate_secret", "_selected_action": [endpoint.pk]}
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in rotated.content.decode()
