"""End to end with a real Celery worker over Redis: a published fact-check; a feed on the loopback
server carries an article that repeats its claim; the worker polls the feed, imports and extracts
the article, suggests its links and raises the repeat alert."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from factcheck.alerts.models import AlertState, RepeatAlert
from factcheck.claims.models import Workflow
from factcheck.sources.models import Source
from factcheck.sources.tasks import poll_due_sources
from tests.browser.conftest import _migration_data  # noqa: F401 (the rating scale, after a flush)
from tests.extraction.test_worker import start_worker, stop, wait_for
from tests.factories import ClaimFactory
from tests.sources.conftest import Reply, rss, site  # noqa: F401 (the loopback server fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def clean_queue():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (bin/test sets it)")
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    yield
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def test_a_feed_article_repeating_a_published_check_raises_an_alert(site):  # noqa: F811
    check = ClaimFactory(
        labelled=True,
        text="Unemployment fell to 7.1 per cent in October, the lowest figure in ten years.",
        workflow=Workflow.PUBLISHED,
        outlet="Fact-check desk",
    )
    # tests/sources' article 7 says: "The minister said unemployment fell to 7.1 per cent in October, ..."
    site.routes["/feed.xml"] = Reply(body=rss(site.base, [7]), content_type="application/rss+xml")
    site.serve_articles([7])
    Source.objects.create(name="Example Times", url=f"{site.base}/feed.xml", next_poll_at=timezone.now())
    worker = start_worker("celery,linking", SOURCES_ALLOWED_TEST_HOSTS="127.0.0.1", SOURCES_HOST_DELAY="0")
    try:
        assert poll_due_sources() == 1
        wait_for(lambda: RepeatAlert.objects.exists(), 240, "the repeat alert")
    finally:
        stop(worker)
    alerts = list(RepeatAlert.objects.select_related("claim__article"))
    assert {a.checked_claim_id for a in alerts} == {check.pk}
    assert {a.claim.article.url for a in alerts} == {f"{site.base}/news/7"}
    assert all(a.state == AlertState.OPEN and a.probability >= settings.ALERTS_REPEAT_THRESHOLD for a in alerts)
    assert any("unemployment fell to 7.1 per cent" in a.claim.text.lower() for a in alerts)
