"""The webhook pages: administrators only (404 before 403), the secret shown once and not
cached, bad input named, SSRF refused with the reason, replay and test buttons."""

from __future__ import annotations

import pytest
from django.urls import reverse

from factcheck.audit.models import AuditEvent
from factcheck.core.errors import NotAllowed
from factcheck.webhooks import services
from factcheck.webhooks.models import Attempt, Delivery, Endpoint, EventType

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(receiver, admin_user) -> Endpoint:
    return services.endpoint_create(actor=admin_user, url=receiver.url, events=[EventType.CLAIM_SUBMITTED]).endpoint


def test_registering_shows_the_secret_once(client, admin_user, receiver):
    client.force_login(admin_user)
    response = client.post(
        reverse("webhooks:create"),
        {
            "url": receiver.url,
            "description": "CMS",
            "events": ["claim.submitted", "factcheck.published"],
            "active": "on",
        },
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    endpoint = Endpoint.objects.get()
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in response.content.decode()
    assert endpoint.events == ["claim.submitted", "factcheck.published"]
    assert AuditEvent.objects.filter(action="webhook endpoint created", object_id=endpoint.pk).exists()
    page = client.get(endpoint.get_absolute_url()).content.decode()
    assert endpoint.secret not in page and endpoint.secret[:10] in page  # only its start, afterwards


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1:8000/hook", "a loopback address"),
        ("http://10.0.0.5/hook", "a private address"),
        ("http://169.254.169.254/latest/meta-data/", "a cloud metadata address"),
        ("http://[::1]/hook", "a loopback address"),
    ],
)
def test_private_and_metadata_addresses_are_refused(client, admin_user, url, words, settings):
    settings.SOURCES_ALLOWED_TEST_HOSTS = []
    client.force_login(admin_user)
    response = client.post(reverse("webhooks:create"), {"url": url, "events": ["claim.submitted"], "active": "on"})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Endpoint.objects.exists()


def test_bad_input_is_named(client, admin_user, receiver):
    client.force_login(admin_user)
    response = client.post(reverse("webhooks:create"), {"url": "ftp://example.org/x", "events": []})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one event." in text and "http" in text
    with pytest.raises(services.WebhookError, match="Unknown event type: claim.nope"):
        services.endpoint_create(actor=admin_user, url=receiver.url, events=["claim.nope"])


def test_a_delivery_to_an_address_that_became_private_is_refused(receiver, endpoint, claim, settings):
    from .test_delivery import _submit_event

    _submit_event(claim)
    settings.SOURCES_ALLOWED_TEST_HOSTS = []
    assert services.delivery_attempt(delivery_id=Delivery.objects.get().pk) == "pending"
    assert "Refused: 127.0.0.1 resolves to 127.0.0.1, a loopback address" in Attempt.objects.get().error
    assert receiver.received == []


def test_editors_may_not_manage_webhooks(client, editor, endpoint):
    client.force_login(editor)
    assert client.get(reverse("webhooks:list")).status_code == 403
    assert client.get(endpoint.get_absolute_url()).status_code == 403
    assert client.get(reverse("webhooks:endpoint", args=[999999])).status_code == 404
    with pytest.raises(NotAllowed):
        services.endpoint_create(actor=editor, url="https://example.org/", events=["claim.submitted"])


def test_change_switch_off_and_delete(client, admin_user, endpoint, receiver):
    client.force_login(admin_user)
    response = client.post(
        endpoint.get_absolute_url(), {"url": receiver.url, "events": ["link.confirmed"], "description": "Partner"}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.events, endpoint.active, endpoint.description) == (["link.confirmed"], False, "Partner")
    assert client.post(reverse("webhooks:delete", args=[endpoint.pk])).status_code == 302
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()  # not without the tick
    client.post(reverse("webhooks:delete", args=[endpoint.pk]), {"confirm": "yes"})
    assert not Endpoint.objects.filter(pk=endpoint.pk).exists()
    assert AuditEvent.objects.filter(action="webhook endpoint deleted").exists()


def test_test_button_and_replay_button(
    client, admin_user, endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhooks:test", args=[endpoint.pk]))
    delivery = Delivery.objects.get()
    assert response["Location"] == delivery.get_absolute_url()
    assert [r.headers["factcheck-event-type"] for r in receiver.received] == ["webhook.test"]
    page = client.get(delivery.get_absolute_url()).content.decode()
    assert "HTTP 200" in page and delivery.event.event_id in page
    assert client.get(reverse("webhooks:replay", args=[delivery.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhooks:replay", args=[delivery.pk]))
    assert len(receiver.received) == 2
    assert receiver.received[0].headers["factcheck-event-id"] == receiver.received[1].headers["factcheck-event-id"]
    assert AuditEvent.objects.filter(action="webhook delivery replayed", actor=admin_user).count() == 1


def test_the_endpoint_page_lists_deliveries_in_constant_queries(
    client, admin_user, endpoint, claim, django_assert_max_num_queries
):
    from .test_delivery import _submit_event

    for _ in range(5):
        _submit_event(claim)
    client.force_login(admin_user)
    with django_assert_max_num_queries(15):
        response = client.get(endpoint.get_absolute_url())
    assert response.content.decode().count('class="delivery-row') == 5
    assert "Deliveries (5)" in response.content.decode()
    assert client.get(reverse("webhooks:list")).status_code == 200
