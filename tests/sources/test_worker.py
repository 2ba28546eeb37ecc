"""End to end with a real Celery worker over Redis: the beat task queues a due source, the
worker polls it from the loopback server, the new item becomes an article through the
intake, and the same worker extracts it."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from factcheck.articles.models import Article, ExtractionState
from factcheck.claims.models import Claim
from factcheck.sources.models import FetchedItem, ItemState, Source
from factcheck.sources.tasks import poll_due_sources
from tests.extraction.test_worker import start_worker, stop, wait_for

from .conftest import Reply, rss

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def clean_queue():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (bin/test sets it)")
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    yield
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def test_a_due_source_is_polled_imported_and_extracted_by_a_real_worker(site):
    site.routes["/feed.xml"] = Reply(body=rss(site.base, [1, 2]), content_type="application/rss+xml", etag='"1"')
    site.serve_articles([1, 2])
    source = Source.objects.create(name="Example Times", url=f"{site.base}/feed.xml", next_poll_at=timezone.now())
    worker = start_worker(SOURCES_ALLOWED_TEST_HOSTS="127.0.0.1", SOURCES_HOST_DELAY="0")
    try:
        assert poll_due_sources() == 1  # what beat runs every minute: one task per due source
        wait_for(lambda: Article.objects.count() == 2, 120, "the two items imported")
        wait_for(
            lambda: set(Article.objects.values_list("extraction_state", flat=True)) == {ExtractionState.DONE},
            180,
            "their extraction",
        )
    finally:
        stop(worker)
    assert set(FetchedItem.objects.values_list("state", flat=True)) == {ItemState.IMPORTED}
    assert Claim.objects.filter(article__url=f"{site.base}/news/1", checkworthy=True).exists()
    source.refresh_from_db()
    assert source.last_new_item_at is not None and source.etag == '"1"' and source.poll_started_at is None
    assert poll_due_sources() == 0  # polled: not due again before its interval
