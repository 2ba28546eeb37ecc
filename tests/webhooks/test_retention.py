"""Retention: old delivered webhook history goes (in batches, from beat or `manage.py prune`);
pending, sending and failed deliveries, and anything recent, stay."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from factcheck.webhooks import events as event_types
from factcheck.webhooks.models import Attempt, Delivery, DeliveryState, Endpoint, Event
from factcheck.webhooks.services import webhooks_prune
from factcheck.webhooks.tasks import prune_webhooks

pytestmark = pytest.mark.django_db

NOW = timezone.now()
OLD = NOW - datetime.timedelta(days=31)
RECENT = NOW - datetime.timedelta(days=29)


def _event(name: str, when: datetime.datetime) -> Event:
    event = Event.objects.create(
        event_id=f"evt_{name}",
        type="claim.submitted",
        content_type=event_types.content_type_for("claims.claim"),
        object_id=1,
        occurred_at=when,
    )
    Event.objects.filter(pk=event.pk).update(created_at=when)
    return event


def _delivery(endpoint: Endpoint, event: Event, state: str, when: datetime.datetime, attempts: int = 1) -> Delivery:
    delivery = Delivery.objects.create(
        endpoint=endpoint, event=event, state=state, delivered_at=when if state == DeliveryState.DELIVERED else None
    )
    for number in range(1, attempts + 1):
        Attempt.objects.create(delivery=delivery, number=number, started_at=when, status_code=500)
    return delivery


@pytest.fixture
def history():
    a = Endpoint.objects.create(url="http://127.0.0.1:9/a", secret="s", events=["claim.submitted"])
    b = Endpoint.objects.create(url="http://127.0.0.1:9/b", secret="s", events=["claim.submitted"])
    gone = _event("gone", OLD)  # delivered to both, long ago: goes, with its 3 attempts
    _delivery(a, gone, DeliveryState.DELIVERED, OLD, attempts=2)
    _delivery(b, gone, DeliveryState.DELIVERED, OLD)
    half = _event("half", OLD)  # delivered to one, given up on the other: only the delivered one goes
    _delivery(a, half, DeliveryState.DELIVERED, OLD)
    failed = _delivery(b, half, DeliveryState.FAILED, OLD, attempts=8)
    waiting = _event("waiting", OLD)  # still to be sent (a replay, or a retry): stays
    pending = _delivery(a, waiting, DeliveryState.PENDING, OLD)
    sending = _delivery(b, waiting, DeliveryState.SENDING, OLD)
    recent = _event("recent", RECENT)  # within the retention: stays
    kept = _delivery(a, recent, DeliveryState.DELIVERED, RECENT)
    _event("orphan", OLD)  # its endpoint was deleted (its deliveries with it): goes
    return {"kept_events": {half, waiting, recent}, "kept_deliveries": {failed, pending, sending, kept}, "gone": gone}


def test_prune_deletes_only_old_delivered_history_in_batches_and_a_dry_run_deletes_nothing(history, settings):
    settings.RETENTION_BATCH_SIZE = 1  # every row its own batch: the loop must go on to the end
    before = (Event.objects.count(), Delivery.objects.count(), Attempt.objects.count())
    expected = {"deliveries": 3, "attempts": 4, "events": 2}

    assert webhooks_prune(now=NOW, dry_run=True) == expected
    assert (Event.objects.count(), Delivery.objects.count(), Attempt.objects.count()) == before

    assert webhooks_prune(now=NOW) == expected
    assert set(Event.objects.all()) == history["kept_events"]
    assert set(Delivery.objects.all()) == history["kept_deliveries"]
    assert Attempt.objects.count() == before[2] - 4
    assert not Attempt.objects.filter(delivery__state=DeliveryState.DELIVERED, delivery__delivered_at__lt=OLD)

    # Idempotent: nothing is left to go.
    assert webhooks_prune(now=NOW) == {"deliveries": 0, "attempts": 0, "events": 0}


def test_the_retention_setting_moves_the_cutoff(history, settings):
    settings.WEBHOOKS_RETENTION_DAYS = 60
    assert webhooks_prune(now=NOW) == {"deliveries": 0, "attempts": 0, "events": 0}
    settings.WEBHOOKS_RETENTION_DAYS = 1
    assert webhooks_prune(now=NOW)["deliveries"] == 4  # the recent one too


def test_the_daily_beat_task_and_the_command(history):
    schedule = {entry["task"]: entry["schedule"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule[prune_webhooks.name] == 86400
    out = StringIO()
    call_command("prune", "--dry-run", "--only", "webhooks", stdout=out)
    assert out.getvalue() == "webhooks (older than 30 days): would delete 3 deliveries, 4 attempts, 2 events\n"
    assert Event.objects.count() == 5
    assert prune_webhooks() == {"deliveries": 3, "attempts": 4, "events": 2}
    assert not Event.objects.filter(pk=history["gone"].pk).exists()
