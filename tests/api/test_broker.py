"""Submitting through the API with real commits: the extraction task really lands on the
broker (the test's own Redis), and with the broker down the article is still stored and the
answer says its extraction is delayed, as the web form's does (tests/ops/test_broker_down.py)."""

from __future__ import annotations

import pytest

from factcheck.articles.models import Article, ExtractionState

from ..ops.conftest import broker_at, own_redis  # noqa: F401  (fixtures, used by name)
from .conftest import Api, token_for

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: on_commit enqueues for real

BODY = "The mayor said on Tuesday that 4,000 homes would be built in the city by 2027.\n"


def test_submit_queues_the_extraction_and_rides_out_a_broker_outage(reporter, own_redis, broker_at):  # noqa: F811
    api = Api(token_for(reporter, "submit"))
    with broker_at(own_redis.url):
        response = api.post("/api/v1/articles/", {"body": BODY, "headline": "Homes"})
        assert response.status_code == 201
        assert own_redis.client().llen("celery") == 1  # the extraction task, on the broker

        own_redis.stop()
        response = api.post("/api/v1/articles/", {"body": BODY.replace("4,000", "5,000"), "headline": "More"})
        assert response.status_code == 201, response.content
        data = response.json()
        assert "Extraction is delayed" in data["message"] and data["extraction"]["state"] == "pending"
        article = Article.objects.get(pk=data["id"])
        assert article.headline == "More" and article.extraction_state == ExtractionState.PENDING
