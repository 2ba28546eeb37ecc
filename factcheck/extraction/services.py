"""Run the text engine on an article and store its candidates without losing editors' work."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator, Sequence

from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
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
            _mark_failed(article_id, _gave_up(attempts - 1))
            outcome[article_id] = "failed"
        else:
            work[article_id] = body
    order = [article_id for article_id in ids if article_id in work]
    extracted = {}
    answered = 0  # articles the engine has answered for, in `order`
    try:
        texts = [work[i] for i in order]
        _test_stall(texts)
        for article_id, result in zip(order, pipeline.extract_each(texts, fatal=(SoftTimeLimitExceeded,)), strict=True):
            answered += 1
            if isinstance(result, Exception):  # the engine's own bugs: fail visibly, keep the article
                log.error("extraction of article %s failed", article_id, exc_info=result)
                _mark_failed(article_id, f"{type(result).__name__}: {result}")
                outcome[article_id] = "failed"
            else:
                extracted[article_id] = result
    except SoftTimeLimitExceeded:
        outcome.update(_timed_out(order[answered:]))
    if extracted:
        for article_id in candidates_store_many(extractions=extracted, version=version):
            outcome[article_id] = "done"
    return outcome


def _timed_out(in_flight: list[int]) -> dict[int, str]:
    """The task passed its soft time limit while the engine had these articles in hand.

    One article: it is the slow one, failed with the reason (never re-queued: it would only
    time out again). Several (one `nlp.pipe` batch): which one is slow is unknown, so each
    goes back to the queue as a task of its own, where a slow one fails alone."""
    from django.conf import settings

    limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
    if len(in_flight) == 1:
        log.error("extraction of article %s took longer than %s s", in_flight[0], limit)
        _mark_failed(in_flight[0], f"took longer than {limit} s (the task's time limit)")
        return {in_flight[0]: "failed"}
    log.warning("extraction batch %s passed %s s: re-queued one article per task", in_flight, limit)
    Article.objects.filter(pk__in=in_flight, extraction_state=ExtractionState.RUNNING).update(
        extraction_state=ExtractionState.PENDING, extraction_queued_at=timezone.now()
    )
    from factcheck.extraction.tasks import extract_article  # tasks import services: import late

    for article_id in in_flight:
        extract_article.delay(article_id)
    return dict.fromkeys(in_flight, "requeued")


def _test_stall(texts: list[str]) -> None:
    """Tests only (EXTRACTION_TEST_STALL_MARKER): a text holding the marker stalls the engine
    until the task's time limit stops it, as a poison input did before the engine ran in
    linear time. Off (an empty marker) outside tests."""
    import time

    from django.conf import settings

    marker = settings.EXTRACTION_TEST_STALL_MARKER
    if marker and any(marker in text for text in texts):
        time.sleep(3600)


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


def _gave_up(attempts: int) -> str:
    from django.conf import settings

    return (
        f"gave up after {attempts} attempts: each ended without a result (the worker was lost, "
        f"or the task passed its {settings.CELERY_TASK_TIME_LIMIT} s time limit)"
    )


# Keys of PostgreSQL advisory locks: one per sweep, so that two never run at once.
_EXTRACTION_SWEEP_LOCK = 0x66630001
_LINK_SWEEP_LOCK = 0x66630002


def _sweep_lock(key: int) -> bool:
    """Take the sweep's lock for the current transaction, or answer False if another sweep
    holds it (beat on two hosts, a sweep still running when the next one is due). PostgreSQL
    advisory lock, released at commit; other databases run one process and need none."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        return bool(cursor.fetchone()[0])


def extraction_requeue_stuck() -> int:
    """Re-enqueue articles left pending or running (Redis was down, a worker died); fail the
    ones that have used up their attempts instead, with the reason. Returns how many were
    re-enqueued, or -1 when another sweep is running (this one then does nothing)."""
    import datetime

    from django.conf import settings
    from django.db.models.functions import Length

    cutoff = timezone.now() - datetime.timedelta(seconds=settings.EXTRACTION_STUCK_AFTER_SECONDS)
    with transaction.atomic():
        if not _sweep_lock(_EXTRACTION_SWEEP_LOCK):
            log.info("extraction sweep skipped: another sweep is running")
            return -1
        rows = list(
            Article.objects.stuck(cutoff)
            .annotate(chars=Length("body"))
            .values_list("id", "chars", "extraction_attempts")
            .order_by("id")[:1000]
        )
        spent = [
            (article_id, attempts) for article_id, _, attempts in rows if attempts >= settings.EXTRACTION_MAX_ATTEMPTS
        ]
        for article_id, attempts in spent:
            _mark_failed(article_id, _gave_up(attempts))
        stuck = [
            (article_id, chars) for article_id, chars, attempts in rows if attempts < settings.EXTRACTION_MAX_ATTEMPTS
        ]
        # Refresh the timestamps so the next sweep does not enqueue them again at once.
        Article.objects.filter(pk__in=[article_id for article_id, _ in stuck]).update(
            extraction_state=ExtractionState.PENDING, extraction_queued_at=timezone.now()
        )
        transaction.on_commit(lambda: _enqueue_all(stuck))
    if stuck or spent:
        log.info("re-enqueued %d stuck extractions, failed %d out of attempts", len(stuck), len(spent))
    return len(stuck)


def _enqueue_all(stuck: list[tuple[int, int]]) -> None:
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


# --- link suggestions: what follows extraction ------------------------------------------


def links_suggested_record(*, article_id: int, started) -> None:
    """Remember that link suggestions ran for the article (from `started`, the task's start)."""
    from factcheck.extraction.models import LinkSuggestionRun

    if Article.objects.filter(pk=article_id).exists():
        LinkSuggestionRun.objects.update_or_create(article_id=article_id, defaults={"suggested_at": started})


def links_requeue_unsuggested() -> int:
    """Enqueue link suggestions for done articles whose suggestions never ran since their
    extraction finished (the task was lost with Redis, or gave up). Returns how many, or -1
    when another link sweep is running."""
    import datetime

    from django.conf import settings
    from django.db.models import Exists, OuterRef

    from factcheck.extraction.models import LinkSuggestionRun

    cutoff = timezone.now() - datetime.timedelta(seconds=settings.LINK_STUCK_AFTER_SECONDS)
    with transaction.atomic():
        if not _sweep_lock(_LINK_SWEEP_LOCK):
            log.info("link sweep skipped: another sweep is running")
            return -1
        ran = LinkSuggestionRun.objects.filter(
            article_id=OuterRef("pk"), suggested_at__gte=OuterRef("extraction_finished_at")
        )
        # ... and not enqueued by a sweep lately (those tasks may still be in the queue).
        requeued = LinkSuggestionRun.objects.filter(article_id=OuterRef("pk"), requeued_at__gte=cutoff)
        due = list(
            Article.objects.filter(extraction_state=ExtractionState.DONE, extraction_finished_at__lt=cutoff)
            .exclude(Exists(ran))
            .exclude(Exists(requeued))
            .order_by("id")
            .values_list("id", flat=True)[:500]
        )
        now = timezone.now()
        for article_id in due:
            LinkSuggestionRun.objects.update_or_create(article_id=article_id, defaults={"requeued_at": now})
        transaction.on_commit(lambda: _suggest_all(due))
    if due:
        log.info("re-enqueued link suggestions for %d articles", len(due))
    return len(due)


def _suggest_all(article_ids: list[int]) -> None:
    from factcheck.linking.tasks import suggest_links  # linking imports extraction: import late

    for article_id in article_ids:
        suggest_links.delay(article_id)
