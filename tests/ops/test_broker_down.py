"""Redis (the broker) down, the web side: a submitted article is stored and the page says
extraction is delayed (no 500); the sweep queues it once Redis is back; link search and
readiness keep answering. The Redis here is the test's own, started and stopped by it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from factcheck.articles.models import Article, ExtractionState
from factcheck.extraction.services import extraction_requeue_stuck
from factcheck.review.views.articles import DELAYED_MESSAGE

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: on_commit enqueues for real

BODY = "The mayor said on Tuesday that 4,000 homes would be built in the city by 2027.\n"


def submit(client, body: str, headline: str):
    return client.post(reverse("review:article_submit"), {"text": body, "headline": headline, "outlet": "Example"})


def test_submit_with_the_broker_down_stores_the_article_and_says_extraction_is_delayed(
    client, reporter, own_redis, broker_at
):
    client.force_login(reporter)
    with broker_at(own_redis.url):
        response = submit(client, BODY, "Homes")
        first = Article.objects.get(headline="Homes")
        assert response.status_code == 302 and response["Location"] == first.get_absolute_url()
        assert own_redis.client().llen("celery") == 1  # queued while Redis was up

        own_redis.stop()
        response = submit(client, BODY.replace("4,000", "5,000"), "More homes")
        article = Article.objects.get(headline="More homes")
        assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
        assert article.extraction_state == ExtractionState.PENDING
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert DELAYED_MESSAGE in page.content.decode()

        # Readiness tells the load balancer and the on-call person what is down.
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["down"] == ["broker"]

        # Redis back: the periodic sweep queues the article the web could not.
        own_redis.start()
        assert client.get("/readyz").status_code == 200
        Article.objects.filter(pk=article.pk).update(extraction_queued_at=timezone.now() - datetime.timedelta(hours=1))
        assert extraction_requeue_stuck() == 1
        assert own_redis.client().llen("celery") == 1  # the new Redis is empty but for this task


def test_link_search_answers_with_the_broker_down(client, checker, pair, own_redis, broker_at, settings):
    settings.LINK_EMBEDDINGS = False  # lexical retrieval is enough to prove the page answers
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": own_redis.url}}
    client.force_login(checker)
    a, b = pair
    with broker_at(own_redis.url):
        own_redis.stop()
        response = client.get(reverse("review:claim_link_search", args=[a.pk]), {"q": "100 prisoners in Kursk"})
    assert response.status_code == 200
    assert b.text in response.content.decode()
