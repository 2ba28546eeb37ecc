"""End to end with a real Celery worker over Redis: a published fact-check; a feed on the loopback
server carries an article that repeats its claim; the worker polls the feed, imports and extracts
the article, suggests its links and raises the repeat alert, and its checker is notified."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from factcheck.accounts.roles import Role
from factcheck.alerts.models import AlertState, RepeatAlert
from factcheck.claims.models import Workflow
from factcheck.notifications.models import Kind, Notification
from factcheck.sources.models import Source
from factcheck.sources.tasks import poll_due_sources
from tests.browser.conftest import _migration_data  # noqa: F401 (the rating scale, after a flush)
from tests.extraction.test_worker import start_worker, stop, wait_for
from tests.factories import ClaimFactory, UserFactory
from tests.sources.conftest import Reply, rss, site  # noqa: F401 (the loopback server fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def clean_queue():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (bin/test sets it)")
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    yield
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def test_a_feed_article_repeating_a_published_check_raises_an_alert_and_a_notification(site):  # noqa: F811
    checker = UserFactory(role=Role.FACT_CHECKER)
    check = ClaimFactory(
        labelled=True,
        verdict_by=checker,
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
        # The notification follows the alert's commit (repeat_alert_raised), in the same process.
        wait_for(
            lambda: Notification.objects.filter(kind=Kind.REPEAT_ALERT).count() == RepeatAlert.objects.count(),
            30,
            "the notification",
        )
    finally:
        stop(worker)
    alerts = list(RepeatAlert.objects.select_related("claim__article"))
    assert {a.checked_claim_id for a in alerts} == {check.pk}
    assert {a.claim.article.url for a in alerts} == {f"{site.base}/news/7"}
    assert all(a.state == AlertState.OPEN and a.probability >= settings.ALERTS_REPEAT_THRESHOLD for a in alerts)
    assert any("unemployment fell to 7.1 per cent" in a.claim.text.lower() for a in alerts)
    # The checker of the earlier claim was notified, once per alert (factcheck.notifications).
    notes = Notification.objects.filter(recipient=checker, kind=Kind.REPEAT_ALERT)
    assert sorted(n.url for n in notes) == sorted(a.get_absolute_url() for a in alerts)
