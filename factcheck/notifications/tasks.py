"""Celery adapters: they take IDs and call the delivery functions, which are idempotent."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from factcheck.celery import TRANSIENT_RETRY
from factcheck.notifications import delivery, services

# Database trouble: Celery's own retries. Mail server trouble: the row records the attempt and
# the task retries itself after the row's backoff; past these retries the beat sweep goes on
# retrying from the row (up to NOTIFICATIONS_EMAIL_MAX_ATTEMPTS), so nothing depends on a
# message staying in Redis.
RETRY = {"acks_late": True, "autoretry_for": (OperationalError, InterfaceError), **TRANSIENT_RETRY}
MAIL_RETRIES = 5


def _again(task, wait) -> None:
    if wait is not None and not task.request.is_eager and task.request.retries < MAIL_RETRIES:
        raise task.retry(countdown=wait.total_seconds(), max_retries=MAIL_RETRIES)


@shared_task(bind=True, **RETRY, soft_time_limit=60, time_limit=90)
def send_notification_email(self, notification_id: int) -> None:
    _again(self, delivery.email_send(notification_id=notification_id))


@shared_task(bind=True, **RETRY, soft_time_limit=60, time_limit=90)
def send_digest(self, user_id: int) -> None:
    _again(self, delivery.digest_send(user_id=user_id))


@shared_task
def sweep_notification_emails() -> dict[str, int]:
    """The beat task: retries undelivered emails and sends the digests that are due."""
    return delivery.outbox_sweep()


@shared_task(acks_late=True)
def prune_notifications() -> dict[str, int]:
    """The daily beat task: delete notifications read more than NOTIFICATIONS_RETENTION_DAYS ago."""
    return services.notifications_prune()
