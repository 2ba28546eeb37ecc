"""Retention: notifications read long ago go (in batches, from beat or `manage.py prune`);
unread ones, and any whose email is still to go out, stay whatever their age."""

from __future__ import annotations

import datetime
from io import StringIO

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from factcheck.notifications.models import EmailState, Kind, Notification
from factcheck.notifications.services import notifications_prune
from factcheck.notifications.tasks import prune_notifications

pytestmark = pytest.mark.django_db

NOW = timezone.now()
OLD = NOW - datetime.timedelta(days=91)
RECENT = NOW - datetime.timedelta(days=89)


def _note(user, key: str, read_at, email_state: str = EmailState.SENT) -> Notification:
    note = Notification.objects.create(
        recipient=user,
        kind=Kind.ASSIGNED,
        key=key,
        text=key,
        url="/",
        read_at=read_at,
        email_state=email_state,
        email_sent_at=OLD if email_state == EmailState.SENT else None,
    )
    Notification.objects.filter(pk=note.pk).update(created_at=OLD)
    return note


@pytest.fixture
def inbox(checker, editor):
    gone = [_note(checker, f"read-{i}", OLD) for i in range(3)] + [_note(editor, "no-email", OLD, EmailState.NONE)]
    kept = [
        _note(checker, "unread", None),  # never read: stays however old
        _note(checker, "read-recently", RECENT),
        _note(editor, "email-pending", OLD, EmailState.PENDING),  # its email is still to go
        _note(editor, "email-sending", OLD, EmailState.SENDING),
    ]
    return gone, kept


def test_prune_deletes_only_notifications_read_long_ago_in_batches(inbox, settings):
    gone, kept = inbox
    settings.RETENTION_BATCH_SIZE = 3  # two batches, the second one short
    assert notifications_prune(now=NOW, dry_run=True) == {"notifications": len(gone)}
    assert Notification.objects.count() == len(gone) + len(kept)

    assert notifications_prune(now=NOW) == {"notifications": len(gone)}
    assert set(Notification.objects.all()) == set(kept)
    assert notifications_prune(now=NOW) == {"notifications": 0}

    settings.NOTIFICATIONS_RETENTION_DAYS = 30  # the recently read one is now old enough
    assert notifications_prune(now=NOW) == {"notifications": 1}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_the_daily_beat_task_and_the_command(inbox):
    schedule = {entry["task"]: entry["schedule"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule[prune_notifications.name] == 86400
    out = StringIO()
    call_command("prune", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        "webhooks (older than 30 days): would delete 0 deliveries, 0 attempts, 0 events",
        "notifications (older than 90 days): would delete 4 notifications",
    ]
    assert Notification.objects.count() == 8
    assert prune_notifications() == {"notifications": 4}
    out = StringIO()
    call_command("prune", "--only", "notifications", stdout=out)
    assert out.getvalue() == "notifications (older than 90 days): deleted 0 notifications\n"


@pytest.mark.django_db(transaction=True)
def test_prune_skips_a_row_another_transaction_holds_instead_of_waiting(checker):
    gone, held = _note(checker, "read-a", OLD), _note(checker, "read-b", OLD)
    params = connection.get_connection_params()
    with psycopg.connect(**params) as other, other.transaction():
        other.execute("SELECT id FROM notifications_notification WHERE id = %s FOR UPDATE", [held.pk])
        with connection.cursor() as cursor:  # were the prune to wait for the lock, fail fast
            cursor.execute("SET statement_timeout = '3s'")
        try:
            assert notifications_prune(now=NOW) == {"notifications": 1}
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
    assert list(Notification.objects.values_list("pk", flat=True)) == [held.pk]
    assert not Notification.objects.filter(pk=gone.pk).exists()
    assert notifications_prune(now=NOW) == {"notifications": 1}  # released: the next run takes it
