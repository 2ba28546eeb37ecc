"""Run the text engine on an article and store its candidates without losing editors' work."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator, Sequence

from django.db import transaction
from django.utils import timezone

from factcheck.articles.models import Article, ExtractionState

log = logging.getLogger(__name__)


def extraction_request(*, article: Article, new: bool = False) -> None:
    """Mark the article pending and enqueue its extraction once the transaction commits.

    `new`: the article was just created pending, so there is nothing to update.
    """
    if not new:
        now = timezone.now()
        Article.objects.filter(pk=article.pk).update(
            extraction_state=ExtractionState.PENDING, extraction_queued_at=now, extraction_error=""
        )
        article.extraction_state = ExtractionState.PENDING
        article.extraction_queued_at = now
    article_id, chars = article.pk, len(article.body or "")
    transaction.on_commit(lambda: _enqueue(article_id, chars))


_local = threading.local()


class _Batch:
    """Article ids collected for one multi-article task, up to a count or a text size."""

    def __init__(self) -> None:
        from django.conf import settings

        self.size, self.max_chars = settings.EXTRACTION_BATCH_SIZE, settings.EXTRACTION_BATCH_MAX_CHARS
        self.ids: list[int] = []
        self.chars = 0

    def add(self, article_id: int, chars: int) -> None:
        self.ids.append(article_id)
        self.chars += chars
        if len(self.ids) >= self.size or self.chars >= self.max_chars:
            self.flush()

    def flush(self) -> None:
        from factcheck.extraction.tasks import extract_articles  # tasks import services: import late

        if self.ids:
            extract_articles.delay(self.ids)
        self.ids, self.chars = [], 0


def _enqueue(article_id: int, chars: int) -> None:
    batch: _Batch | None = getattr(_local, "batch", None)
    if batch is not None:
        batch.add(article_id, chars)
        return
    from factcheck.extraction.tasks import extract_article  # tasks import services: import late

    extract_article.delay(article_id)


@contextlib.contextmanager
def extraction_batched() -> Iterator[None]:
    """Bulk intake: extractions requested inside this block are enqueued, each after its
    commit, as tasks of several articles (EXTRACTION_BATCH_SIZE, or fewer if their text
    exceeds EXTRACTION_BATCH_MAX_CHARS). A worker runs such a task through spaCy's
    `nlp.pipe` in one go, which is faster per article than one task each; one article at a
    time (the web form) keeps the lowest latency. Ids still collected when the block ends are
    enqueued then; if the process dies before that, the periodic sweep enqueues them."""
    if getattr(_local, "batch", None) is not None:  # nested: the outer block flushes
        yield
        return
    _local.batch = _Batch()
    try:
        yield
    finally:
        batch, _local.batch = _local.batch, None
        batch.flush()


def _engine():
    # Imported on first use: spaCy and the models load once per worker process.
    from factcheck.extraction.engine import pipeline

    return pipeline


def extraction_run(*, article_id: int, force: bool = False) -> str:
    """Extract one article: "done", "failed" or "skipped" (already done by this version)."""
    return extraction_run_many(article_ids=[article_id], force=force)[article_id]


def extraction_run_many(*, article_ids: Sequence[int], force: bool = False) -> dict[int, str]:
    """Extract several articles in one pass of the NLP pipeline (`nlp.pipe`) and store them
    together. Safe to run twice, concurrently, or after a worker died mid-way.

    Each article's work is claimed with a conditional UPDATE; the engine runs outside any
    transaction; the candidates of all of them are stored in one transaction that never
    touches what an editor has accepted, edited, rejected or linked. One article failing (the
    engine's bug on its text) marks that article failed and does not stop the others.
    Returns each article's outcome: "done", "failed" or "skipped".
    """
    from django.conf import settings

    from factcheck.extraction.store import candidates_store_many

    pipeline = _engine()
    version = pipeline.EXTRACTOR_VERSION
    ids = list(dict.fromkeys(article_ids))
    outcome = dict.fromkeys(ids, "skipped")
    work: dict[int, str] = {}
    for article_id, body, attempts in _claim(ids, version=version, force=force):
        if attempts > settings.EXTRACTION_MAX_ATTEMPTS:
            _mark_failed(article_id, f"gave up after {attempts - 1} attempts")
            outcome[article_id] = "failed"
        else:
            work[article_id] = body
    order = [article_id for article_id in ids if article_id in work]
    extracted = {}
    for article_id, result in zip(order, pipeline.extract_each([work[i] for i in order]), strict=True):
        if isinstance(result, Exception):  # the engine's own bugs: fail visibly, keep the article
            log.error("extraction of article %s failed", article_id, exc_info=result)
            _mark_failed(article_id, f"{type(result).__name__}: {result}")
            outcome[article_id] = "failed"
        else:
            extracted[article_id] = result
    if extracted:
        for article_id in candidates_store_many(extractions=extracted, version=version):
            outcome[article_id] = "done"
    return outcome


def _claim(article_ids: list[int], *, version: str, force: bool) -> list[tuple[int, str, int]]:
    """Mark the articles running unless this extractor version has already done them, and
    return (id, body, attempts) of those this call claimed.

    One conditional UPDATE stamps them with this call's start time; reading back the rows
    that carry the stamp tells which ones this call won (a worker claiming the same article
    a moment later stamps it again, and then it is that worker's).
    """
    from django.db.models import F

    started = timezone.now()
    claim = Article.objects.filter(pk__in=article_ids)
    if not force:
        claim = claim.exclude(extraction_state=ExtractionState.DONE, extractor_version=version)
    if not claim.update(
        extraction_state=ExtractionState.RUNNING,
        extraction_started_at=started,
        extraction_attempts=F("extraction_attempts") + 1,
    ):
        return []
    won = Article.objects.filter(
        pk__in=article_ids, extraction_state=ExtractionState.RUNNING, extraction_started_at=started
    )
    return list(won.values_list("id", "body", "extraction_attempts"))


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
    from django.db.models.functions import Length

    cutoff = timezone.now() - datetime.timedelta(seconds=settings.EXTRACTION_STUCK_AFTER_SECONDS)
    stuck = list(Article.objects.stuck(cutoff).annotate(chars=Length("body")).values_list("id", "chars")[:1000])
    # Refresh the timestamps so the next sweep does not enqueue them again at once.
    Article.objects.filter(pk__in=[article_id for article_id, _ in stuck]).update(
        extraction_state=ExtractionState.PENDING, extraction_queued_at=timezone.now()
    )
    with extraction_batched():
        for article_id, chars in stuck:
            _enqueue(article_id, chars)
    if stuck:
        log.info("re-enqueued %d stuck extractions", len(stuck))
    return len(stuck)


def checkworthiness_refine(claims: Sequence, vectors: dict) -> int:
    """Refine the check-worthiness of extracted candidates with their sentence vectors (the
    linking task computes those anyway): `score` becomes the refined score and `checkworthy`
    follows the refined threshold; the extractor's own score stays in `extracted_score`, so
    refining again gives the same result. Only untouched candidates (still `candidate`,
    found by the extractor) change: an editor's decision is never overwritten. Returns how
    many claims were updated."""
    from factcheck.claims.models import CandidateStatus, Claim, Origin
    from factcheck.extraction.engine import checkworthy

    if not checkworthy.can_refine():
        return 0
    todo = [
        c for c in claims if c.pk in vectors and c.origin == Origin.EXTRACTED and c.status == CandidateStatus.CANDIDATE
    ]
    if not todo:
        return 0
    import numpy as np

    cheap = [c.extracted_score if c.extracted_score is not None else c.score for c in todo]
    refined = checkworthy.refine_scores(cheap, np.stack([vectors[c.pk] for c in todo]))
    updated = 0
    with transaction.atomic():
        for claim, base, score in zip(todo, cheap, refined, strict=True):
            flag = score >= checkworthy.REFINED_THRESHOLD
            updated += Claim.objects.filter(
                pk=claim.pk, status=CandidateStatus.CANDIDATE, origin=Origin.EXTRACTED
            ).update(extracted_score=base, score=round(score, 4), checkworthy=flag)
    return updated
