"""No poison, no stall (issue 11): the size limit at intake, the sweeps' lock and attempts
cap, the link sweep, and real workers that lose a pool process, a whole worker or meet an
article that passes the time limit, and still finish every other article exactly once.

Real PostgreSQL and Redis (bin/test); the worker tests start real Celery workers with the
helpers of test_worker.py and commit for real."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from factcheck.articles.models import Article, ExtractionState
from factcheck.articles.services import article_create
from factcheck.claims.models import Claim, Quote
from factcheck.core.errors import ApplicationError
from factcheck.extraction import services
from factcheck.extraction.models import LinkSuggestionRun
from tests.extraction.test_worker import start_worker, stop, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

PARAGRAPH = (
    "The ministry said on Tuesday that 4,200 homes in the region lost power after the storm. "
    "“We expect every home to be reconnected by Friday,” said Maria Lopez, the grid operator's director. "
    "Prices for bread have doubled since 2019, according to the national statistics office."
)


def body(i: int, paragraphs: int = 2) -> str:
    return f" date 2024-08-14 Report {i}\n\n" + "\n\n".join(f"{PARAGRAPH} (Item {i}.{k}.)" for k in range(paragraphs))


@pytest.fixture
def queue():
    """The Redis database of the tests' broker, emptied before and after."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (bin/test sets it)")
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


def queued_ids(client: redis.Redis, queue: str = "celery") -> list[int]:
    """The article ids of every extraction message waiting in the queue."""
    ids: list[int] = []
    for raw in client.lrange(queue, 0, -1):
        message = json.loads(raw)
        import base64

        args = json.loads(base64.b64decode(message["body"]))[0]
        ids.extend(args[0] if isinstance(args[0], list) else [args[0]])
    return ids


def make_stuck(n: int, attempts: int = 0, first: int = 0) -> list[int]:
    ids = [article_create(body=body(i), published=None, extract=False).article.pk for i in range(first, first + n)]
    old = timezone.now() - datetime.timedelta(hours=1)
    Article.objects.filter(pk__in=ids).update(
        extraction_state=ExtractionState.PENDING, extraction_queued_at=old, extraction_attempts=attempts
    )
    return ids


# --- intake ----------------------------------------------------------------------------


def test_article_over_the_size_limit_is_refused_with_the_reason(settings):
    settings.ARTICLE_MAX_CHARS = 1000
    with pytest.raises(ApplicationError, match="1,001 characters long; the limit is 1,000"):
        article_create(body="x" * 1001, published=None)
    assert not Article.objects.exists()
    assert article_create(body="y" * 1000, published=None, extract=False).created


def test_import_reports_the_refused_article_and_stores_the_rest(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.ARTICLE_MAX_CHARS = 2000
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(
            json.dumps({"id": str(i), "body": t, "published": "2024-08-14"})
            for i, t in enumerate([body(1), "z " * 1500])
        )
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(feed), "--no-progress", "--no-extract", stderr=err, stdout=StringIO())
    assert "the limit is 2,000" in err.getvalue()
    assert Article.objects.count() == 1


# --- sweeps ----------------------------------------------------------------------------


def test_sweep_fails_articles_that_used_up_their_attempts_and_requeues_the_others(queue, settings):
    settings.EXTRACTION_MAX_ATTEMPTS = 3
    fresh = make_stuck(3, attempts=1)
    spent = make_stuck(2, attempts=3, first=10)
    assert services.extraction_requeue_stuck() == 3
    assert sorted(queued_ids(queue)) == sorted(fresh)
    for article in Article.objects.filter(pk__in=spent):
        assert article.extraction_state == ExtractionState.FAILED
        assert article.extraction_error.startswith("gave up after 3 attempts")
    # Refreshed: the next sweep does not enqueue them again.
    assert services.extraction_requeue_stuck() == 0


def test_a_sweep_does_nothing_while_another_holds_the_lock(queue):
    ids = make_stuck(4)
    db = connection.settings_dict
    other = psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"], autocommit=True
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [services._EXTRACTION_SWEEP_LOCK])
        assert services.extraction_requeue_stuck() == -1
        assert queued_ids(queue) == []
        assert set(Article.objects.filter(pk__in=ids).values_list("extraction_queued_at", flat=True)) != set()
        assert Article.objects.stuck(timezone.now() - datetime.timedelta(minutes=5)).count() == 4
    finally:
        other.execute("SELECT pg_advisory_unlock(%s)", [services._EXTRACTION_SWEEP_LOCK])
        other.close()
    assert services.extraction_requeue_stuck() == 4
    assert sorted(queued_ids(queue)) == sorted(ids)


