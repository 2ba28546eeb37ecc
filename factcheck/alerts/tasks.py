"""Celery adapters for repeat alerts: they take ids and call services.

Alerts follow link suggestions: when `factcheck.linking.tasks.suggest_links` succeeds, the worker
raises the article's alerts at once (`raise_repeat_alerts(article_id)` is queued only if that
fails). Hooked on Celery's task_postrun so the
linking app needs no change; a beat sweep catches anything missed (a lost message, a link an
editor confirmed later). A link an editor confirms or makes, or the engine auto-confirms, is
heard at once through `audit_committed` (factcheck/audit/signals.py)."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from celery.signals import task_postrun
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from factcheck.alerts import services
from factcheck.audit.signals import audit_committed
from factcheck.celery import TRANSIENT_RETRY
from factcheck.claims.models import Claim

log = logging.getLogger(__name__)

SUGGEST_TASK = "factcheck.linking.tasks.suggest_links"
# A link between claims confirmed or made by an editor, or confirmed by the engine
# (factcheck.linking.services, audited on both claims).
LINK_ACTIONS = frozenset({"link_confirm", "link_create"})


@task_postrun.connect
def after_link_suggestions(sender=None, args=None, kwargs=None, state=None, **_extra) -> None:
    """Right after suggest_links succeeds, in the same worker process: raise the article's alerts
    here rather than queue a task behind the extraction tasks waiting in the same queue (a few
    queries; measured in benchmarks/repeat_alert_latency.py). If that fails, the task (with its
    retries) takes over; if the broker is down too, the sweep."""
    if getattr(sender, "name", "") != SUGGEST_TASK or state != "SUCCESS":
        return
    article_id = args[0] if args else (kwargs or {}).get("article_id")
    if article_id is None:
        return
    try:
        services.repeat_alerts_raise(article_id=int(article_id))
        return
    except Exception:  # noqa: BLE001 - never fail the finished suggestion task; retry as a task
        log.exception("raising repeat alerts for article %s failed; queueing the task", article_id)
    try:
        raise_repeat_alerts.delay(int(article_id))
    except Exception:  # noqa: BLE001 - the broker is down: the sweep raises it later
        log.warning("could not enqueue repeat alerts for article %s; the sweep will", article_id)


@audit_committed.connect
def after_link_decision(sender=None, event=None, **_extra) -> None:
    """An editor (or the engine) confirmed or made a claim link: raise what it makes a repeat, now rather than at
    the next sweep. Quick (one lookup, one enqueue), as audit_committed receivers must be."""
    if event is None or event.action not in LINK_ACTIONS:
        return
    if event.content_type_id != ContentType.objects.get_for_model(Claim).pk:
        return
    article_id = Claim.objects.filter(pk=event.object_id).values_list("article_id", flat=True).first()
    if article_id is not None:
        raise_repeat_alerts.delay(article_id)


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
