"""Exports: the search's rows, every page of them, streamed as CSV (Fact-Check Insights
columns first) and JSON Lines, from the search page and the API, with the pages' access
rules; cells a spreadsheet would run are defused; memory stays flat as rows grow."""

from __future__ import annotations

import csv
import gc
import io
import json
import tracemalloc

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from factcheck.api.models import Scope
from factcheck.articles.models import Article, Outlet, body_fingerprint
from factcheck.claims.models import CandidateStatus, Person, Workflow
from factcheck.exports.selectors import CLAIM_COLUMNS, FACT_CHECK_INSIGHTS_COLUMNS
from factcheck.linking.models import LinkState
from factcheck.review import search_selectors
from factcheck.review.views.search import _search_form

from ..api.conftest import Api, token_for
from ..factories import ClaimFactory, ClaimLinkFactory, QuoteFactory, rating

pytestmark = pytest.mark.django_db

EXPORT = reverse("exports:search_export")


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.content[:500]
    body = b"".join(response.streaming_content).decode()
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.DictReader(io.StringIO(body)))
    return [json.loads(line) for line in body.splitlines()]


@pytest.fixture
def published(checker):
    person = Person.objects.create(name="Jane Minister", normalized_name="jane minister")
    return ClaimFactory(
        labelled=True, workflow=Workflow.PUBLISHED, verdict_by=checker, claimant=person, outlet="Daily Planet"
    )


def test_claims_csv_leads_with_fact_check_insights_columns(client, checker, published, settings):
    client.force_login(checker)
    response = client.get(EXPORT, {"scope": "claims", "export": "claims", "format": "csv"})
    assert response.streaming and response["Content-Disposition"].startswith('attachment; filename="claims-')
    body = b"".join(response.streaming_content).decode()
    header = next(csv.reader(io.StringIO(body)))
    assert header == CLAIM_COLUMNS and header[: len(FACT_CHECK_INSIGHTS_COLUMNS)] == FACT_CHECK_INSIGHTS_COLUMNS
    assert header[:6] == ["id", "@context", "@type", "claimReviewed", "datePublished", "url"]
    assert header[26:29] == ["reviewRating.image", "itemReviewed.appearance.1.url", "itemReviewed.appearance.1.@type"]
    [row] = csv.DictReader(io.StringIO(body))
    assert row["id"] == str(published.pk) and row["claimReviewed"] == published.text
    assert row["url"] == settings.SITE_URL + published.get_public_url()
    assert row["datePublished"] == published.published_at.date().isoformat()
    assert (row["author.@type"], row["author.name"]) == ("Organization", settings.NEWSROOM_NAME)
    assert (row["itemReviewed.@type"], row["itemReviewed.author.name"]) == ("Claim", "Jane Minister")
    assert row["itemReviewed.author.@type"] == "Person"
    assert row["itemReviewed.datePublished"] == published.article.published.isoformat()
    assert (row["reviewRating.alternateName"], row["reviewRating.ratingValue"]) == ("Mostly true", "5")
    assert (row["reviewRating.bestRating"], row["reviewRating.worstRating"]) == ("6", "1")
    assert row["itemReviewed.appearance.1.url"] == published.article.url
    assert row["stage"] == "published" and row["article.outlet"] == "Daily Planet" and row["dateModified"] == ""


def test_an_unpublished_claim_has_no_review_url_or_author(client, checker):
    draft = ClaimFactory(labelled=True)
    client.force_login(checker)
    [row] = rows_of(client.get(EXPORT, {"export": "claims"}))
    assert row["id"] == str(draft.pk) and row["reviewRating.alternateName"] == "Mostly true"
    assert row["url"] == row["author.name"] == row["datePublished"] == ""


