"""Celery adapters: they take ids and call the webhook services."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from factcheck.celery import TRANSIENT_RETRY
from factcheck.webhooks import services

RETRY = {"acks_late": True, "autoretry_for": (OperationalError, InterfaceError), **TRANSIENT_RETRY}


@shared_task(**RETRY, soft_time_limit=60, time_limit=90)
def deliver_webhook(delivery_id: int) -> str:
    """One attempt of one delivery, if it is due (idempotent: the claim is a conditional UPDATE)."""
    return services.delivery_attempt(delivery_id=delivery_id)


@shared_task
def send_due_webhooks() -> int:
    """The beat task: queue the deliveries whose retry time has come."""
    return services.deliveries_send_due()


@shared_task(acks_late=True)
def prune_webhooks() -> dict[str, int]:
    """The daily beat task: delete the webhook history past WEBHOOKS_RETENTION_DAYS."""
    return services.webhooks_prune()
