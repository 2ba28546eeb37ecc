"""Search and the list pages: filters, sorting, bad input, pagination and constant query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from factcheck.claims.models import CandidateStatus, Claim

from ..factories import make_articles

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name,params",
    [
        ("review:articles", ""),
        ("review:search", "?scope=claims"),
        ("review:search", "?scope=quotes"),
        ("review:search", "?scope=articles"),
        ("review:dashboard", ""),
    ],
)
def test_list_pages_run_a_constant_number_of_queries(client, checker, django_assert_max_num_queries, url_name, params):
    client.force_login(checker)
    url = reverse(url_name) + params
    make_articles(5)
    client.get(url)  # warm caches (content types, session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    make_articles(45, outlet_name="Outlet B")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_search_text_status_verdict_score_and_speaker(client, checker):
    articles = make_articles(3)
    Claim.objects.filter(article=articles[0]).update(status=CandidateStatus.ACCEPTED, score=0.9)
    client.force_login(checker)
    url = reverse("review:search")
    page = client.get(url, {"scope": "claims", "q": "tanks"}).context["page"]
    assert page.paginator.count == 3
    page = client.get(url, {"scope": "claims", "q": "submarines"}).context["page"]
    assert page.paginator.count == 0
    page = client.get(url, {"scope": "claims", "status": "accepted"}).context["page"]
    assert [c.article_id for c in page] == [articles[0].pk]
    page = client.get(url, {"scope": "claims", "score_min": "0.8", "score_max": "1"}).context["page"]
    assert page.paginator.count == 1
    page = client.get(url, {"scope": "quotes", "speaker": "she"}).context["page"]
    assert page.paginator.count == 3


def test_search_bad_input_is_400_and_keeps_values(client, checker):
    client.force_login(checker)
    response = client.get(reverse("review:search"), {"scope": "claims", "score_min": "2", "q": "kept words"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="kept words"' in html and "less than or equal to 1" in html
    response = client.get(reverse("review:search"), {"date_from": "2024-09-01", "date_to": "2024-08-01"})
    assert response.status_code == 400


def test_search_pagination(client, checker):
    make_articles(55)
    client.force_login(checker)
    response = client.get(reverse("review:search"), {"scope": "claims", "page": 2})
    assert response.context["page"].number == 2 and len(response.context["page"]) == 5
    assert client.get(reverse("review:search"), {"scope": "claims", "page": "zzz"}).status_code == 200


def test_search_counts_stop_at_the_cap(client, checker, monkeypatch):
    """A broad search counts at most COUNT_CAP rows and says "N+" (no COUNT(*) over every match)."""
    from factcheck.review.views import common

    make_articles(2)  # one claim each
    client.force_login(checker)
    url = reverse("review:search")
    page = client.get(url, {"scope": "claims"}).context["page"]
    assert (page.paginator.count, page.paginator.count_label) == (2, "2")
    monkeypatch.setattr(common, "COUNT_CAP", 1)
    response = client.get(url, {"scope": "claims"})
    page = response.context["page"]
    assert (page.paginator.count, page.paginator.capped) == (1, True)
    assert "<strong>1+</strong> claim" in response.content.decode()
