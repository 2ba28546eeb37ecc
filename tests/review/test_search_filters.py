"""The search page's filters, one by one and combined, on one mixed data set: every stage,
assigned and unassigned claims, suggested, confirmed and dismissed links, a match with an
imported fact-check, two outlets, dates, speakers and scores. Each test asks the page (form
and selector together) and compares the claims it lists with the ones expected by name."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from factcheck.articles.models import ArticleKind
from factcheck.claims.models import CandidateStatus, Workflow
from factcheck.linking.models import LinkState, Relation

from ..factories import ArticleFactory, ClaimFactory, ClaimLinkFactory, QuoteFactory, QuoteLinkFactory, rating

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def world(checker, checker2):
    """Named claims; the imported fact-check's own claim ("imported") is a claim too."""
    c = {}
    c["candidate"] = ClaimFactory(
        text="Unemployment doubled in Kursk since May.",
        outlet="Kyiv Post",
        published=D(2024, 8, 1),
        score=0.9,
        checkworthy=True,
        claimant_text="Minister Jones",
    )
    c["rejected"] = ClaimFactory(
        text="The weather was pleasant on Tuesday.",
        outlet="BBC",
        published=D(2024, 8, 5),
        score=0.1,
        status=CandidateStatus.REJECTED,
    )
    c["draft"] = ClaimFactory(
        text="Ten bridges were destroyed in Kursk.",
        outlet="Kyiv Post",
        published=D(2024, 8, 10),
        score=0.7,
        status=CandidateStatus.ACCEPTED,
        assigned_to=checker,
        claimant_text="General Smith",
    )
    c["in_review"] = ClaimFactory(
        text="Inflation reached 9 percent in July.",
        outlet="BBC",
        published=D(2024, 8, 12),
        score=0.6,
        status=CandidateStatus.ACCEPTED,
        workflow=Workflow.IN_REVIEW,
        verdict=rating("false"),
        assigned_to=checker2,
    )
    c["published"] = ClaimFactory(
        text="Unemployment fell to 3 percent last year.",
        outlet="BBC",
        published=D(2024, 8, 20),
        score=0.8,
        status=CandidateStatus.ACCEPTED,
        workflow=Workflow.PUBLISHED,
        verdict=rating("true"),
    )
    fact_check = ArticleFactory(
        kind=ArticleKind.FACTCHECK,
        review_key="review-1",
        text="Unemployment fell to 3 percent last year, the minister said.",
        outlet_name="Full Fact",
        published=D(2024, 7, 1),
    )
    c["imported"] = ClaimFactory(
        article=fact_check, text="Unemployment fell to 3 percent last year, the minister said.", score=0.5
    )
    # Links: draft–in_review suggested; published–imported confirmed (so "already checked");
    # candidate–rejected dismissed (which counts as no link at all).
    ClaimLinkFactory(a=c["draft"], b=c["in_review"], state=LinkState.SUGGESTED)
    ClaimLinkFactory(a=c["published"], b=c["imported"], state=LinkState.CONFIRMED, relation=Relation.SAME)
    ClaimLinkFactory(a=c["candidate"], b=c["rejected"], state=LinkState.DISMISSED)
    return c


def found(client, user, **params) -> set[str] | int:
    """The names of the claims the search page lists for `params` (or the status when not 200)."""
    client.force_login(user)
    response = client.get(reverse("review:search"), {"scope": "claims", **params})
    if response.status_code != 200:
        return response.status_code
    return {name for name, claim in WORLD.items() if claim.pk in {c.pk for c in response.context["page"]}}


WORLD: dict = {}


@pytest.fixture(autouse=True)
def _world(world):
    WORLD.clear()
    WORLD.update(world)


