"""Celery adapters for cross-linking: they take IDs and call services."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from factcheck.linking import suggest


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
)
def suggest_links(self, article_id: int) -> dict[str, int]:
    """Suggest links for an article's claims and quotes. Idempotent: the upsert never
    duplicates a link nor touches one an editor decided, so a re-delivery is harmless."""
    return suggest.suggest_links_for_article(article_id)
