"""Celery adapters for repeat alerts: they take ids and call services.

Alerts follow link suggestions: when `factcheck.linking.tasks.suggest_links` succeeds (in the
worker), `raise_repeat_alerts(article_id)` is queued. Hooked on Celery's task_postrun so the
linking app needs no change; a beat sweep catches anything missed (a lost message, a link an
editor confirmed later)."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from celery.signals import task_postrun
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from factcheck.alerts import services
from factcheck.celery import TRANSIENT_RETRY

log = logging.getLogger(__name__)

SUGGEST_TASK = "factcheck.linking.tasks.suggest_links"


@task_postrun.connect
def after_link_suggestions(sender=None, args=None, kwargs=None, state=None, **_extra) -> None:
    if getattr(sender, "name", "") != SUGGEST_TASK or state != "SUCCESS":
        return
    article_id = args[0] if args else (kwargs or {}).get("article_id")
    if article_id is None:
        return
    try:
        raise_repeat_alerts.delay(int(article_id))
    except Exception:  # noqa: BLE001 - the broker is down: the sweep raises it later
        log.warning("could not enqueue repeat alerts for article %s; the sweep will", article_id)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    **TRANSIENT_RETRY,
)
def raise_repeat_alerts(self, article_id: int) -> int:
    """Idempotent: the (claim, checked claim) pair is unique, so a re-delivery raises nothing."""
    return len(services.repeat_alerts_raise(article_id=article_id))


@shared_task
def sweep_repeat_alerts() -> int:
    since = timezone.now() - datetime.timedelta(seconds=settings.ALERTS_SWEEP_WINDOW_SECONDS)
    return len(services.repeat_alerts_sweep(since=since))
