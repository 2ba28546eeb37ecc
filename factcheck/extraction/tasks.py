"""Celery adapters: they take IDs and call services."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from factcheck.extraction import services

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
)
def extract_article(self, article_id: int, force: bool = False) -> str:
    return services.extraction_run(article_id=article_id, force=force)


@shared_task
def requeue_stuck_extractions() -> int:
    return services.extraction_requeue_stuck()
