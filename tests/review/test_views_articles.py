"""The article reader, its triage actions (HTML and JSON), and article submission."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factcheck.articles.models import Article
from factcheck.audit.models import AuditEvent
from factcheck.claims import services
from factcheck.claims.models import CandidateStatus, Claim, Quote
from factcheck.review.selectors import body_html

from .conftest import span_of

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script> and "><img src=x onerror=alert(1)>'
JSON = {"HTTP_ACCEPT": "application/json"}


# --- Reader ----------------------------------------------------------------------------------


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


# --- Triage actions ----------------------------------------------------------------------------


def test_accept_without_js_redirects_back_to_the_candidate(client, checker, article, claim):
    client.force_login(checker)
    response = client.post(reverse("review:triage_claim_accept", args=[article.pk, claim.pk]), {"version": 1})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#cand-claim-{claim.pk}")
    claim.refresh_from_db()
    assert claim.status == CandidateStatus.ACCEPTED


def test_reject_with_json(client, checker, article, quote):
    client.force_login(checker)
    url = reverse("review:triage_quote_reject", args=[article.pk, quote.pk])
    data = client.post(url, {"version": 1}, **JSON).json()
    assert data["ok"] is True and data["status"] == "rejected"


def test_stale_decision_is_refused_and_lists_the_change(client, checker, checker2, article, claim):
    services.claim_accept(claim=Claim.objects.get(pk=claim.pk), actor=checker2)
    client.force_login(checker)
    url = reverse("review:triage_claim_reject", args=[article.pk, claim.pk])
    response = client.post(url, {"version": 1, "seen_status": "candidate"}, **JSON)
    assert response.status_code == 409
    data = response.json()
    assert data["stale"] is True
    assert "status: “candidate” → “accepted”" in data["message"]
    claim.refresh_from_db()
    assert claim.status == CandidateStatus.ACCEPTED


def test_stale_edit_without_js_keeps_what_was_typed(client, checker, checker2, article, claim):
    services.claim_edit_span(
        claim=Claim.objects.get(pk=claim.pk), start=claim.start, end=claim.start + 6, actor=checker2, expected_version=1
    )
    client.force_login(checker)
    prefix = f"claim-{claim.pk}-edit"
    url = reverse("review:triage_claim_edit", args=[article.pk, claim.pk])
    typed = {f"{prefix}-start": claim.start, f"{prefix}-end": claim.end - 1, f"{prefix}-version": 1}
    seen = {f"{prefix}-seen_start": claim.start, f"{prefix}-seen_end": claim.end}
    response = client.post(url, {**typed, **seen})
    assert response.status_code == 409
    html = response.content.decode()
    assert "someone else changed this claim" in html
    assert "text: “Troops captured around 2km" in html and "→ “Troops”" in html
    assert f'value="{claim.end - 1}"' in html  # the editor's value is still in the form
    assert f'name="{prefix}-version" value="2"' in html  # ... now based on the current version
    claim.refresh_from_db()
    assert claim.text == "Troops"


def test_edit_bad_input(client, checker, article, claim):
    client.force_login(checker)
    prefix = f"claim-{claim.pk}-edit"
    url = reverse("review:triage_claim_edit", args=[article.pk, claim.pk])
    response = client.post(url, {f"{prefix}-start": 10, f"{prefix}-end": 5, f"{prefix}-version": 1}, **JSON)
    assert response.status_code == 400
    assert f"{prefix}-end" in response.json()["errors"]
    response = client.post(url, {f"{prefix}-start": 0, f"{prefix}-end": 99999, f"{prefix}-version": 1}, **JSON)
    assert response.status_code == 400
    assert "not inside the article" in response.json()["message"]


def test_quote_edit_view(client, checker, article, quote):
    client.force_login(checker)
    prefix = f"quote-{quote.pk}-edit"
    url = reverse("review:triage_quote_edit", args=[article.pk, quote.pk])
    data = {f"{prefix}-start": quote.start, f"{prefix}-end": quote.end, f"{prefix}-version": 1}
    response = client.post(url, {**data, f"{prefix}-speaker_name": "Volodymyr Zelenskyy"})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.speaker.name == "Volodymyr Zelenskyy"


def test_add_claim_from_selection(client, reporter, article):
    client.force_login(reporter)
    start, end = span_of(article.body, "Ukraine says it took 100 prisoners")
    response = client.post(reverse("review:triage_claim_add", args=[article.pk]), {"start": start, "end": end}, **JSON)
    assert response.status_code == 200
    claim = Claim.objects.get(pk=int(response.json()["key"].split("-")[1]))
    assert claim.text == "Ukraine says it took 100 prisoners" and claim.origin == "editor"


def test_add_bad_input_rerenders_with_values(client, reporter, article):
    client.force_login(reporter)
    url = reverse("review:triage_quote_add", args=[article.pk])
    response = client.post(url, {"start": 5, "end": 999999, "speaker_name": "Someone"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="999999"' in html and 'value="Someone"' in html


def test_merge_and_split_views(client, checker, article):
    a = span_of(article.body, "Troops captured around 2km more of the region")
    b = span_of(article.body, "on Wednesday, officials said.")
    first = Claim.objects.create(article=article, start=a[0], end=a[1], text=article.body[a[0] : a[1]])
    second = Claim.objects.create(article=article, start=b[0], end=b[1], text=article.body[b[0] : b[1]])
    client.force_login(checker)
    url = reverse("review:triage_claim_merge", args=[article.pk])
    assert client.post(url, {"claims": [first.pk]}, **JSON).status_code == 400
    response = client.post(url, {"claims": [first.pk, second.pk]}, **JSON)
    assert response.status_code == 200
    merged = Claim.objects.get(article=article, start=a[0], end=b[1])
    prefix = f"claim-{merged.pk}-split"
    split_url = reverse("review:triage_claim_split", args=[article.pk, merged.pk])
    bad = client.post(split_url, {f"{prefix}-at": merged.end + 5, f"{prefix}-version": merged.version}, **JSON)
    assert bad.status_code == 400
    ok = client.post(split_url, {f"{prefix}-at": b[0], f"{prefix}-version": merged.version}, **JSON)
    assert ok.status_code == 200
    assert Claim.objects.filter(article=article, status=CandidateStatus.ACCEPTED).count() == 2


def test_panels_fragment(client, checker, article, claim):
    client.force_login(checker)
    response = client.get(reverse("review:article_panels", args=[article.pk]))
    assert response.status_code == 200
    assert b"<html" not in response.content and b'id="candidate-list"' in response.content


# --- Submission --------------------------------------------------------------------------------


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
