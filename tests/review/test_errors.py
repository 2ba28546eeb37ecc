"""The error pages say why and what to do; a 403 is logged once, without a traceback; the
favicon is there; the paste message tells the truth about the extraction."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from factcheck.review.views.articles import submitted_message

pytestmark = pytest.mark.django_db


def test_403_page_gives_the_reason_and_is_logged_once(client, reporter, article, claim, caplog):
    client.force_login(reporter)
    with caplog.at_level(logging.INFO):
        response = client.post(reverse("review:triage_claim_accept", args=[article.pk, claim.pk]), {"version": 1})
    assert response.status_code == 403
    html = response.content.decode()
    assert '<h1 class="h3">You may not do this</h1>' in html
    assert 'id="error-reason">Your role may not do this (needs the &#x27;review&#x27; permission).</p>' in html
    assert "ask an editor or an administrator" in html
    forbidden = [r for r in caplog.records if getattr(r, "status_code", None) == 403 or "403" in r.getMessage()]
    assert [r.name for r in forbidden] == ["factcheck.request"]
    assert all(r.exc_info is None for r in forbidden)


def test_404_page_says_what_happened_and_where_to_go(client, checker):
    client.force_login(checker)
    response = client.get("/claims/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "<code>/claims/999999/</code>" in html
    assert f'href="{reverse("review:search")}">search</a>' in html


def test_500_page_renders_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in html and "it was not saved" in html


def test_favicon_is_linked_and_served(client, checker):
    client.force_login(checker)
    html = client.get(reverse("review:dashboard")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    anonymous = Client()
    response = anonymous.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"


@pytest.mark.parametrize(
    ("state", "words"),
    [
        ("done", "Article submitted and extracted: 1 claim and 1 quote to review."),
        ("pending", "can take up to about 30 seconds"),
        ("failed", "Article submitted, but its extraction failed: engine broke"),
    ],
)
def test_paste_message_tells_the_truth_about_extraction(article, claim, quote, state, words):
    article.extraction_state, article.extraction_error = state, "engine broke" if state == "failed" else ""
    article.save(update_fields=["extraction_state", "extraction_error"])
    assert words in submitted_message(article)
