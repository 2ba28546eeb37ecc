"""Atom and JSON Feed of published and corrected fact-checks: public, with an ETag and
Last-Modified that answer 304 while nothing changed and change with a correction."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from factcheck.claims.models import Workflow

from ..factories import ClaimFactory
from .helpers import correct_to_false

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def published(checker):
    return ClaimFactory(labelled=True, workflow=Workflow.PUBLISHED, verdict_by=checker, claimant_text="the minister")


def test_feeds_list_published_fact_checks_only(client, published):
    ClaimFactory(labelled=True, text="A draft that must not leak.", workflow=Workflow.APPROVED)
    atom = client.get(reverse("publishing:feed_atom"))
    assert atom.status_code == 200 and atom["Content-Type"].startswith("application/atom+xml")
    [entry] = ET.fromstring(atom.content).findall(f"{ATOM}entry")  # noqa: S314 - our own feed
    assert entry.find(f"{ATOM}title").text == f"Mostly true: {published.text}"
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver" + published.get_public_url()
    assert b"must not leak" not in atom.content
    feed = client.get(reverse("publishing:feed_json"))
    assert feed["Content-Type"] == "application/feed+json"
    body = feed.json()
    assert body["version"] == "https://jsonfeed.org/version/1.1"
    [item] = body["items"]
    assert item["url"] == "http://testserver" + published.get_public_url() and item["tags"] == ["fact-check"]
    assert item["date_published"] == item["date_modified"] == published.published_at.isoformat()


@pytest.mark.parametrize("name", ["publishing:feed_atom", "publishing:feed_json"])
def test_304_until_a_correction_changes_the_etag(client, published, editor, name, django_assert_max_num_queries):
    url = reverse(name)
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert first.status_code == 200 and etag and last_modified
    with django_assert_max_num_queries(2):  # the cheap aggregate, nothing else
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304

    correct_to_false(published, editor)
    after = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and after["ETag"] != etag
    assert b"correction" in after.content and b"False" in after.content
    assert client.get(url, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304


def test_a_new_publication_changes_the_etag(client, published):
    etag = client.get(reverse("publishing:feed_json"))["ETag"]
    ClaimFactory(labelled=True, text="Another published check.", workflow=Workflow.PUBLISHED)
    response = client.get(reverse("publishing:feed_json"), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and len(response.json()["items"]) == 2
