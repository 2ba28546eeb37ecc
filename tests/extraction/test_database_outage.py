"""PostgreSQL unreachable for a while under a real worker: its tasks retry with backoff and
every article is extracted once the database is back, none lost, none stored twice.

The worker reaches PostgreSQL through a TCP proxy this test controls (benchmarks/recovery.py's
CuttableProxy): cutting it drops the worker's connections and refuses new ones, while the
shared server and this test's own connection carry on.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count

from factcheck.articles.models import Article, ExtractionState
from factcheck.articles.services import article_create
from factcheck.claims.models import Claim

from .test_worker import clean_queue, start_worker, stop, wait_for  # noqa: F401 - clean_queue: autouse fixture

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from recovery import CuttableProxy  # noqa: E402

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BODY = (
    "{n} Ukraine says it captured {n} more soldiers in the Kursk region on Wednesday.\n\n"
    "The ministry said {n} villages were taken, officials said.\n"
)


def test_worker_rides_out_a_database_outage():
    db = connection.settings_dict
    proxy = CuttableProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    url = f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}"
    worker = start_worker(DATABASE_URL=url, LINK_WARM_WORKER="false")
    try:
        first = article_create(body=BODY.format(n=100), published=None).article
        wait_for(
            lambda: Article.objects.get(pk=first.pk).extraction_state == ExtractionState.DONE, 120, "a warm worker"
        )

        proxy.cut()
        ids = [article_create(body=BODY.format(n=n), published=None).article.pk for n in (201, 202, 203)]
        time.sleep(12)  # the worker's tasks meet a dead database and back off
        assert Article.objects.filter(pk__in=ids, extraction_state=ExtractionState.DONE).count() == 0
        proxy.restore()

        wait_for(
            lambda: Article.objects.filter(pk__in=ids, extraction_state=ExtractionState.DONE).count() == 3,
            120,
            "the three articles extracted after the outage",
        )
        assert Article.objects.filter(pk__in=ids, extraction_state=ExtractionState.FAILED).count() == 0
        # Stored once each: no span twice on any article.
        dupes = Claim.objects.filter(article_id__in=ids).values("article_id", "start", "end").annotate(n=Count("id"))
        assert all(row["n"] == 1 for row in dupes) and dupes.count() >= 3
    finally:
        stop(worker)
        proxy.cut()
