"""Celery adapters for cross-linking: they take IDs and call services."""

from __future__ import annotations

import logging
import threading

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone

from factcheck.celery import TRANSIENT_RETRY
from factcheck.extraction import services as extraction_services
from factcheck.linking import embeddings, retrieval, suggest

log = logging.getLogger(__name__)


@worker_process_init.connect
def warm_linking_model(**_kwargs) -> None:
    """Load and warm the MiniLM encoder in each worker process (after the fork), in a thread,
    so the first suggestion task does not pay for loading it (nor for reading the
    retrieval statistics). Off with LINK_WARM_WORKER =
    False (a worker that never runs linking tasks then saves the model's memory).

    In a thread because this signal runs before the new pool process reports itself up: a
    warm-up of 26-41 s on a loaded machine there outlasted Celery's alive timeout, so every
    replacement process was killed and the worker could never replace one. Not in the main
    process before the fork: torch's thread pools do not survive a fork. A task that needs
    the encoder first waits for the load the thread started (embed loads under a lock)."""
    if not settings.LINK_WARM_WORKER or not settings.LINK_EMBEDDINGS:
        return
    threading.Thread(target=_warm, name="warm-linking-model", daemon=True).start()


def _warm() -> None:
    try:
        _warm_encoder()
        _warm_statistics()
    finally:
        connection.close()  # this thread's own connection: not left open for the process's life


def _warm_encoder() -> None:
    from factcheck.linking.engine import embed

    try:
        seconds = embed.warm()
    except Exception:  # noqa: BLE001 - a warm-up failure must not stop the worker; tasks load it on first use
        log.exception("warming the embedding model failed")
        return
    if seconds:
        log.info("linking: embedding model warmed in %.2f s", seconds)


def _warm_statistics() -> None:
    try:
        retrieval.doc_stats()  # the BM25 statistics, ~2 s on a process's first ranking
    except Exception:  # noqa: BLE001 - as above: the first task computes them instead
        log.exception("warming the retrieval statistics failed")


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    **TRANSIENT_RETRY,
)
def suggest_links(self, article_id: int) -> dict[str, int]:
    """Suggest links for an article's claims and quotes. Idempotent: the upsert never
    duplicates a link nor touches one an editor decided, so a re-delivery is harmless."""
    started = timezone.now()
    counts = suggest.suggest_links_for_article(article_id)
    extraction_services.links_suggested_record(article_id=article_id, started=started)
    return counts


@shared_task
def requeue_unsuggested_articles() -> int:
    """The beat sweep for link suggestions: done articles whose suggestions never ran."""
    return extraction_services.links_requeue_unsuggested()


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    **TRANSIENT_RETRY,
)
def embed_claims(self, claim_ids: list[int]) -> int:
    """Compute the vectors of these claims (a batch from an import). Idempotent: a claim
    whose stored vector matches its text is skipped."""
    return embeddings.embeddings_for_ids([int(pk) for pk in claim_ids])
