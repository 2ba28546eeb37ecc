"""Celery adapters: they take IDs and call services."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from factcheck.celery import TRANSIENT_RETRY
from factcheck.extraction import services

log = logging.getLogger(__name__)


# Transient database or broker trouble: retry with backoff. Retrying is safe because a
# run skips what this extractor version has already done and stores idempotently.
RETRY = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError, ConnectionError),
    **TRANSIENT_RETRY,
}


@shared_task(**RETRY)
def extract_article(self, article_id: int, force: bool = False) -> str:
    return services.extraction_run(article_id=article_id, force=force)


@shared_task(**RETRY)
def extract_articles(self, article_ids: list[int], force: bool = False) -> None:
    """Several articles through the NLP pipeline together (bulk intake, the sweep)."""
    services.extraction_run_many(article_ids=article_ids, force=force)


@shared_task
def requeue_stuck_extractions() -> int:
    """The beat sweep: at most one runs at a time (a lock), spent articles are failed."""
    return services.extraction_requeue_stuck()