@pytest.mark.worker
def test_two_sweeps_at_once_enqueue_each_article_once(queue):
    """Two processes sweep at the same moment (beat on two hosts): every stuck article is
    enqueued exactly once between them."""
    ids = make_stuck(300)
    code = (
        "import django, time, sys; django.setup();"
        "from factcheck.extraction.services import extraction_requeue_stuck;"
        "time.sleep(max(0, float(sys.argv[1]) - time.time()));"
        "print('swept', extraction_requeue_stuck())"
    )
    at = str(time.time() + 12)  # both start together once Django is loaded in each
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, at],
            cwd=settings.BASE_DIR,
            env=worker_env(),
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=90)[0] for p in procs]
    counts = sorted(int(out.split()[-1]) for out in outs)
    assert counts[-1] == 300 and counts[0] in (-1, 0), outs
    enqueued = queued_ids(queue)
    assert sorted(enqueued) == sorted(ids)  # once each: none lost, none twice


def test_link_sweep_enqueues_done_articles_never_suggested(queue, settings):
    settings.LINK_STUCK_AFTER_SECONDS = 60
    ids = [article_create(body=body(i), published=None, extract=False).article.pk for i in range(3)]
    old = timezone.now() - datetime.timedelta(minutes=10)
    Article.objects.filter(pk__in=ids).update(extraction_state=ExtractionState.DONE, extraction_finished_at=old)
    recent = article_create(body=body(99), published=None, extract=False).article.pk
    Article.objects.filter(pk=recent).update(
        extraction_state=ExtractionState.DONE, extraction_finished_at=timezone.now()
    )
    services.links_suggested_record(article_id=ids[0], started=old + datetime.timedelta(seconds=1))
    # Suggested before its latest extraction: due again.
    services.links_suggested_record(article_id=ids[1], started=old - datetime.timedelta(seconds=1))

    assert services.links_requeue_unsuggested() == 2
    assert sorted(queued_ids(queue, "linking")) == sorted(ids[1:])
    assert services.links_requeue_unsuggested() == 0  # just enqueued: not again before the cutoff
    LinkSuggestionRun.objects.filter(article_id__in=ids).update(requeued_at=old)
    assert services.links_requeue_unsuggested() == 2  # the tasks were lost: enqueued again


# --- real workers ----------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (from /proc)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return out


def assert_extracted_once(ids: list[int]) -> None:
    for pk in ids:
        spans = list(Quote.objects.filter(article_id=pk).values_list("start", "end"))
        claims = list(Claim.objects.filter(article_id=pk).values_list("start", "end"))
        assert spans and len(spans) == len(set(spans)), pk
        assert claims and len(claims) == len(set(claims)), pk


@pytest.mark.worker
def test_pool_child_killed_mid_task_is_replaced_and_every_article_is_done(queue):
    """SIGKILL the pool process mid-task: the worker replaces it (with the encoder warm-up on,
    as in production) and the re-delivered task and the rest finish, each article once."""
    long_id = article_create(body=body(0, paragraphs=150), published=None, extract=False).article.pk
    ids = [long_id] + [article_create(body=body(i), published=None, extract=False).article.pk for i in range(1, 6)]
    worker = start_worker(LINK_WARM_WORKER="1", LINK_EMBEDDINGS="1")
    try:
        from factcheck.extraction.tasks import extract_article

        for pk in ids:
            extract_article.delay(pk)
        wait_for(lambda: Article.objects.get(pk=long_id).extraction_state == ExtractionState.RUNNING, 90, "task start")
        (child,) = children(worker.pid)
        os.kill(child, signal.SIGKILL)
        wait_for(
            lambda: Article.objects.filter(pk__in=ids, extraction_state=ExtractionState.DONE).count() == len(ids),
            150,
            "every article done after the pool process was killed",
        )
        assert worker.poll() is None  # the same worker, no restart by hand
        assert children(worker.pid) and child not in children(worker.pid)
    finally:
        stop(worker)
    assert_extracted_once(ids)


