"""The queue counts of the dashboard and the queue pages, cached in Redis (count_cache.cached_counts):
shared between requests, and out of date as soon as an editorial change commits."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from factcheck.claims.models import CandidateStatus
from factcheck.claims.services.triage import claim_accept
from factcheck.review import queues
from factcheck.review.count_cache import COUNTS_GENERATION_KEY
from tests.factories import ClaimFactory


@pytest.fixture
def count_cache(settings):
    settings.REVIEW_COUNTS_CACHE_SECONDS = 30
    cache.delete(COUNTS_GENERATION_KEY)  # a new generation: nothing cached by other runs applies


def _triage_count(user) -> int:
    return queues.counts({"triage": queues.TRIAGE.queryset(user)})["triage"]


def test_counts_are_shared_until_an_editorial_change_commits(
    count_cache, checker, django_assert_num_queries, django_capture_on_commit_callbacks
):
    claims = [ClaimFactory(checkworthy=True, score=0.9) for _ in range(3)]
    assert all(c.status == CandidateStatus.CANDIDATE for c in claims)
    first = _triage_count(checker)
    with django_assert_num_queries(0):  # the second page asks Redis, not PostgreSQL
        assert _triage_count(checker) == first
    with django_capture_on_commit_callbacks(execute=True):  # audit_committed is sent
        claim_accept(claim=claims[0], actor=checker)
    with django_assert_num_queries(1):
        assert _triage_count(checker) == first - 1


def test_counts_are_not_cached_when_turned_off(checker, django_assert_num_queries):
    ClaimFactory(checkworthy=True, score=0.9)
    before = _triage_count(checker)
    ClaimFactory(checkworthy=True, score=0.8)  # no audit event: only no cache sees it
    with django_assert_num_queries(1):
        assert _triage_count(checker) == before + 1


def test_dashboard_reads_its_counts_from_the_cache(count_cache, client, checker, article):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(checker)
    with CaptureQueriesContext(connection) as cold:
        assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get("/").status_code == 200
    counting = [q["sql"] for q in cold.captured_queries if q["sql"].startswith("SELECT (SELECT COUNT(*) FROM (")]
    assert len(counting) == 1
    assert not [q for q in warm.captured_queries if q["sql"].startswith("SELECT (SELECT COUNT(*) FROM (")]


def test_dashboard_shares_its_rows_until_an_editorial_change_commits(
    count_cache, client, checker, editor, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    claims = [ClaimFactory(checkworthy=True, score=0.9 - i / 10) for i in range(3)]
    client.force_login(checker)
    first = client.get("/").content.decode()
    assert claims[0].text[:20] in first
    client.force_login(editor)  # another member: the same shared rows, from Redis
    with CaptureQueriesContext(connection) as warm:
        again = client.get("/").content.decode()
    assert claims[0].text[:20] in again
    assert not [q for q in warm.captured_queries if "audit_auditevent" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):  # audit_committed is sent
        claim_accept(claim=claims[0], actor=checker)
    with CaptureQueriesContext(connection) as fresh:
        after = client.get("/").content.decode()
    assert [q for q in fresh.captured_queries if "audit_auditevent" in q["sql"]]
    assert 'id="recent-activity"' in after and checker.username in after.split('id="recent-activity"')[1]
