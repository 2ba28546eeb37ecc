"""Rate limits per token: past the limit, 429 with Retry-After; another token is not affected."""

from __future__ import annotations

import pytest

from .conftest import Api, token_for

pytestmark = pytest.mark.django_db


def test_a_token_past_its_rate_gets_429_with_retry_after(settings, reporter, checker, article):
    settings.API_RATE_LIMIT = "3/minute"
    busy, calm = Api(token_for(reporter)), Api(token_for(reporter, name="another"))
    assert [busy.get("/api/v1/articles/").status_code for _ in range(3)] == [200, 200, 200]
    refused = busy.get("/api/v1/articles/")
    assert refused.status_code == 429
    retry = int(refused["Retry-After"])
    assert 0 < retry <= 60
    assert "throttled" in refused.json()["detail"].lower()
    assert calm.get("/api/v1/articles/").status_code == 200  # counted per token, not per user
    assert Api(token_for(checker)).get("/api/v1/articles/").status_code == 200


def test_submissions_have_their_own_lower_limit(settings, reporter):
    settings.API_SUBMIT_RATE_LIMIT = "1/minute"
    api = Api(token_for(reporter, "read", "submit"))
    assert api.post("/api/v1/articles/", {"body": "The first article. 40 tanks."}).status_code == 201
    refused = api.post("/api/v1/articles/", {"body": "The second article. 41 tanks."})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert api.get("/api/v1/articles/").status_code == 200  # reading goes on
