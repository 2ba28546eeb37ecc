"""Public fact-check pages: no login, only published claims, ClaimReview JSON-LD that
parses and matches schema.org, and hostile text that stays inert."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from factcheck.claims.models import Person, PersonKind, Workflow

from ..factories import HOSTILE, ClaimFactory, EvidenceFactory, rating
from .helpers import correct_to_false

pytestmark = pytest.mark.django_db


class _JsonLd(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self.scripts: list[dict] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))
            self._in = dict(attrs).get("type") == "application/ld+json"
            if self._in:
                self.blocks.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.blocks[-1] += data


def parse(html: str) -> tuple[list[dict], list[dict]]:
    parser = _JsonLd()
    parser.feed(html)
    return [json.loads(b) for b in parser.blocks], parser.scripts


@pytest.fixture
def published(db, checker):
    person = Person.objects.create(name="Jane Minister", normalized_name="jane minister")
    claim = ClaimFactory(
        labelled=True, workflow=Workflow.PUBLISHED, verdict_by=checker, claimant=person, claimant_text="the minister"
    )
    EvidenceFactory(claim=claim, title="ONS labour market", note="Table 3")
    return claim


def test_list_and_detail_need_no_login(client, published):
    draft = ClaimFactory(labelled=True, text="Wages rose 10% in a month.")
    body = client.get(reverse("publishing:list")).content.decode()
    assert published.text in body and draft.text not in body
    response = client.get(published.get_public_url())
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Mostly true",
        "Close, but the figure was 3.2%.",
        "The statistics office says 3.2%.",
        "ONS labour market",
        "Table 3",
        "Jane Minister",
    ):
        assert text in body


def test_unpublished_and_missing_are_404(client, editor):
    for workflow in (Workflow.DRAFT, Workflow.IN_REVIEW, Workflow.APPROVED):
        claim = ClaimFactory(labelled=True, text=f"Claim in state {workflow}.", workflow=workflow)
        assert client.get(claim.get_public_url()).status_code == 404
    assert client.get(reverse("publishing:detail", args=[999999])).status_code == 404
    assert client.get(reverse("publishing:list"), {"page": "nonsense"}).status_code == 200
    assert client.post(reverse("publishing:list")).status_code == 405


def test_claimreview_jsonld(client, published):
    [data], _ = parse(client.get(published.get_public_url()).content.decode())
    assert data["@context"] == "https://schema.org" and data["@type"] == "ClaimReview"
    assert data["url"] == "http://testserver" + published.get_public_url()
    assert data["claimReviewed"] == published.text
    assert data["datePublished"] == published.published_at.date().isoformat()
    assert data["author"]["@type"] == "Organization" and data["author"]["name"]
    assert data["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly true",
        "ratingValue": 5,
        "bestRating": 6,
        "worstRating": 1,
    }
    item = data["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "Jane Minister"}
    assert item["datePublished"] == published.article.published.isoformat()
    [appearance] = item["appearance"]
    assert appearance["@type"] == "CreativeWork" and appearance["url"] == published.article.url
    assert appearance["publisher"]["name"] == published.article.outlet.name


def test_claimreview_unrated_verdict_and_organisation_claimant(client):
    org = Person.objects.create(name="Acme Lobby", normalized_name="acme lobby", kind=PersonKind.ORGANISATION)
    claim = ClaimFactory(labelled=True, workflow=Workflow.PUBLISHED, verdict=rating("unverifiable"), claimant=org)
    [data], _ = parse(client.get(claim.get_public_url()).content.decode())
    assert data["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable"}
    assert data["itemReviewed"]["author"] == {"@type": "Organization", "name": "Acme Lobby"}


def test_hostile_claim_stays_inert_in_jsonld_and_page(client):
    text = f"He said </script><script>alert(1)</script> and {HOSTILE} today."
    claim = ClaimFactory(labelled=True, text=text, workflow=Workflow.PUBLISHED, verdict_summary=HOSTILE)
    EvidenceFactory(claim=claim, title=HOSTILE, note=HOSTILE)
    html = client.get(claim.get_public_url()).content.decode()
    [data], scripts = parse(html)
    assert data["claimReviewed"] == text  # round-trips exactly
    assert [s.get("type") for s in scripts] == ["application/ld+json", None]  # no injected script element
    assert "<script>alert(1)</script>" not in html
    assert '" onmouseover="alert(1)' not in html


def test_corrections_are_listed_with_date_and_reason(client, published, editor):
    correct_to_false(published, editor)
    body = client.get(published.get_public_url()).content.decode()
    assert "the verdict changed from Mostly true to False" in body
    assert "The statistics office revised its figure." in body
    [data], _ = parse(body)
    assert data["reviewRating"]["alternateName"] == "False"


def test_detail_query_count(client, published, django_assert_max_num_queries):
    for n in range(2, 8):
        EvidenceFactory(claim=published, n=n)
    with django_assert_max_num_queries(8):
        assert client.get(published.get_public_url()).status_code == 200
