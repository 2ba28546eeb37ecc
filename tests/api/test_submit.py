"""Submitting an article through the API: the web form's rules, the same intake service
(fingerprint, audit, extraction queued after commit), duplicates answered as the web does,
and every kind of bad input a 400 (413 for an oversize request) with a reason in words."""

from __future__ import annotations

import datetime

import pytest

from factcheck.articles.models import Article, ExtractionState
from factcheck.audit.models import AuditEvent
from factcheck.extraction.services import extraction_run
from tests.conftest import queued_work

from .conftest import Api, token_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/articles/"
BODY = (
    "Officials said on Tuesday that 40 tanks were lost near Kursk in August.\n\n"
    "“We are advancing,” the defence minister, Jane Smith, said. Unemployment fell to 3% last year."
)


@pytest.fixture
def cms(reporter) -> Api:
    return Api(token_for(reporter, "submit", name="CMS"))


def test_submit_stores_queues_and_says_where_to_watch(cms, reporter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        response = cms.post(
            URL,
            {"body": BODY, "headline": "Tanks lost", "outlet": "Example News", "published": "2024-08-15"},
        )
    assert response.status_code == 201, response.content
    data = response.json()
    article = Article.objects.get(pk=data["id"])
    assert data["created"] is True and "extractor is looking" in data["message"]
    assert response["Location"] == data["url"] == f"http://testserver/api/v1/articles/{article.pk}/"
    assert data["extraction_url"] == f"http://testserver/api/v1/articles/{article.pk}/extraction/"
    assert data["extraction"]["state"] == "pending" and data["extraction"]["finished"] is False
    assert article.body == BODY and article.headline == "Tanks lost" and article.outlet.name == "Example News"
    assert article.published == datetime.date(2024, 8, 15) and article.submitted_by == reporter
    assert article.source_name == "API (CMS)"
    assert AuditEvent.objects.filter(action="submitted", actor=reporter, object_id=article.pk).exists()
    assert len(queued_work(queued)) == 1  # the extraction task, enqueued once the article committed

    # What the worker does with it, then what the client sees when it polls.
    extraction_run(article_id=article.pk)
    state = cms.get(data["extraction_url"]).json()
    assert state["state"] == ExtractionState.DONE and state["finished"] is True
    assert state["claims"] >= 1 and state["quotes"] >= 1


def test_the_sample_formats_date_line_and_a_guessed_headline(cms):
    response = cms.post(URL, {"body": " date 2024-08-14 Ukraine says it took 100 prisoners\n\nThe rest."})
    article = Article.objects.get(pk=response.json()["id"])
    assert article.published == datetime.date(2024, 8, 14)
    assert article.headline == "Ukraine says it took 100 prisoners"


def test_a_duplicate_answers_with_the_article_already_there(cms, article):
    same_text_other_spacing = article.body.replace("\n\n", "\r\n\r\n  ")
    response = cms.post(URL, {"body": same_text_other_spacing})
    assert response.status_code == 200
    data = response.json()
    assert data["created"] is False and data["id"] == article.pk
    assert data["message"] == "This text is already on the desk. Nothing new was stored."
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"body": ""}, "body", "The article text is empty."),
        ({"body": "   \n  "}, "body", "The article text is empty."),
        ({"headline": "no body"}, "body", "This field is required."),
        ({"body": ["a", "list"]}, "body", "Not a valid string."),
        ({"body": "Text with a NUL \x00 in it."}, "body", "Null characters are not allowed"),
        ({"body": "Text with \ud800 in it."}, "body", "lone surrogate"),
        ({"body": BODY, "url": "javascript:alert(1)"}, "url", "http"),
        ({"body": BODY, "published": "2024-13-45"}, "published", "YYYY-MM-DD"),
        ({"body": BODY, "published": "2999-01-01"}, "published", ""),
    ],
)
def test_bad_fields_are_400_naming_the_field(cms, payload, field, words):
    response = cms.post(URL, payload)
    assert response.status_code == 400, response.content
    data = response.json()
    assert field in data["errors"] and words in " ".join(data["errors"][field])
    assert data["detail"].startswith(f"{field}:")
    assert Article.objects.count() == 0


def test_an_article_over_the_character_limit_is_refused_with_the_numbers(cms, settings):
    settings.ARTICLE_MAX_CHARS = 1_000
    response = cms.post(URL, {"body": "Forty tanks. " * 100})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The article is 1,300 characters long; the limit is 1,000. Split it into parts.",
        "errors": {"body": ["The article is 1,300 characters long; the limit is 1,000. Split it into parts."]},
    }
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b'{"body": "caf\xe9"}', "not UTF-8 (byte 0xe9 at byte 14)"),
        (b'{"body": "unterminated', "malformed JSON"),
        (b"", "body: This field is required."),
        (b"   ", "The request body is empty"),
        (b"[1, 2]", "must be a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "malformed JSON"),
    ],
)
def test_an_unreadable_body_is_a_400_in_words(cms, raw, words):
    response = cms.post(URL, raw=raw)
    assert response.status_code == 400, response.content
    assert words in response.json()["detail"]


def test_a_request_over_the_upload_limit_is_413_and_other_media_types_415(cms, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = cms.post(URL, {"body": "x" * 2_000})
    assert response.status_code == 413 and "over the limit of 1,000 bytes" in response.json()["detail"]
    response = cms.post(URL, raw=b"plain text", content_type="text/plain")
    assert response.status_code == 415 and "text/plain" in response.json()["detail"]
    assert Article.objects.count() == 0


def test_a_signed_in_session_must_send_the_csrf_token(reporter):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reporter)
    assert browser.get(URL, HTTP_ACCEPT="application/json").status_code == 200
    response = browser.post(URL, {"body": BODY}, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert Article.objects.count() == 0