def test_cells_a_spreadsheet_would_run_are_defused(client, checker):
    nasty = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
    for n, text in enumerate(nasty):
        ClaimFactory(text=f"{text} claim {n}", claimant_text=text)
    client.force_login(checker)
    rows = rows_of(client.get(EXPORT, {"export": "claims", "format": "csv"}))
    assert sorted(r["claimant_text"] for r in rows) == sorted("'" + t for t in nasty)
    assert all(r["claimReviewed"].startswith("'") for r in rows)
    # JSON Lines keeps the text exactly (it is not opened by spreadsheets) and types values.
    lines = rows_of(client.get(EXPORT, {"export": "claims", "format": "jsonl"}))
    assert sorted(r["claimant_text"] for r in lines) == sorted(nasty)
    assert all(isinstance(r["score"], float) and "url" not in r for r in lines)  # empty: left out


@pytest.mark.parametrize(
    "query",
    [
        "scope=claims&stage=published",
        "scope=claims&outlet={outlet}&verdict={verdict}",
        "scope=claims&q=unemployment&score_min=0.5",
        "scope=claims&links=suggested",
        "scope=claims&speaker=jane&sort=score",
    ],
)
def test_claims_export_holds_exactly_the_search_pages_rows(client, checker, published, query):
    ClaimFactory(text="Unemployment fell to 2% in May.", score=0.9, outlet="Daily Planet")
    ClaimFactory(text="Unemployment rose in June.", score=0.1)
    other = ClaimFactory(text="Prices doubled overnight.", status=CandidateStatus.REJECTED)
    ClaimLinkFactory(a=published, b=other)
    query = query.format(outlet=published.article.outlet_id, verdict=published.verdict_id)
    _, form = _search_form(QueryDict(query))
    assert form.is_valid()
    expected = list(search_selectors.claim_search(checker, form.cleaned_data).values_list("pk", flat=True))
    client.force_login(checker)
    got = [int(r["id"]) for r in rows_of(client.get(f"{EXPORT}?{query}&format=jsonl"))]
    assert got and sorted(got) == sorted(expected)
    if "sort=score" in query:
        assert got == expected  # the page's order when it names one


def test_quotes_and_links_exports_follow_the_filters(client, checker, published):
    q1 = QuoteFactory(text="We will win", speaker_text="the general")
    QuoteFactory(text="Nothing happened here", speaker_text="a neighbour")
    a, b, c = published, ClaimFactory(text="A second claim."), ClaimFactory(text="A third claim.")
    confirmed = ClaimLinkFactory(a=a, b=b, state=LinkState.CONFIRMED)
    ClaimLinkFactory(a=b, b=c)
    client.force_login(checker)
    quotes = rows_of(client.get(EXPORT, {"scope": "quotes", "speaker": "general"}))
    assert [int(r["id"]) for r in quotes] == [q1.pk] and quotes[0]["speaker_text"] == "the general"
    links = rows_of(client.get(EXPORT, {"scope": "claims", "stage": "published", "export": "claim-links"}))
    assert [int(r["id"]) for r in links] == [confirmed.pk] and links[0]["state"] == "confirmed"


