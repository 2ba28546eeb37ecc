"""Email delivery: the outbox row, the mail server down and back, at most once, digests."""

from __future__ import annotations

import datetime
import socket

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone

from factcheck.notifications import delivery, services
from factcheck.notifications.models import EmailChoice, EmailState, Kind, Notification
from factcheck.notifications.tasks import send_notification_email, sweep_notification_emails

from ..factories import ClaimFactory

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A loopback port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 2


def notify(user, key="audit:1", **kw):
    [row] = services.notifications_create(
        recipients=[user],
        kind=Kind.ASSIGNED,
        key=key,
        text=kw.get("text", "eddie assigned you the claim “Inflation doubled.”"),
        url="/claims/1/",
        claim=kw.get("claim"),
    )
    return row


def test_mail_server_down_then_back_sends_once(checker, settings, mail_server_down, eager):
    note = notify(checker)
    now = timezone.now()
    wait = delivery.email_send(notification_id=note.pk, now=now)
    assert wait == datetime.timedelta(seconds=60)
    note.refresh_from_db()
    assert note.email_state == EmailState.PENDING and note.email_attempts == 1
    assert "ConnectionRefusedError" in note.email_error and note.email_next_at == now + wait
    # The task retries itself (Celery) with the row's backoff: 2 minutes after the second failure.
    with pytest.raises(Retry):
        send_notification_email.run(note.pk)
    note.refresh_from_db()
    assert note.email_attempts == 2 and note.email_state == EmailState.PENDING
    # Not due yet: the sweep leaves it.
    assert delivery.outbox_sweep(now=now + datetime.timedelta(seconds=30))["emails"] == 0
    # The mail server comes back; the beat sweep sends it once, however often it runs.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    later = timezone.now() + datetime.timedelta(minutes=5)
    assert delivery.outbox_sweep(now=later)["emails"] == 1
    assert delivery.outbox_sweep(now=later)["emails"] == 0
    sweep_notification_emails()
    assert delivery.email_send(notification_id=note.pk) is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["carl@newsroom.example"]
    note.refresh_from_db()
    assert note.email_state == EmailState.SENT and note.email_attempts == 3 and note.email_error == ""


def test_a_row_is_mailed_at_most_once_when_two_senders_race(checker, mailoutbox):
    note = notify(checker)
    Notification.objects.filter(pk=note.pk).update(email_state=EmailState.SENDING, email_claimed_at=timezone.now())
    # Another sender holds it: neither this task nor the sweep sends it again.
    assert delivery.email_send(notification_id=note.pk) is None
    assert delivery.outbox_sweep(now=timezone.now() + datetime.timedelta(minutes=5))["freed"] == 0
    assert mailoutbox == []
    # Its sender died: after the lease the row is freed and sent.
    Notification.objects.filter(pk=note.pk).update(email_state=EmailState.PENDING, email_claimed_at=None)
    delivery.email_send(notification_id=note.pk)
    delivery.email_send(notification_id=note.pk)
    assert len(mailoutbox) == 1


def test_a_sender_that_died_is_replaced_after_the_lease(checker, mailoutbox, settings, eager):
    note = notify(checker)
    claimed = timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATIONS_EMAIL_LEASE_SECONDS + 1)
    Notification.objects.filter(pk=note.pk).update(
        email_state=EmailState.SENDING, email_claimed_at=claimed, email_next_at=claimed
    )
    assert delivery.outbox_sweep() == {"freed": 1, "emails": 1, "digests": 0}
    assert len(mailoutbox) == 1


def test_it_gives_up_after_the_maximum_and_says_so(checker, settings, mail_server_down):
    settings.NOTIFICATIONS_EMAIL_MAX_ATTEMPTS = 2
    note = notify(checker)
    assert delivery.email_send(notification_id=note.pk) is not None
    assert delivery.email_send(notification_id=note.pk) is None
    note.refresh_from_db()
    assert note.email_state == EmailState.FAILED and note.email_attempts == 2 and note.email_next_at is None


def test_backoff_doubles_up_to_the_maximum(settings):
    assert [delivery.backoff(n).total_seconds() for n in (1, 2, 3, 7, 8, 30)] == [60, 120, 240, 3600, 3600, 3600]


def test_daily_digest_waits_for_its_hour_then_sends_one_message(checker, settings, mailoutbox, eager):
    settings.NOTIFICATIONS_DIGEST_HOUR = 7
    services.notification_settings_save(user=checker, email=EmailChoice.DAILY)
    claim = ClaimFactory(text="Inflation doubled.")
    for n in range(3):
        notify(checker, key=f"audit:{n}", text=f"eddie did thing {n}", claim=claim)
    rows = Notification.objects.filter(recipient=checker)
    assert {(r.email_state, r.email_digest) for r in rows} == {(EmailState.PENDING, True)}
    assert mailoutbox == []  # nothing per event
    made = datetime.datetime(2026, 1, 10, 8, 0, tzinfo=datetime.UTC)
    rows.update(created_at=made, email_next_at=made + datetime.timedelta(minutes=1))
    # Made after today's 07:00: not in the digest until tomorrow's.
    assert delivery.outbox_sweep(now=made + datetime.timedelta(hours=22, minutes=59))["digests"] == 0
    after_seven = made + datetime.timedelta(hours=23, minutes=1)
    assert delivery.outbox_sweep(now=after_seven)["digests"] == 1
    assert delivery.outbox_sweep(now=after_seven)["digests"] == 0
    [digest] = mailoutbox
    assert digest.subject == "3 notifications from Fact-check desk"
    assert digest.body.startswith("3 notifications since your last digest:")
    assert all(f"eddie did thing {n}" in digest.body for n in range(3))
    assert set(rows.values_list("email_state", flat=True)) == {EmailState.SENT}


def test_digest_subject_is_singular_for_one(checker, mailoutbox):
    services.notification_settings_save(user=checker, email=EmailChoice.DAILY)
    notify(checker)
    delivery.digest_send(user_id=checker.pk)
    assert mailoutbox[0].subject == "1 notification from Fact-check desk"


def test_choosing_no_email_drops_waiting_emails_and_choosing_immediate_sends_the_digests_rows(checker):
    services.notification_settings_save(user=checker, email=EmailChoice.DAILY)
    waiting = notify(checker)
    services.notification_settings_save(user=checker, email=EmailChoice.IMMEDIATE)
    waiting.refresh_from_db()
    assert waiting.email_state == EmailState.PENDING and not waiting.email_digest
    services.notification_settings_save(user=checker, email=EmailChoice.NONE)
    waiting.refresh_from_db()
    assert waiting.email_state == EmailState.NONE
