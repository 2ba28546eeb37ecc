"""The read endpoints, one resource at a time: list, detail, filters, cursor pagination and
constant query counts; every bad parameter a 400 that names it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factcheck.articles.models import ArticleKind, ExtractionState
from factcheck.claims.models import CandidateStatus, Correction, Person, PersonAlias, Workflow
from factcheck.linking.models import LinkState

from ..factories import (
    ArticleFactory,
    ClaimFactory,
    ClaimLinkFactory,
    EvidenceFactory,
    QuoteFactory,
    QuoteLinkFactory,
    make_articles,
    rating,
)
from .conftest import Api, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(checker) -> Api:
    return Api(token_for(checker, "read"))


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def walk(api: Api, url: str, params: dict) -> list[int]:
    """Every id of a list, following `next` to the end."""
    seen, response = [], api.get(url, params)
    while True:
        seen += ids(response)
        nxt = response.json()["next"]
        if not nxt:
            return seen
        response = api.get(nxt)


# --- Articles -------------------------------------------------------------------------------


def test_articles_list_detail_and_filters(reader, article, claim, quote):
    other = ArticleFactory(outlet_name="Other Times", published=datetime.date(2023, 1, 5))
    ArticleFactory(kind=ArticleKind.FACTCHECK, review_key="k1", outlet_name="Checkers")
    response = reader.get("/api/v1/articles/")
    assert ids(response) == [other.pk, article.pk]  # newest id first; news only by default
    row = response.json()["results"][1]
    assert row["headline"] == article.headline and row["outlet"]["name"] == "Example News"
    assert row["url"].endswith(f"/api/v1/articles/{article.pk}/") and row["url"].startswith("http://testserver")
    assert row["web_url"] == f"http://testserver/articles/{article.pk}/" and "body" not in row
    assert len(ids(reader.get("/api/v1/articles/", {"kind": "all"}))) == 3
    assert ids(reader.get("/api/v1/articles/", {"outlet": article.outlet.slug})) == [article.pk]
    assert ids(reader.get("/api/v1/articles/", {"outlet": str(other.outlet.pk)})) == [other.pk]
    assert ids(reader.get("/api/v1/articles/", {"date_to": "2023-12-31"})) == [other.pk]
    assert ids(reader.get("/api/v1/articles/", {"date_from": "2024-08-14", "date_to": "2024-08-14"})) == [article.pk]
    assert ids(reader.get("/api/v1/articles/", {"q": "prisoners"})) == [article.pk]
    assert ids(reader.get("/api/v1/articles/", {"state": "done"})) == []

    detail = reader.get(f"/api/v1/articles/{article.pk}/").json()
    assert detail["body"] == article.body
    assert detail["extraction"]["state"] == "pending" and detail["extraction"]["claims"] == 1
    assert detail["claims_url"].endswith(f"/api/v1/claims/?article={article.pk}")
    extraction = reader.get(f"/api/v1/articles/{article.pk}/extraction/").json()
    assert extraction == detail["extraction"]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"date_from": "14/08/2024"}, "date_from"),
        ({"date_from": "2024-08-15", "date_to": "2024-08-14"}, "date_to"),
        ({"outlet": "no-such-outlet"}, "outlet"),
        ({"state": "finished"}, "state"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "lots"}, "page_size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"sort": "headline"}, "sort"),
    ],
)
def test_a_bad_article_parameter_is_a_400_naming_it(reader, article, params, named):
    response = reader.get("/api/v1/articles/", params)
    assert response.status_code == 400
    body = response.json()
    assert named in body["errors"] and body["detail"].startswith(f"{named}:")


def test_missing_and_non_numeric_ids(reader):
    assert reader.get("/api/v1/articles/999999/").status_code == 404
    assert reader.get("/api/v1/articles/999999/").json() == {"detail": "No Article matches the given query."}
    assert reader.get("/api/v1/articles/99999999999999999999/").status_code == 404
    assert reader.get("/api/v1/articles/abc/").status_code == 404


# --- Pagination -----------------------------------------------------------------------------


def test_cursor_pagination_edges(reader):
    assert reader.get("/api/v1/articles/").json() == {"next": None, "previous": None, "results": []}
    articles = make_articles(7)
    newest_first = sorted((a.pk for a in articles), reverse=True)
    one_page = reader.get("/api/v1/articles/", {"page_size": 10})
    assert ids(one_page) == newest_first and one_page.json()["next"] is None
    assert walk(reader, "/api/v1/articles/", {"page_size": 3}) == newest_first
    exact = reader.get("/api/v1/articles/", {"page_size": 7}).json()
    assert exact["next"] is None and len(exact["results"]) == 7
    # The last page, then its previous link back.
    page = reader.get("/api/v1/articles/", {"page_size": 3})
    page = reader.get(page.json()["next"])
    last = reader.get(page.json()["next"])
    assert ids(last) == newest_first[6:] and last.json()["next"] is None
    assert ids(reader.get(last.json()["previous"])) == newest_first[3:6]


def test_a_cursor_survives_the_deletion_of_the_row_it_came_from(reader):
    articles = sorted(make_articles(6), key=lambda a: -a.pk)
    first = reader.get("/api/v1/articles/", {"page_size": 2})
    assert ids(first) == [articles[0].pk, articles[1].pk]
    articles[1].delete()  # the last row of the page the cursor points past
    articles[2].delete()  # and the first row of the next page
    second = reader.get(first.json()["next"])
    assert ids(second) == [articles[3].pk, articles[4].pk]


def test_list_queries_do_not_grow_with_the_page(reader, django_assert_max_num_queries):
    make_articles(3)
    reader.get("/api/v1/articles/")  # the token's first use writes its last-used time
    counts = {}
    for size in (3, 30):
        if size == 30:
            make_articles(27, outlet_name="Outlet B")
        for url in ("/api/v1/articles/", "/api/v1/claims/", "/api/v1/quotes/"):
            with CaptureQueriesContext(connection) as queries:
                assert len(ids(reader.get(url, {"page_size": size}))) == size
            counts[(url, size)] = len(queries)
    for url in ("/api/v1/articles/", "/api/v1/claims/", "/api/v1/quotes/"):
        assert counts[(url, 30)] == counts[(url, 3)], counts
    with django_assert_max_num_queries(8):
        reader.get("/api/v1/claims/", {"page_size": 30})


# --- Claims ---------------------------------------------------------------------------------


def test_claims_carry_verdict_evidence_and_corrections(reader, editor, claim):
    labelled = ClaimFactory(labelled=True, workflow=Workflow.PUBLISHED, outlet="Daily")
    EvidenceFactory(claim=labelled, url="https://stats.example/unemployment", title="Labour survey")
    Correction.objects.create(
        claim=labelled,
        previous_verdict=rating("false"),
        new_verdict=rating("mostly-true"),
        reason="The survey was revised.",
        made_by=editor,
    )
    detail = reader.get(f"/api/v1/claims/{labelled.pk}/").json()
    assert detail["verdict"]["slug"] == "mostly-true" and detail["verdict"]["scale"]
    assert detail["evidence"][0]["title"] == "Labour survey"
    correction = detail["corrections"][0]
    assert correction["reason"] == "The survey was revised."
    assert correction["previous_verdict"]["slug"] == "false" and correction["new_verdict"]["slug"] == "mostly-true"
    assert detail["state"] == "published" and detail["public_url"].endswith(f"/factchecks/{labelled.pk}/")
    assert detail["article"]["outlet"] == "Daily"
    row = reader.get("/api/v1/claims/", {"workflow": "published"}).json()["results"]
    assert [r["id"] for r in row] == [labelled.pk] and row[0]["evidence"] == detail["evidence"]
    plain = reader.get(f"/api/v1/claims/{claim.pk}/").json()
    assert plain["verdict"] is None and plain["public_url"] is None and plain["state"] == "candidate"


def test_claim_filters(reader, claim):
    high = ClaimFactory(text="GDP grew by 5% in 2023.", score=0.95, checkworthy=True, outlet="Ledger")
    low = ClaimFactory(text="The mayor opened a bridge.", score=0.1, status=CandidateStatus.REJECTED)
    labelled = ClaimFactory(labelled=True, workflow=Workflow.IN_REVIEW, claimant_text="Jane Minister")
    other = ClaimFactory(text="Inflation fell to 2% in May.", outlet="Ledger")
    ClaimLinkFactory(a=high, b=other, state=LinkState.CONFIRMED)

    def got(**params):
        return set(ids(reader.get("/api/v1/claims/", params)))

    assert got(q="GDP") == {high.pk}
    assert got(outlet="ledger") == {high.pk, other.pk}
    assert got(status="rejected") == {low.pk}
    assert got(workflow="in_review") == {labelled.pk}
    assert got(verdict="mostly-true") == {labelled.pk}
    assert got(verdict=str(labelled.verdict_id)) == {labelled.pk}
    assert got(speaker="jane") == {labelled.pk}
    assert got(score_min="0.9") == {high.pk}
    assert got(score_max="0.2") == {low.pk, labelled.pk, other.pk}  # the factory's default score is 0
    assert got(checkworthy="true") == {high.pk, claim.pk}
    assert got(link_state="confirmed") == {high.pk, other.pk}
    assert got(link_state="suggested") == set()
    assert claim.pk in got(link_state="none") and high.pk not in got(link_state="none")
    assert got(article=str(claim.article_id)) == {claim.pk}
    assert got(date_from="2024-08-14", date_to="2024-08-14") >= {claim.pk}
    for params, named in (
        ({"verdict": "no-such"}, "verdict"),
        ({"score_min": "2"}, "score_min"),
        ({"score_min": "0.9", "score_max": "0.1"}, "score_max"),
        ({"workflow": "done"}, "workflow"),
        ({"link_state": "maybe"}, "link_state"),
        ({"article": "x"}, "article"),
    ):
        response = reader.get("/api/v1/claims/", params)
        assert response.status_code == 400 and named in response.json()["errors"], params


# --- Quotes, speakers, links, fact-checks ---------------------------------------------------


def test_quotes_and_speakers(reader, quote):
    person = Person.objects.create(name="Volodymyr Zelenskyy", normalized_name="volodymyr zelenskyy")
    PersonAlias.objects.create(person=person, alias="Zelensky", normalized_alias="zelensky")
    said = QuoteFactory(text="We will win", speaker_text="Zelensky", speaker=person)
    assert set(ids(reader.get("/api/v1/quotes/"))) == {quote.pk, said.pk}
    assert ids(reader.get("/api/v1/quotes/", {"speaker": "zelenskyy"})) == [said.pk]
    assert ids(reader.get("/api/v1/quotes/", {"article": str(quote.article_id)})) == [quote.pk]
    detail = reader.get(f"/api/v1/quotes/{said.pk}/").json()
    assert detail["speaker"]["name"] == "Volodymyr Zelenskyy" and detail["text"] == "We will win"
    assert detail["speaker"]["url"].endswith(f"/api/v1/speakers/{person.pk}/")
    assert ids(reader.get("/api/v1/speakers/", {"q": "zelensky"})) == [person.pk]
    speaker = reader.get(f"/api/v1/speakers/{person.pk}/").json()
    assert speaker["aliases"] == ["Zelensky"] and "speaker=Volodymyr" in speaker["quotes_url"]
    assert reader.get("/api/v1/speakers/999999/").status_code == 404
    assert reader.get("/api/v1/quotes/999999/").status_code == 404


def test_links(reader, pair, quote):
    a, b = pair
    link = ClaimLinkFactory(a=a, b=b, state=LinkState.CONFIRMED, score=0.93)
    c = ClaimFactory(text="Something unrelated happened.")
    dismissed = ClaimLinkFactory(a=a, b=c, state=LinkState.DISMISSED, score=0.2)
    qlink = QuoteLinkFactory(a=quote, b=QuoteFactory(text="We are advancing on all fronts"))
    assert set(ids(reader.get("/api/v1/links/claims/"))) == {link.pk, dismissed.pk}
    assert ids(reader.get("/api/v1/links/claims/", {"state": "confirmed"})) == [link.pk]
    assert ids(reader.get("/api/v1/links/claims/", {"claim": str(c.pk)})) == [dismissed.pk]
    assert ids(reader.get("/api/v1/links/claims/", {"score_min": "0.9"})) == [link.pk]
    detail = reader.get(f"/api/v1/links/claims/{link.pk}/").json()
    assert {detail["source"]["id"], detail["target"]["id"]} == {a.pk, b.pk} and detail["relation"] == "same"
    assert ids(reader.get("/api/v1/links/quotes/", {"quote": str(quote.pk)})) == [qlink.pk]
    assert reader.get(f"/api/v1/links/quotes/{qlink.pk}/").json()["state"] == "suggested"
    assert reader.get("/api/v1/links/claims/", {"state": "sure"}).status_code == 400


def test_factchecks_are_the_published_claims_with_claimreview(reader, claim):
    published = ClaimFactory(labelled=True, workflow=Workflow.PUBLISHED, claimant_text="Jane Minister")
    ClaimFactory(labelled=True, workflow=Workflow.APPROVED, text="Approved, not yet published.")
    assert ids(reader.get("/api/v1/factchecks/")) == [published.pk]
    detail = reader.get(f"/api/v1/factchecks/{published.pk}/").json()
    review = detail["claim_review"]
    assert review["@type"] == "ClaimReview" and review["claimReviewed"] == published.text
    assert review["reviewRating"]["alternateName"] == "Mostly true"
    assert detail["public_url"] == f"http://testserver/factchecks/{published.pk}/"
    assert reader.get(f"/api/v1/factchecks/{claim.pk}/").status_code == 404  # not published
    assert ids(reader.get("/api/v1/factchecks/", {"verdict": "false"})) == []
    assert ids(reader.get("/api/v1/factchecks/", {"speaker": "jane"})) == [published.pk]


def test_extraction_state_of_a_done_article(reader):
    article = make_articles(1)[0]
    article.extraction_state = ExtractionState.DONE
    article.save()
    state = reader.get(f"/api/v1/articles/{article.pk}/extraction/").json()
    assert state["state"] == "done" and state["finished"] is True


def test_api_paths_are_what_reverse_says(reader, claim):
    """serializers.api_path fills an id into a path reversed once: the same address as reverse(),
    under another script prefix too (a desk served below /desk/)."""
    from django.urls import reverse, set_script_prefix

    from factcheck.api.serializers import api_path

    for name in ("article-detail", "claim-detail", "alert-detail", "alert-acknowledge", "article-extraction"):
        for pk in (1, 42, 1234567):
            assert api_path(name, pk) == reverse(f"api:{name}", args=[pk])
    set_script_prefix("/desk/")
    try:
        assert api_path("claim-detail", 7) == reverse("api:claim-detail", args=[7]) == "/desk/api/v1/claims/7/"
    finally:
        set_script_prefix("/")
    assert reader.get(f"/api/v1/claims/{claim.pk}/").json()["url"] == f"http://testserver/api/v1/claims/{claim.pk}/"
