"""Run the text engine on an article and store its candidates without losing editors' work."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from factcheck.articles.models import Article, ExtractionState

log = logging.getLogger(__name__)


def extraction_request(*, article: Article, new: bool = False) -> None:
    """Mark the article pending and enqueue its extraction once the transaction commits.

    `new`: the article was just created pending, so there is nothing to update.
    """
    from factcheck.extraction.tasks import extract_article  # tasks import services: import late

    if not new:
        now = timezone.now()
        Article.objects.filter(pk=article.pk).update(
            extraction_state=ExtractionState.PENDING, extraction_queued_at=now, extraction_error=""
        )
        article.extraction_state = ExtractionState.PENDING
        article.extraction_queued_at = now
    article_id = article.pk
    transaction.on_commit(lambda: extract_article.delay(article_id))


def _engine():
    # Imported on first use: spaCy and the models load once per worker process.
    from factcheck.extraction.engine import pipeline

    return pipeline


def extraction_run(*, article_id: int, force: bool = False) -> str:
    """Extract one article. Safe to run twice, concurrently, or after a worker died mid-way.

    The work is claimed with a conditional UPDATE; the engine runs outside any
    transaction; the candidates are stored in one transaction that never touches what
    an editor has accepted, edited, rejected or linked.
    """
    from django.conf import settings
    from django.db.models import F

    pipeline = _engine()
    version = pipeline.EXTRACTOR_VERSION
    claim = Article.objects.filter(pk=article_id)
    if not force:
        claim = claim.exclude(extraction_state=ExtractionState.DONE, extractor_version=version)
    claimed = claim.update(
        extraction_state=ExtractionState.RUNNING,
        extraction_started_at=timezone.now(),
        extraction_attempts=F("extraction_attempts") + 1,
    )
    if not claimed:
        return "skipped"
    article = Article.objects.only("id", "body", "extraction_attempts").get(pk=article_id)
    if article.extraction_attempts > settings.EXTRACTION_MAX_ATTEMPTS:
        _mark_failed(article_id, f"gave up after {article.extraction_attempts - 1} attempts")
        return "failed"
    try:
        result = pipeline.extract(article.body)
    except Exception as exc:  # the engine's own bugs: fail visibly, keep the article
        log.exception("extraction of article %s failed", article_id)
        _mark_failed(article_id, f"{type(exc).__name__}: {exc}")
        return "failed"
    from factcheck.extraction.store import candidates_store

    candidates_store(article_id=article_id, extraction=result, version=version)
    return "done"


def _mark_failed(article_id: int, reason: str) -> None:
    Article.objects.filter(pk=article_id).update(
        extraction_state=ExtractionState.FAILED,
        extraction_error=reason[:2000],
        extraction_finished_at=timezone.now(),
    )


def extraction_requeue_stuck() -> int:
    """Re-enqueue articles left pending or running (Redis was down, a worker died)."""
    import datetime

    from django.conf import settings

    from factcheck.extraction.tasks import extract_article

    cutoff = timezone.now() - datetime.timedelta(seconds=settings.EXTRACTION_STUCK_AFTER_SECONDS)
    ids = list(Article.objects.stuck(cutoff).values_list("id", flat=True)[:1000])
    now = timezone.now()
    for article_id in ids:
        # Refresh the timestamps so the next sweep does not enqueue it again at once.
        Article.objects.filter(pk=article_id).update(extraction_state=ExtractionState.PENDING, extraction_queued_at=now)
        extract_article.delay(article_id)
    if ids:
        log.info("re-enqueued %d stuck extractions", len(ids))
    return len(ids)
