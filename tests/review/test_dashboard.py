"""The dashboard: queues, counts, charts and recent activity."""

from __future__ import annotations

import pytest
from django.urls import reverse

from factcheck.articles.models import Article, ExtractionState
from factcheck.audit.services import audit_record
from factcheck.claims.models import CandidateStatus, Claim, Rating, Workflow

pytestmark = pytest.mark.django_db


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
    assert summary["numbers"]["triage"] == 1
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


def test_dashboard_count_matches_the_list_it_links_to(client, checker, article):
    import re

    from factcheck.claims.models import Claim

    body = article.body
    Claim.objects.create(article=article, start=0, end=10, text=body[:10], checkworthy=True, score=0.9)
    Claim.objects.create(article=article, start=10, end=20, text=body[10:20], checkworthy=False, score=0.1)
    client.force_login(checker)
    page = client.get("/").content.decode()
    link = re.search(r'href="([^"]+)" id="count-triage"', page).group(1).replace("&amp;", "&")
    listed = client.get(link)
    assert listed.status_code == 200
    assert len(listed.context["page"].object_list) == Claim.objects.awaiting_review().count() == 1