@pytest.mark.worker
def test_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(queue, settings):
    settings.EXTRACTION_BATCH_SIZE = 4
    ids = make_stuck(12)
    first = start_worker(CELERY_VISIBILITY_TIMEOUT="5", CELERY_UNACKED_RESTORE_SECONDS="1")
    try:
        assert services.extraction_requeue_stuck() == 12  # three tasks of four
        wait_for(
            lambda: Article.objects.filter(pk__in=ids, extraction_state=ExtractionState.RUNNING).exists(),
            90,
            "a batch running",
        )
        stop(first, signal.SIGKILL)
    finally:
        stop(first, signal.SIGKILL)
    assert Article.objects.filter(pk__in=ids, extraction_state=ExtractionState.DONE).count() < 12
    second = start_worker(CELERY_VISIBILITY_TIMEOUT="5", CELERY_UNACKED_RESTORE_SECONDS="1")
    try:
        wait_for(
            lambda: Article.objects.filter(pk__in=ids, extraction_state=ExtractionState.DONE).count() == 12,
            150,
            "every article done by the second worker",
        )
    finally:
        stop(second)
    assert_extracted_once(ids)


@pytest.mark.worker
def test_poison_article_among_fifty_fails_with_the_reason_and_the_fifty_are_done(queue):
    """One article stalls past the soft time limit (the test hook): it alone is failed with
    the reason, never re-queued; the 50 good ones, some in its batch, are all done."""
    marker = "POISON-7f3a"
    ids = []
    with services.extraction_batched():
        for i in range(51):
            text = body(i, paragraphs=1) + (f"\n\n{marker} in this paragraph." if i == 20 else "")
            ids.append(article_create(body=text, published=None).article.pk)
    poison = ids[20]
    worker = start_worker(
        CELERY_TASK_SOFT_TIME_LIMIT="6", CELERY_TASK_TIME_LIMIT="30", EXTRACTION_TEST_STALL_MARKER=marker
    )
    try:
        wait_for(
            lambda: (
                Article.objects.filter(pk__in=ids)
                .exclude(extraction_state__in=[ExtractionState.PENDING, ExtractionState.RUNNING])
                .count()
                == 51
            ),
            150,
            "all 51 finished one way or the other",
        )
        time.sleep(2)  # nothing comes back for the poison one
    finally:
        stop(worker)
    stored = Article.objects.get(pk=poison)
    assert stored.extraction_state == ExtractionState.FAILED
    assert stored.extraction_error == "took longer than 6 s (the task's time limit)"
    good = [pk for pk in ids if pk != poison]
    assert Article.objects.filter(pk__in=good, extraction_state=ExtractionState.DONE).count() == 50
    assert Article.objects.get(pk=poison).extraction_attempts == 2  # its batch, then alone: no more
    assert queued_ids(queue) == []
    assert_extracted_once(good)


def test_soft_limit_backstop_stops_a_task_that_celery_did_not():
    """The worker's own alarm: a task body that runs past the soft limit is stopped one second
    after it, with SoftTimeLimitExceeded (what extraction_run_many turns into the reason)."""
    from types import SimpleNamespace

    from celery.exceptions import SoftTimeLimitExceeded

    from factcheck.extraction.tasks import soft_limit_backstop

    task = SimpleNamespace(soft_time_limit=1, app=None, request=SimpleNamespace(is_eager=False))
    started = time.monotonic()
    with pytest.raises(SoftTimeLimitExceeded), soft_limit_backstop(task):
        time.sleep(30)
    assert time.monotonic() - started < 10
    eager = SimpleNamespace(soft_time_limit=1, app=None, request=SimpleNamespace(is_eager=True))
    with soft_limit_backstop(eager):  # in-process (eager) tasks are left alone
        time.sleep(2.2)


def test_celery_soft_limit_first_disarms_the_backstop():
    """Celery's soft limit (SIGUSR1) comes first: the backstop never raises a second time
    while the service records the timeout and stores the rest."""
    import signal
    from types import SimpleNamespace

    from celery.exceptions import SoftTimeLimitExceeded

    from factcheck.extraction.tasks import soft_limit_backstop

    task = SimpleNamespace(soft_time_limit=1, app=None, request=SimpleNamespace(is_eager=False))
    with soft_limit_backstop(task):
        with pytest.raises(SoftTimeLimitExceeded):
            os.kill(os.getpid(), signal.SIGUSR1)
            time.sleep(5)
        time.sleep(2.5)  # past the backstop's time: no second exception
