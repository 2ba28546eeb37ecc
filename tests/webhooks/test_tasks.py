"""The Celery side: deliveries on their own queue, the beat sweep scheduled, the task a thin
adapter that is idempotent by the claim."""

from __future__ import annotations

import pytest
from django.conf import settings

from factcheck.celery import app
from factcheck.webhooks.models import Delivery, DeliveryState
from factcheck.webhooks.tasks import deliver_webhook, send_due_webhooks

pytestmark = pytest.mark.django_db


def test_deliveries_have_their_own_queue_and_a_beat_sweep():
    for task in (deliver_webhook, send_due_webhooks):
        assert app.amqp.router.route({}, task.name)["queue"].name == "webhooks"
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert send_due_webhooks.name in schedule
    assert "-Q celery,linking,webhooks" in (settings.BASE_DIR / "bin/start").read_text()  # consumed


def test_the_task_delivers_once_and_a_missing_delivery_is_skipped(receiver, admin_user, claim):
    from factcheck.webhooks import services

    from .test_delivery import _submit_event

    services.endpoint_create(actor=admin_user, url=receiver.url, events=["claim.submitted"])
    _submit_event(claim)
    delivery = Delivery.objects.get()
    assert deliver_webhook(delivery.pk) == DeliveryState.DELIVERED
    assert deliver_webhook(delivery.pk) == "skipped"
    assert deliver_webhook(999_999) == "skipped"
    assert send_due_webhooks() == 0
    assert len(receiver.received) == 1
