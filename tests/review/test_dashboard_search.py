"""Dashboard, article list and search: content, filters, sorting, bad input and constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from factcheck.articles.models import Article, ExtractionState
from factcheck.articles.services import outlet_get_or_create
from factcheck.audit.services import audit_record
from factcheck.claims.models import CandidateStatus, Claim, Quote, Rating, Workflow

pytestmark = pytest.mark.django_db


def make_articles(n: int, *, outlet_name: str = "Outlet A") -> list[Article]:
    outlet = outlet_get_or_create(name=outlet_name)
    articles = []
    for i in range(n):
        body = f"Article {outlet_name} {i}: the minister said 40 tanks were lost near Kursk. “It is true,” she said."
        article = Article.objects.create(
            body=body,
            headline=f"Headline {i}",
            outlet=outlet,
            published=datetime.date(2024, 8, 1) + datetime.timedelta(days=i % 20),
            extraction_state=ExtractionState.DONE,
        )
        start = body.index("the minister")
        Claim.objects.create(
            article=article, start=start, end=start + 46, text=body[start : start + 46], score=0.5, checkworthy=True
        )
        qs = body.index("It is")
        Quote.objects.create(article=article, start=qs, end=qs + 11, text=body[qs : qs + 11], speaker_text="she")
        articles.append(article)
    return articles


def test_dashboard_shows_queues_charts_and_activity(client, checker, editor, article):
    claim = Claim.objects.create(
        article=article, start=17, end=52, text=article.body[17:52], checkworthy=True, assigned_to=checker
    )
    Article.objects.filter(pk=article.pk).update(extraction_state=ExtractionState.DONE)
    Article.objects.create(
        body="Broken one", headline="Broken", extraction_state=ExtractionState.FAILED, extraction_error="boom"
    )
    audit_record(actor=editor, obj=claim, action="accepted")
    client.force_login(checker)
    response = client.get(reverse("review:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="dashboard-charts"' in html  # json_script data for Chart.js
    assert "vendor/chart.js/chart.umd.min.js" in html and "cdn" not in html.lower()
    summary = response.context["summary"]
    assert summary["awaiting_review"] == 1
    assert [c.pk for c in summary["mine"]] == [claim.pk]
    assert [a.headline for a in summary["failed"]] == ["Broken"]
    assert summary["new_articles"][0].pk == article.pk
    assert "eddie" in html


def test_dashboard_verdict_chart_counts(client, checker, article):
    rating = Rating.objects.order_by("order").first()
    if rating is None:
        pytest.skip("no rating scale seeded")
    Claim.objects.create(
        article=article,
        start=17,
        end=52,
        text=article.body[17:52],
        verdict=rating,
        workflow=Workflow.IN_REVIEW,
        status=CandidateStatus.ACCEPTED,
    )
    client.force_login(checker)
    charts = client.get(reverse("review:dashboard")).context["charts"]
    assert charts["verdicts"]["labels"] == [rating.label] and charts["verdicts"]["counts"] == [1]
    assert sum(charts["per_day"]["counts"]) == 1


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


def test_article_list_filters_and_sorts(client, checker):
    make_articles(3)
    make_articles(2, outlet_name="Outlet B")
    client.force_login(checker)
    outlet_b = Article.objects.filter(outlet__name="Outlet B").first().outlet
    page = client.get(reverse("review:articles"), {"outlet": outlet_b.pk}).context["page"]
    assert {a.outlet_id for a in page} == {outlet_b.pk}
    page = client.get(reverse("review:articles"), {"sort": "headline"}).context["page"]
    assert [a.headline for a in page] == sorted(a.headline for a in page)
    # An unknown sort is ignored, not passed to order_by.
    assert client.get(reverse("review:articles"), {"sort": "body; drop"}).status_code == 200
    page = client.get(reverse("review:articles"), {"date_from": "2024-08-02", "date_to": "2024-08-02"}).context["page"]
    assert {a.published for a in page} == {datetime.date(2024, 8, 2)}


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


def test_dashboard_count_matches_the_list_it_links_to(client, checker, article):
    import re

    from factcheck.claims.models import Claim

    body = article.body
    Claim.objects.create(article=article, start=0, end=10, text=body[:10], checkworthy=True, score=0.9)
    Claim.objects.create(article=article, start=10, end=20, text=body[10:20], checkworthy=False, score=0.1)
    client.force_login(checker)
    page = client.get("/").content.decode()
    link = re.search(r'href="([^"]+)" id="count-awaiting-review"', page).group(1).replace("&amp;", "&")
    listed = client.get(link)
    assert listed.status_code == 200
    assert len(listed.context["page"].object_list) == Claim.objects.awaiting_review().count() == 1