def test_web_export_access_and_bad_filters(client, checker, outsider, published):
    response = client.get(EXPORT)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(outsider)
    assert client.get(EXPORT).status_code == 403
    client.force_login(checker)
    response = client.get(EXPORT, {"scope": "claims", "date_from": "yesterday"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("review:search"))
    response = client.get(EXPORT, {"export": "everything", "format": "xlsx"})
    assert response.status_code == 400 and b"export is one of" in response.content


def test_search_page_offers_the_export_menu_with_its_filters(client, checker, published):
    client.force_login(checker)
    body = client.get(reverse("review:search"), {"scope": "claims", "stage": "published"}).content.decode()
    assert f"{EXPORT}?scope=claims&amp;stage=published&amp;export=claims&amp;format=csv" in body


def test_api_export_scopes_roles_and_parameters(checker, checker2, published):
    url = reverse("api:export", args=["claims", "csv"])
    assert Api().get(url).status_code == 401
    assert Api(token_for(checker, Scope.SUBMIT)).get(url).status_code == 403  # too narrow a scope
    former = Api(token_for(checker2))
    checker2.groups.clear()  # the role is gone; the token is not
    assert former.get(url).status_code == 403  # no role on the desk
    reader = Api(token_for(checker))
    rows = rows_of(reader.get(url, {"stage": "published"}, HTTP_ACCEPT="text/csv"))
    assert [int(r["id"]) for r in rows] == [published.pk]
    assert rows_of(reader.get(url, {"stage": "draft"})) == []
    bad = reader.get(url, {"score_min": "lots", "colour": "red"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"colour"}
    bad = reader.get(url, {"score_min": "lots"})
    assert bad.status_code == 400 and "score_min" in bad.json()["errors"]
    assert reader.get(reverse("api:export", args=["claims", "xlsx"])).status_code == 404
    lines = rows_of(reader.get(reverse("api:export", args=["quotes", "jsonl"])))
    assert lines == []


def _bulk_articles(n: int, length: int) -> list[int]:
    outlet = Outlet.objects.create(name="Bulk Times", slug="bulk-times")
    bodies = [f"{'x' * length} bulk article {i}" for i in range(n)]
    articles = Article.objects.bulk_create(
        Article(
            body=b, fingerprint=body_fingerprint(b), headline=f"Bulk {i}", outlet=outlet, url=f"https://example.org/{i}"
        )
        for i, b in enumerate(bodies)
    )
    return [a.pk for a in articles]


def _bulk_claims(n: int, per_article: int = 100) -> None:
    """n claims, `per_article` to an article, inserted by PostgreSQL itself (short bodies,
    since the span trigger reads each claim's article body)."""
    articles = _bulk_articles(-(-n // per_article), per_article)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO claims_claim (start, "end", text, claimant_text, score, checkworthy, kind, quantities,
                entities, status, origin, extractor_version, workflow, verdict_summary, verdict_explanation,
                review_url, review_rating_text, version, created_at, updated_at, article_id, verdict_id, published_at)
            SELECT i %% %s, i %% %s + 1, 'Claim number ' || i || ' says prices rose ' || (i %% 97) || ' percent',
                'Minister ' || (i %% 13), (i %% 100) / 100.0, i %% 2 = 0, 'other', '[]', '[]', 'accepted',
                'extracted', '', 'published', 'Summary ' || i, '', '', '', 1, now(), now(),
                (%s::int[])[i / %s + 1], %s, now()
            FROM generate_series(0, %s - 1) AS i
            """,
            [per_article, per_article, articles, per_article, rating("false").pk, n],
        )


def _bulk_quotes(n: int, per_article: int = 100) -> None:
    """n quotes, as _bulk_claims; quote k's speaker is 'Speaker <k % 10>'."""
    articles = _bulk_articles(-(-n // per_article), per_article)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO claims_quote (start, "end", text, speaker_text, status, origin, extractor_version, version,
                created_at, updated_at, article_id, speaker_confidence)
            SELECT i %% %s, i %% %s + 1, 'We will build ' || i || ' new homes by ' || (2000 + i %% 50),
                'Speaker ' || (i %% 10), 'candidate', 'extracted', '', 1, now(), now(), (%s::int[])[i / %s + 1], 0.9
            FROM generate_series(0, %s - 1) AS i
            """,
            [per_article, per_article, articles, per_article, n],
        )


def _peak_while_streaming(client, query: dict) -> tuple[int, int]:
    response = client.get(EXPORT, query)
    gc.collect()
    tracemalloc.start()
    try:
        rows = sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return rows, peak


def test_an_export_of_100000_rows_keeps_memory_flat(client, checker):
    """Quotes (narrow rows keep tracemalloc's cost down; the claims export streams through
    the same cursor and writer): ten times the rows, not ten times the memory."""
    _bulk_quotes(100_000)
    client.force_login(checker)
    rows_small, peak_small = _peak_while_streaming(client, {"scope": "quotes", "speaker": "Speaker 3"})
    rows_big, peak_big = _peak_while_streaming(client, {"scope": "quotes"})
    assert (rows_small, rows_big) == (10_000, 100_000)
    assert peak_big < 1.5 * peak_small, (peak_small, peak_big)
    assert peak_big < 16 * 1024 * 1024
