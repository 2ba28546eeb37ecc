"""Email: one message per notification, or a daily digest, through Django's email backend.

The notification row is the outbox. A sender claims a row with one conditional UPDATE
(pending -> sending, stamped with its start time) before it talks to the mail server, so two
runs of the same task (a re-delivery, the sweep and the task racing) mail a row at most once.
A failure puts the row back to pending with the next try after an exponential backoff and the
error in words; the beat sweep (`outbox_sweep`) re-queues rows whose time has come, sends the
digests that are due, and frees rows whose sender died mid-send (claimed longer ago than
NOTIFICATIONS_EMAIL_LEASE_SECONDS; only then could a message go out twice).
"""

from __future__ import annotations

import datetime
import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import ngettext

from factcheck.notifications.models import EmailState, Notification

log = logging.getLogger(__name__)

# What a mail server that is down or refusing raises (smtplib's errors are OSErrors too).
MAIL_ERRORS: tuple[type[BaseException], ...] = (OSError, smtplib.SMTPException)
# RFC 3834: mail sent by a program, so mail servers and people's rules never auto-reply to it.
HEADERS = {"Auto-Submitted": "auto-generated"}


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the n-th failed attempt: doubling from NOTIFICATIONS_EMAIL_RETRY_SECONDS."""
    first = settings.NOTIFICATIONS_EMAIL_RETRY_SECONDS
    seconds = min(first * 2 ** max(attempts - 1, 0), settings.NOTIFICATIONS_EMAIL_RETRY_MAX_SECONDS)
    return datetime.timedelta(seconds=seconds)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path if path.startswith("/") else path


def _context() -> dict:
    return {
        "newsroom": settings.NEWSROOM_NAME,
        "settings_url": _absolute(reverse("notifications:settings")),
        "list_url": _absolute(reverse("notifications:list")),
    }


def _failed(rows, *, attempts: int, now: datetime.datetime, error: BaseException) -> datetime.timedelta | None:
    """Put claimed rows back to pending with the next try, or give up after the maximum."""
    give_up = attempts >= settings.NOTIFICATIONS_EMAIL_MAX_ATTEMPTS
    wait = backoff(attempts)
    rows.update(
        email_state=EmailState.FAILED if give_up else EmailState.PENDING,
        email_attempts=attempts,
        email_next_at=None if give_up else now + wait,
        email_claimed_at=None,
        email_error=(f"{type(error).__name__}: {error}")[:500],
    )
    log.warning("notification email failed (attempt %s%s): %s", attempts, ", giving up" if give_up else "", error)
    return None if give_up else wait


def _sent(rows, *, now: datetime.datetime) -> int:
    return rows.update(
        email_state=EmailState.SENT,
        email_sent_at=now,
        email_claimed_at=None,
        email_error="",
        email_attempts=F("email_attempts") + 1,
    )


def email_send(*, notification_id: int, now: datetime.datetime | None = None) -> datetime.timedelta | None:
    """Mail one notification if it is still to be mailed on its own.

    Returns the wait before the next try if the mail server failed, else None (sent, sent
    before, or not to be mailed).
    """
    now = now or timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, email_state=EmailState.PENDING, email_digest=False)
    if not claimed.update(email_state=EmailState.SENDING, email_claimed_at=now):
        return None  # sent already, by digest, not mailed, or another sender has it
    ours = Notification.objects.filter(pk=notification_id, email_state=EmailState.SENDING, email_claimed_at=now)
    notification = Notification.objects.select_related("recipient", "actor").filter(pk=notification_id).first()
    if notification is None:
        return None  # deleted meanwhile (its claim or its recipient was)
    address = notification.recipient.email
    if not address or not notification.recipient.is_active:
        ours.update(email_state=EmailState.NONE, email_claimed_at=None, email_error="No email address.")
        return None
    body = render_to_string(
        "notifications/email/notification.txt",
        {**_context(), "notification": notification, "url": _absolute(notification.url)},
    )
    subject = Truncator(notification.text).chars(120)
    message = EmailMessage(subject=subject, body=body, to=[address], headers=HEADERS)
    try:
        message.send()
    except MAIL_ERRORS as exc:
        return _failed(ours, attempts=notification.email_attempts + 1, now=now, error=exc)
    _sent(ours, now=now)
    return None


def digest_cutoff(now: datetime.datetime) -> datetime.datetime:
    """The latest digest time (NOTIFICATIONS_DIGEST_HOUR:00, UTC) at or before `now`."""
    today = now.astimezone(datetime.UTC).replace(
        hour=settings.NOTIFICATIONS_DIGEST_HOUR, minute=0, second=0, microsecond=0
    )
    return today if today <= now else today - datetime.timedelta(days=1)


def digest_send(*, user_id: int, now: datetime.datetime | None = None) -> datetime.timedelta | None:
    """Mail one person's digest: every notification waiting for it, in one message."""
    now = now or timezone.now()
    waiting = Notification.objects.filter(recipient_id=user_id, email_state=EmailState.PENDING, email_digest=True)
    if not waiting.update(email_state=EmailState.SENDING, email_claimed_at=now):
        return None
    ours = Notification.objects.filter(recipient_id=user_id, email_state=EmailState.SENDING, email_claimed_at=now)
    rows = list(ours.select_related("actor").order_by("created_at", "id"))
    if not rows:
        return None  # taken from under us (the lease ran out): the other sender has them
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.email or not user.is_active:
        ours.update(email_state=EmailState.NONE, email_claimed_at=None, email_error="No email address.")
        return None
    count = len(rows)
    subject = ngettext(
        "%(count)s notification from %(newsroom)s",
        "%(count)s notifications from %(newsroom)s",
        count,
    ) % {"count": f"{count:,}", "newsroom": settings.NEWSROOM_NAME}
    items = [{"notification": row, "url": _absolute(row.url)} for row in rows]
    body = render_to_string("notifications/email/digest.txt", {**_context(), "items": items, "count": count})
    try:
        EmailMessage(subject=subject, body=body, to=[user.email], headers=HEADERS).send()
    except MAIL_ERRORS as exc:
        return _failed(ours, attempts=max(row.email_attempts for row in rows) + 1, now=now, error=exc)
    _sent(ours, now=now)
    return None


def outbox_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The beat task's work: free stale claims, re-queue due emails, queue due digests."""
    from factcheck.notifications.services import enqueue_emails
    from factcheck.notifications.tasks import send_digest
    from factcheck.ops.broker import BROKER_ERRORS

    now = now or timezone.now()
    lease = datetime.timedelta(seconds=settings.NOTIFICATIONS_EMAIL_LEASE_SECONDS)
    freed = Notification.objects.filter(email_state=EmailState.SENDING, email_claimed_at__lt=now - lease).update(
        email_state=EmailState.PENDING, email_claimed_at=None
    )
    batch = settings.NOTIFICATIONS_SWEEP_BATCH
    due = Notification.objects.filter(email_state=EmailState.PENDING, email_next_at__lte=now)
    single = list(due.filter(email_digest=False).order_by("email_next_at").values_list("pk", flat=True)[:batch])
    enqueue_emails(single)
    people = list(
        due.filter(email_digest=True, created_at__lt=digest_cutoff(now))
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()[:batch]
    )
    for user_id in people:
        try:
            send_digest.delay(user_id)
        except BROKER_ERRORS as exc:
            log.warning("digests not queued (%s); the next sweep tries again", exc)
            break
    return {"freed": freed, "emails": len(single), "digests": len(people)}