ALL = {"candidate", "rejected", "draft", "in_review", "published", "imported"}


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, ALL),
        ({"stage": "candidate"}, {"candidate", "imported"}),
        ({"stage": "rejected"}, {"rejected"}),
        ({"stage": "draft"}, {"draft"}),
        ({"stage": "in_review"}, {"in_review"}),
        ({"stage": "approved"}, set()),
        ({"stage": "published"}, {"published"}),
        ({"assignee": "someone"}, {"draft", "in_review"}),
        ({"assignee": "nobody"}, {"candidate", "rejected", "published", "imported"}),
        ({"links": "none"}, {"candidate", "rejected"}),
        ({"links": "suggested"}, {"draft", "in_review"}),
        ({"links": "confirmed"}, {"published", "imported"}),
        ({"links": "checked"}, {"published"}),
        ({"verdict": "<false>"}, {"in_review"}),
        ({"outlet": "<BBC>"}, {"rejected", "in_review", "published"}),
        ({"date_from": "2024-08-05", "date_to": "2024-08-12"}, {"rejected", "draft", "in_review"}),
        ({"date_from": "2024-08-12"}, {"in_review", "published"}),
        ({"speaker": "jones"}, {"candidate"}),
        ({"score_min": "0.7"}, {"candidate", "draft", "published"}),
        ({"score_min": "0.2", "score_max": "0.6"}, {"in_review", "imported"}),
        ({"q": "unemployment"}, {"candidate", "published", "imported"}),
        ({"checkworthy": "yes"}, {"candidate"}),
        ({"status": "accepted"}, {"draft", "in_review", "published"}),
        # Combinations: every filter narrows the others.
        ({"q": "unemployment", "links": "checked"}, {"published"}),
        ({"q": "unemployment", "stage": "candidate", "outlet": "<Kyiv Post>"}, {"candidate"}),
        ({"outlet": "<Kyiv Post>", "assignee": "someone", "links": "suggested"}, {"draft"}),
        ({"outlet": "<BBC>", "links": "none", "score_min": "0.05"}, {"rejected"}),
        ({"stage": "in_review", "verdict": "<false>", "assignee": "nobody"}, set()),
        ({"q": "Kursk", "date_to": "2024-08-05", "stage": "candidate"}, {"candidate"}),
    ],
)
def test_each_filter_and_combinations(client, checker, params, expected):
    from factcheck.articles.models import Outlet

    resolved = {}
    for key, value in params.items():
        if value.startswith("<") and key == "verdict":
            value = str(rating(value[1:-1]).pk)
        elif value.startswith("<") and key == "outlet":
            value = str(Outlet.objects.get(name=value[1:-1]).pk)
        resolved[key] = value
    assert found(client, checker, **resolved) == expected


def test_assigned_to_me_depends_on_who_asks(client, checker, checker2, editor):
    assert found(client, checker, assignee="me") == {"draft"}
    assert found(client, checker2, assignee="me") == {"in_review"}
    assert found(client, editor, assignee="me") == set()


def test_every_role_sees_the_same_results_and_an_outsider_none(client, reporter, checker, editor, outsider):
    """Every member of the desk sees every claim (roles decide actions, not sight); someone
    with no role gets the 403 page, as from every workspace page."""
    for user in (reporter, checker, editor):
        assert found(client, user) == ALL
        assert found(client, user, links="checked") == {"published"}
    assert found(client, outsider) == 403


@pytest.mark.parametrize(
    "params,message",
    [
        ({"date_from": "2024-13-45"}, "Enter a date as YYYY-MM-DD"),
        ({"date_to": "yesterday"}, "Enter a date as YYYY-MM-DD"),
        ({"date_from": "2024-09-01", "date_to": "2024-08-01"}, "The end date is before the start date."),
        ({"stage": "finished"}, "Unknown stage “finished”: choose one from the list."),
        ({"assignee": "bob"}, "Unknown assignee “bob”"),
        ({"links": "lots"}, "Unknown link state “lots”"),
        ({"verdict": "abc"}, "Unknown verdict"),
        ({"verdict": "999999"}, "Unknown verdict"),
        ({"outlet": "999999"}, "Unknown outlet"),
        ({"score_min": "high"}, "Enter a score between 0 and 1"),
        ({"score_min": "-1"}, "A score is at least 0."),
        ({"score_min": "0.9", "score_max": "0.1"}, "The upper score is below the lower one."),
        ({"q": "x" * 301}, "at most 300 characters"),
    ],
)
def test_malformed_filters_say_why_keep_values_and_list_nothing(client, checker, params, message):
    client.force_login(checker)
    response = client.get(reverse("review:search"), {"scope": "claims", "speaker": "kept speaker", **params})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters could not be read" in html
    assert message in html
    assert 'value="kept speaker"' in html  # what was typed stays in the form
    assert response.context["page"].paginator.count == 0  # no unfiltered results that look filtered


