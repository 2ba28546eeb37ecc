"""Celery adapters for cross-linking: they take IDs and call services."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError

from factcheck.linking import embeddings, retrieval, suggest

log = logging.getLogger(__name__)


@worker_process_init.connect
def warm_linking_model(**_kwargs) -> None:
    """Load and warm the MiniLM encoder once in each worker process (after the fork), and read
    the retrieval statistics, so the first suggestion task pays for neither. Off with
    LINK_WARM_WORKER = False (a worker that never runs linking tasks then saves the model's
    memory)."""
    if not settings.LINK_WARM_WORKER or not settings.LINK_EMBEDDINGS:
        return
    from factcheck.linking.engine import embed

    try:
        seconds = embed.warm()
    except Exception:  # noqa: BLE001 - a warm-up failure must not stop the worker; tasks load it on first use
        log.exception("warming the embedding model failed")
        return
    if seconds:
        log.info("linking: embedding model warmed in %.2f s", seconds)
    try:
        retrieval.doc_stats()  # the BM25 statistics, ~2 s on a process's first ranking
    except Exception:  # noqa: BLE001 - as above: the first task computes them instead
        log.exception("warming the retrieval statistics failed")


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


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
)
def embed_claims(self, claim_ids: list[int]) -> int:
    """Compute the vectors of these claims (a batch from an import). Idempotent: a claim
    whose stored vector matches its text is skipped."""
    return embeddings.embeddings_for_ids([int(pk) for pk in claim_ids])
