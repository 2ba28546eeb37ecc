"""The article list, the reader (body, candidates, status.json, panels) and article submission."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factcheck.articles.models import Article
from factcheck.audit.models import AuditEvent
from factcheck.claims.models import Claim, Quote
from factcheck.review.selectors import body_html

from ..factories import (
    make_articles,
    span_of,
)

pytestmark = pytest.mark.django_db


HOSTILE = '<script>alert(1)</script> and "><img src=x onerror=alert(1)>'


JSON = {"HTTP_ACCEPT": "application/json"}


def test_reader_shows_body_candidates_and_shortcuts(client, checker, article, claim, quote):
    client.force_login(checker)
    response = client.get(reverse("review:article", args=[article.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="article-body"' in html
    assert f'id="cand-claim-{claim.pk}"' in html and f'id="cand-quote-{quote.pk}"' in html
    assert f'data-cand="claim-{claim.pk}"' in html  # the highlight
    assert "Next / previous candidate" in html  # the shortcut list is on the page
    assert 'id="add-claim-from-selection"' in html


def test_reporter_sees_no_triage_buttons_but_can_add(client, reporter, article, claim):
    client.force_login(reporter)
    html = client.get(reverse("review:article", args=[article.pk])).content.decode()
    assert "cand-accept" not in html
    assert 'id="add-claim-from-selection"' in html


def test_body_html_text_equals_body_with_nested_and_crossing_spans(article):
    body = article.body
    outer = Claim(pk=1, start=17, end=60, status="accepted")
    inner = Quote(pk=2, start=30, end=40, status="candidate")
    crossing = Claim(pk=3, start=50, end=80, status="rejected")
    html = str(body_html(body, claims=[outer, crossing], quotes=[inner]))
    import re

    text = re.sub(r"<[^>]+>", "", html)
    from html import unescape

    assert unescape(text) == body
    assert html.count("<mark") == html.count("</mark>")
    assert 'data-cand="quote-2"' in html and 'data-cand="claim-3"' in html


def test_body_html_keeps_carriage_returns_as_references():
    html = str(body_html("a\r\nb", claims=[], quotes=[]))
    assert html == "a&#13;\nb"


def test_hostile_text_is_escaped_everywhere(client, checker, editor):
    body = f" date 2024-08-14 Headline here\n\nOfficials said {HOSTILE} today.\n\n“{HOSTILE}” he said.\n"
    article = Article.objects.create(body=body, headline=HOSTILE, published=datetime.date(2024, 8, 14))
    cs, ce = span_of(body, f"Officials said {HOSTILE} today.")
    Claim.objects.create(article=article, start=cs, end=ce, text=body[cs:ce], claimant_text=HOSTILE)
    qs = body.index("“") + 1
    Quote.objects.create(article=article, start=qs, end=qs + len(HOSTILE), text=HOSTILE, speaker_text=HOSTILE)
    client.force_login(checker)
    for url in (
        reverse("review:article", args=[article.pk]),
        reverse("review:article_panels", args=[article.pk]),
        reverse("review:search") + "?scope=claims",
        reverse("review:search") + "?scope=quotes",
        reverse("review:articles"),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
    assert "&lt;script&gt;" in client.get(reverse("review:article", args=[article.pk])).content.decode()


def test_status_json(client, checker, article):
    client.force_login(checker)
    data = client.get(reverse("review:article_status", args=[article.pk])).json()
    assert data["state"] == "pending" and data["finished"] is False


def test_panels_fragment(client, checker, article, claim):
    client.force_login(checker)
    response = client.get(reverse("review:article_panels", args=[article.pk]))
    assert response.status_code == 200
    assert b"<html" not in response.content and b'id="candidate-list"' in response.content


def test_submit_pasted_text(client, reporter):
    client.force_login(reporter)
    body = "A new article about 40 tanks.\r\n\r\nOfficials said 40 tanks were lost."
    response = client.post(
        reverse("review:article_submit"),
        {"text": body, "outlet": "Example", "headline": "Tanks", "published": "2024-08-15", "url": ""},
    )
    article = Article.objects.get(headline="Tanks")
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert article.body == body.replace("\r\n", "\n")
    assert article.submitted_by == reporter and article.outlet.name == "Example"
    assert AuditEvent.objects.filter(action="submitted").exists()


def test_submit_file_in_sample_format_takes_its_date(client, reporter, seeds_dir):
    client.force_login(reporter)
    path = seeds_dir / "cnn-2024-08-14-kursk.txt"
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")
    response = client.post(reverse("review:article_submit"), {"upload": upload, "outlet": "CNN"})
    assert response.status_code == 302
    article = Article.objects.get(source_name=path.name)
    assert article.published == datetime.date(2024, 8, 14)
    assert article.body == path.read_text(encoding="utf-8").removeprefix("\ufeff")


def test_submit_rejects_non_utf8_and_keeps_input(client, reporter):
    client.force_login(reporter)
    upload = SimpleUploadedFile("bad.txt", "café".encode("latin-1"), content_type="text/plain")
    response = client.post(reverse("review:article_submit"), {"upload": upload, "headline": "Kept headline"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "not UTF-8" in html and 'value="Kept headline"' in html


def test_submit_size_limit_and_empty(client, reporter, settings):
    settings.ARTICLE_MAX_BYTES = 10
    client.force_login(reporter)
    response = client.post(reverse("review:article_submit"), {"text": "x" * 11})
    assert response.status_code == 400 and "limit" in response.content.decode()
    response = client.post(reverse("review:article_submit"), {"text": "   "})
    assert response.status_code == 400 and "empty" in response.content.decode()


def test_submit_duplicate_links_to_existing(client, reporter, article):
    client.force_login(reporter)
    response = client.post(reverse("review:article_submit"), {"text": article.body}, follow=True)
    assert f'href="{article.get_absolute_url()}"' in response.content.decode()
    assert "already on the desk" in response.content.decode()
    assert Article.objects.count() == 1


def test_submit_form_fields_are_labelled(client, reporter):
    client.force_login(reporter)
    html = client.get(reverse("review:article_submit")).content.decode()
    for name in ("text", "upload", "headline", "outlet", "url", "published"):
        assert f'for="id_{name}"' in html, name


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


def test_article_create_refuses_an_empty_body_with_an_application_error(db):
    from factcheck.articles.services import article_create
    from factcheck.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="empty") as info:
        article_create(body="  \n", published=None)
    assert info.value.status == 400 and info.value.field == "body"


def test_submit_shows_a_refusal_of_the_service_on_the_text(client, reporter, monkeypatch):
    from factcheck.core.errors import ApplicationError
    from factcheck.review.views import articles

    def refuse(**kwargs):
        raise ApplicationError("The outlet is not on the desk's list.", field="outlet_name")

    monkeypatch.setattr(articles, "article_create", refuse)
    client.force_login(reporter)
    response = client.post(reverse("review:article_submit"), {"text": "Some article text.", "headline": "Kept"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The outlet is not on the desk&#x27;s list." in html and 'value="Kept"' in html
