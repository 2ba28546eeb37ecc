"""A real Celery worker over Redis extracts committed articles; killing it loses nothing.

These tests commit for real (transactional_db) so that the worker, a separate process,
sees the rows. They use Redis database 15 (bin/test sets REDIS_URL) and purge it first.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings
from django.db import connection

from factcheck.articles.models import Article, ExtractionState
from factcheck.articles.services import article_create
from factcheck.claims.models import Claim, Quote

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def worker_env(**extra: str) -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        DJANGO_SETTINGS_MODULE="factcheck.settings",
    )
    env.update(extra)  # may override the above (e.g. DATABASE_URL through a proxy)
    return env


def start_worker(queues: str = "celery", **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queues,
            "-n",
            f"test{time.time_ns()}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=worker_env(**extra),
        start_new_session=True,  # its own process group, so kill -9 takes the pool child too
    )


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=60)


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture(autouse=True)
def clean_queue():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (bin/test sets it)")
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    yield
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def test_committed_article_is_extracted_by_a_real_worker(seeds_dir):
    worker = start_worker()
    try:
        body = (seeds_dir / "cnn-2024-08-14-kursk.txt").read_text(encoding="utf-8")
        article = article_create(body=body, published=None, outlet_name="CNN").article
        wait_for(lambda: Article.objects.get(pk=article.pk).extraction_state == ExtractionState.DONE, 120, "extraction")
        assert Quote.objects.filter(article=article).count() >= 5
        assert Claim.objects.filter(article=article, checkworthy=True).exists()
        assert Quote.objects.filter(article=article, speaker__name__icontains="Zelensky").exists()
    finally:
        stop(worker)


def test_bulk_import_is_extracted_by_a_real_worker_in_multi_article_tasks(seeds_dir, settings):
    from django.core.management import call_command

    settings.EXTRACTION_BATCH_SIZE = 2
    worker = start_worker()
    try:
        call_command("import_articles", str(seeds_dir), "--no-progress")
        articles = Article.objects.all()
        assert articles.count() == 2
        wait_for(lambda: all(a.extraction_state == ExtractionState.DONE for a in articles.all()), 120, "extraction")
        for article in articles:
            assert Quote.objects.filter(article=article, speaker__isnull=False).count() >= 3
            assert Claim.objects.filter(article=article, checkworthy=True).exists()
    finally:
        stop(worker)


def test_worker_killed_mid_task_loses_nothing_and_duplicates_nothing(seeds_dir):
    # A long article keeps the worker busy for several seconds, long enough to kill it.
    paragraphs = (seeds_dir / "lbc-2024-08-14-kursk.txt").read_text(encoding="utf-8").split("\n\n")
    body = "\n\n".join(f"{p} (Part {i}.)" for i in range(20) for p in paragraphs[1:])
    first = start_worker(CELERY_VISIBILITY_TIMEOUT="5", CELERY_UNACKED_RESTORE_SECONDS="1")
    try:
        article = article_create(body=" date 2024-08-14 Long report\n\n" + body, published=None).article
        wait_for(
            lambda: Article.objects.get(pk=article.pk).extraction_state == ExtractionState.RUNNING, 120, "task start"
        )
        time.sleep(0.5)
        stop(first, signal.SIGKILL)
    finally:
        stop(first, signal.SIGKILL)
    assert Article.objects.get(pk=article.pk).extraction_state == ExtractionState.RUNNING
    assert Quote.objects.filter(article=article).count() == 0  # nothing half-written

    # The unacknowledged message comes back (acks_late + visibility timeout) to a new worker.
    second = start_worker(CELERY_VISIBILITY_TIMEOUT="5", CELERY_UNACKED_RESTORE_SECONDS="1")
    try:
        wait_for(
            lambda: Article.objects.get(pk=article.pk).extraction_state == ExtractionState.DONE, 240, "re-delivery"
        )
    finally:
        stop(second)
    stored = Article.objects.get(pk=article.pk)
    assert stored.body.endswith(body)
    spans = list(Quote.objects.filter(article=article).values_list("start", "end"))
    assert spans and len(spans) == len(set(spans))
    # Same result as one clean run: nothing lost, nothing twice.
    from factcheck.extraction.engine.pipeline import extract

    expected = extract(stored.body)
    assert len(spans) == len({(q.start, q.end) for q in expected.quotes})
    assert Claim.objects.filter(article=article).count() == len({(c.start, c.end) for c in expected.claims})


def test_imported_factchecks_are_embedded_by_the_worker(tmp_path):
    """With a broker, import_claimreview stores in batches and queues the vectors; a real
    worker on the linking queue computes every one (and a re-delivery would change nothing)."""
    from io import StringIO

    from django.core.management import call_command

    from factcheck.linking.models import ClaimEmbedding

    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(
            json.dumps(
                {
                    "@type": "ClaimReview",
                    "url": f"https://checks.example/{i}",
                    "claimReviewed": f"The port handled {i} million tonnes last year",
                    "author": {"name": "Checks"},
                    "reviewRating": {"alternateName": "False"},
                }
            )
            for i in range(40)
        )
    )
    out = StringIO()
    call_command("import_claimreview", str(feed), "--no-progress", stdout=out)
    assert "imported 40, unchanged 0, problems 0, 40 queued for embedding" in out.getvalue()
    assert ClaimEmbedding.objects.count() == 0
    worker = start_worker(queues="celery,linking")
    try:
        wait_for(lambda: ClaimEmbedding.objects.count() == 40, 180, "40 vectors")
    finally:
        stop(worker)
