"""ClaimReview that validates: the page's JSON-LD and the downloadable .jsonld hold to the
JSON Schema in docs/claimreview.schema.json (written from schema.org's and Google's
documented requirements), before and after a correction; the page carries a meta
description, Open Graph tags and a canonical link."""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from factcheck.claims.models import Person, PersonKind, Workflow

from ..factories import ClaimFactory, rating
from .helpers import correct_to_false
from .test_pages import parse

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(django_settings.BASE_DIR) / "docs" / "claimreview.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def errors(doc: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(doc)]


def check_rating(doc: dict) -> None:
    """What a JSON Schema cannot say: the value lies on the scale, best above worst."""
    r = doc["reviewRating"]
    if "ratingValue" in r:
        assert r["worstRating"] <= r["ratingValue"] <= r["bestRating"] and r["worstRating"] < r["bestRating"]


@pytest.fixture
def published(checker):
    person = Person.objects.create(name="Jane Minister", normalized_name="jane minister")
    return ClaimFactory(labelled=True, workflow=Workflow.PUBLISHED, verdict_by=checker, claimant=person)


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_page_and_download_validate_before_and_after_a_correction(client, published, editor):
    [page] = parse(client.get(published.get_public_url()).content.decode())[0]
    download = client.get(reverse("publishing:detail_jsonld", args=[published.pk]))
    assert download["Content-Type"] == "application/ld+json"
    assert download["Content-Disposition"] == f'attachment; filename="factcheck-{published.pk}.jsonld"'
    assert download.json() == page
    assert errors(page) == [] and "dateModified" not in page
    check_rating(page)

    correct_to_false(published, editor)
    [page] = parse(client.get(published.get_public_url()).content.decode())[0]
    assert errors(page) == []
    check_rating(page)
    correction = published.corrections.get()
    assert page["dateModified"] == correction.made_at.isoformat() and page["dateModified"] >= page["datePublished"]
    assert (
        page["reviewRating"]["alternateName"] == "False"
        and page["reviewRating"]["ratingValue"] == rating("false").value
    )
    assert client.get(reverse("publishing:detail_jsonld", args=[published.pk])).json() == page


def test_unrated_verdict_and_organisation_claimant_validate(client):
    org = Person.objects.create(name="Acme Lobby", normalized_name="acme lobby", kind=PersonKind.ORGANISATION)
    claim = ClaimFactory(labelled=True, workflow=Workflow.PUBLISHED, verdict=rating("unverifiable"), claimant=org)
    doc = client.get(reverse("publishing:detail_jsonld", args=[claim.pk])).json()
    assert errors(doc) == []


def test_the_schema_refuses_what_google_and_schema_org_would(client, published):
    good = client.get(reverse("publishing:detail_jsonld", args=[published.pk])).json()
    broken = {
        "no alternateName": lambda d: d["reviewRating"].pop("alternateName"),
        "relative url": lambda d: d.update(url=published.get_public_url()),
        "rating value as text": lambda d: d["reviewRating"].update(ratingValue="5"),
        "value without its scale": lambda d: d["reviewRating"].pop("bestRating"),
        "claim without author": lambda d: d["itemReviewed"].pop("author"),
        "person as the reviewer": lambda d: d["author"].update({"@type": "Person"}),
        "appearance without url": lambda d: d["itemReviewed"]["appearance"][0].pop("url"),
        "a date that is not one": lambda d: d.update(datePublished="last Tuesday"),
        "no claimReviewed": lambda d: d.pop("claimReviewed"),
    }
    for name, damage in broken.items():
        doc = copy.deepcopy(good)
        damage(doc)
        assert errors(doc), name


def test_unpublished_has_no_download(client):
    draft = ClaimFactory(labelled=True)
    assert client.get(reverse("publishing:detail_jsonld", args=[draft.pk])).status_code == 404


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta[a.get("name") or a.get("property")] = a.get("content", "")
        if tag == "link" and a.get("rel") in ("canonical", "alternate"):
            self.links[a.get("type") or a["rel"]] = a["href"]


def head_of(html: str) -> _Head:
    head = _Head()
    head.feed(html)
    return head


def test_public_pages_carry_description_open_graph_and_canonical(client, published):
    head = head_of(client.get(published.get_public_url()).content.decode())
    url = "http://testserver" + published.get_public_url()
    assert head.links["canonical"] == url and head.meta["og:url"] == url
    assert head.meta["description"].startswith("Mostly true: " + published.text)
    assert head.meta["og:type"] == "article" and head.meta["og:title"].startswith("Fact-check: ")
    assert head.meta["og:site_name"] == django_settings.NEWSROOM_NAME
    assert head.links["application/atom+xml"] == reverse("publishing:feed_atom")
    assert head.links["application/feed+json"] == reverse("publishing:feed_json")
    assert head.links["application/ld+json"] == reverse("publishing:detail_jsonld", args=[published.pk])
    listing = head_of(client.get(reverse("publishing:list")).content.decode())
    assert listing.links["canonical"] == "http://testserver" + reverse("publishing:list")
    assert listing.meta["description"] and listing.meta["og:title"] == "Published fact-checks"