def test_form_values_are_kept_after_submit(client, checker, world):
    client.force_login(checker)
    response = client.get(
        reverse("review:search"),
        {"scope": "claims", "q": "unemployment", "stage": "published", "links": "checked", "assignee": "nobody"},
    )
    html = response.content.decode()
    assert 'value="unemployment"' in html
    assert '<option value="published" selected>' in html
    assert '<option value="checked" selected>' in html
    assert '<option value="nobody" selected>' in html
    assert 'class="filter-chip">Links: Already checked elsewhere' in html


def test_quote_filters(client, checker):
    a = QuoteFactory(text="We will win this war", speaker_text="the president")
    b = QuoteFactory(text="Prices will fall soon", speaker_text="the governor", status=CandidateStatus.ACCEPTED)
    c = QuoteFactory(text="Prices will fall by spring", speaker_text="the governor")
    QuoteLinkFactory(a=b, b=c, state=LinkState.CONFIRMED)
    client.force_login(checker)

    def quotes(**params):
        response = client.get(reverse("review:search"), {"scope": "quotes", **params})
        return {q.pk for q in response.context["page"]}

    assert quotes(links="none") == {a.pk}
    assert quotes(links="confirmed") == {b.pk, c.pk}
    assert quotes(links="confirmed", status="accepted") == {b.pk}
    assert quotes(speaker="governor", q="prices") == {b.pk, c.pk}
    # "already checked" is about claims: the quotes tab does not offer it, and says so.
    response = client.get(reverse("review:search"), {"scope": "quotes", "links": "checked"})
    assert response.status_code == 400 and "Unknown link state" in response.content.decode()


def test_tabs_carry_the_shared_filters(client, checker, world):
    client.force_login(checker)
    response = client.get(reverse("review:search"), {"scope": "claims", "q": "Kursk", "stage": "draft"})
    tabs = {tab["scope"]: tab["query"] for tab in response.context["tabs"]}
    assert tabs["quotes"] == "q=Kursk&scope=quotes"  # text kept, the claim-only stage dropped


def test_stage_and_verdict_shown_per_result(client, checker, world):
    client.force_login(checker)
    html = client.get(reverse("review:search"), {"scope": "claims", "stage": "in_review"}).content.decode()
    assert '<span class="stage-badge is-in_review">In review</span>' in html
    assert "False" in html and 'data-label="Verdict"' in html
    assert "chloe" in html  # assigned to


@pytest.mark.parametrize(
    "params",
    [
        {"scope": "claims"},
        {"scope": "claims", "q": "Kursk", "links": "suggested", "assignee": "someone", "stage": "draft"},
        {"scope": "claims", "links": "checked", "verdict": ""},
        {"scope": "quotes", "links": "none"},
    ],
)
def test_query_count_is_flat_with_page_size(client, checker, monkeypatch, django_assert_max_num_queries, params):
    """Ten or sixty results on a page, each with its article, outlet, verdict, claimant and
    assignee: the same number of queries (saved filters listed too)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from factcheck.review.views import common

    for i in range(60):
        a = ClaimFactory(
            text=f"Bridge number {i} was destroyed in Kursk.",
            status=CandidateStatus.ACCEPTED,
            assigned_to=checker,
            verdict=rating("false"),
            claimant_text="General Smith",
        )
        text = f"Officials said bridge {i} fell in Kursk."
        check = ArticleFactory(kind=ArticleKind.FACTCHECK, review_key=f"review-b{i}", text=text)
        b = ClaimFactory(article=check, text=text)
        ClaimLinkFactory(a=a, b=b, state=LinkState.SUGGESTED)
        QuoteFactory(text=f"We lost bridge {i}")
    client.force_login(checker)
    client.post(reverse("review:saved_filter_create"), {"name": "Bridges", "query": "scope=claims&q=bridge"})
    url = reverse("review:search")
    monkeypatch.setattr(common, "PAGE_SIZE", 10)
    client.get(url, params)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url, params)
    assert response.status_code == 200 and len(response.context["page"]) == 10
    monkeypatch.setattr(common, "PAGE_SIZE", 100)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url, params)
    assert len(response.context["page"]) > 10
