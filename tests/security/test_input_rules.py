"""Web addresses (http/https only) and publication dates (plausible, nothing after them):
one rule each in factcheck/core/validators.py, refused with the same message on every
face: the forms, the services, the admin site, import_articles, the ClaimReview reader.
And a version no row ever had is an invalid form, not a colleague's save."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from factcheck.articles.intake import iter_path_records
from factcheck.articles.models import Article
from factcheck.articles.services import article_create
from factcheck.claims.models import Evidence, Workflow
from factcheck.claims.services import evidence_add
from factcheck.core.errors import ApplicationError
from factcheck.core.problems import IntakeProblem
from factcheck.core.validators import parse_publication_date, web_url
from factcheck.linking.claimreview import parse_document

from ..factories import ClaimFactory

BAD_URLS = [
    ("ftp://files.example.org/report.pdf", "“ftp:”"),
    ("javascript:alert(1)", "“javascript:”"),
    ("data:text/html,<script>alert(1)</script>", "“data:”"),
    ("JavaScript:alert(1)", "“JavaScript:”"),
    ("file:///etc/passwd", "“file:”"),
]
BAD_DATES = ["0001-01-01", "9999-12-31", "2024-08-14garbage", "1899-12-31", "2024-02-30", "14/08/2024"]
ONLY_HTTP = "Only http:// and https:// web addresses are accepted"


# The rules themselves ----------------------------------------------------------------


@pytest.mark.parametrize(("url", "named"), BAD_URLS)
def test_web_url_refuses_other_schemes(url, named):
    with pytest.raises(ValueError, match=ONLY_HTTP) as exc:
        web_url(url)
    assert named in str(exc.value)


@pytest.mark.parametrize("url", ["https://example.org/a?b=1#c", "http://10.0.0.1:8080/x", "  HTTPS://Example.org  "])
def test_web_url_accepts_http_and_https(url):
    assert web_url(url) == url.strip()


@pytest.mark.parametrize("url", ["https://", "http:///path", "https://exa mple.org", "example.org/x", ""])
def test_web_url_refuses_addresses_without_a_host(url):
    with pytest.raises(ValueError):
        web_url(url)


@pytest.mark.parametrize("text", BAD_DATES)
def test_parse_publication_date_refuses(text):
    with pytest.raises(ValueError, match="publication date"):
        parse_publication_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-08-14", datetime.date(2024, 8, 14)),
        (" 2024-08-14 ", datetime.date(2024, 8, 14)),
        ("2024-08-14T09:30:00Z", datetime.date(2024, 8, 14)),
        ("2024-08-14T09:30:00+02:00", datetime.date(2024, 8, 14)),
        ("1900-01-01", datetime.date(1900, 1, 1)),
    ],
)
def test_parse_publication_date_accepts(text, expected):
    assert parse_publication_date(text) == expected


def test_tomorrow_is_accepted_next_month_is_not():
    today = datetime.datetime.now(datetime.UTC).date()
    assert parse_publication_date((today + datetime.timedelta(days=1)).isoformat())
    with pytest.raises(ValueError, match="in the future"):
        parse_publication_date((today + datetime.timedelta(days=40)).isoformat())


# Services ------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "named"), BAD_URLS[:3])
def test_evidence_service_refuses(db, checker, claim, url, named):
    with pytest.raises(ApplicationError, match=ONLY_HTTP) as exc:
        evidence_add(claim=claim, url=url, title="t", note="n", actor=checker)
    assert exc.value.field == "url"
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("url", [u for u, _ in BAD_URLS[:3]])
def test_article_service_refuses_url(db, url):
    with pytest.raises(ApplicationError, match=ONLY_HTTP):
        article_create(body="Prices rose 5% last year.", published=datetime.date(2024, 8, 14), url=url, extract=False)
    assert not Article.objects.exists()


@pytest.mark.parametrize("date", [datetime.date(1, 1, 1), datetime.date(9999, 12, 31)])
def test_article_service_refuses_implausible_date(db, date):
    with pytest.raises(ApplicationError, match="publication date") as exc:
        article_create(body="Prices rose 5% last year.", published=date, extract=False)
    assert exc.value.field == "published"
    assert not Article.objects.exists()


# Forms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "named"), BAD_URLS[:3])
def test_evidence_form_refuses(client, login, checker, claim, url, named):
    response = login(checker).post(
        reverse("review:claim_evidence_add", args=[claim.pk]),
        {"evidence-url": url, "evidence-title": "Kept title", "evidence-note": "kept"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert ONLY_HTTP in body and "Kept title" in body
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(("url", "named"), BAD_URLS[:3])
def test_submit_form_refuses_url(client, login, reporter, url, named):
    response = login(reporter).post(
        reverse("review:article_submit"), {"text": "Prices rose 5% last year.", "url": url, "published": "2024-08-14"}
    )
    assert response.status_code == 400 and ONLY_HTTP in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("published", "message"),
    [
        ("0001-01-01", "is before 1900"),
        ("9999-12-31", "is in the future"),
        ("2024-08-14garbage", "Enter the publication date as YYYY-MM-DD"),
    ],
)
def test_submit_form_refuses_date(client, login, reporter, published, message):
    response = login(reporter).post(
        reverse("review:article_submit"), {"text": "Prices rose 5% last year.", "published": published}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize("line", ["0001-01-01", "9999-12-31", "2024-08-14garbage"])
def test_submit_form_refuses_the_date_line(client, login, reporter, line):
    response = login(reporter).post(reverse("review:article_submit"), {"text": f" date {line} Prices rose 5%.\n"})
    body = response.content.decode()
    assert response.status_code == 400 and "From the file&#x27;s date line" in body and line in body
    assert not Article.objects.exists()


# The admin site --------------------------------------------------------------------------


def admin_add(client, **fields):
    data = {
        "kind": "news",
        "headline": "Admin article",
        "body": "The minister said 40% of homes lost power.",
        "url": "",
        "byline": "",
        "source_name": "",
        "published": "2024-08-14",
        **{f"{p}-{k}": "0" for p in ("quotes", "claims") for k in ("TOTAL_FORMS", "INITIAL_FORMS")},
    }
    data.update(fields)
    return client.post(reverse("admin:articles_article_add"), data)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "ftp://files.example.org/a"}, ONLY_HTTP),
        ({"url": "javascript:alert(1)"}, ONLY_HTTP),
        ({"published": "0001-01-01"}, "is before 1900"),
        ({"published": "9999-12-31"}, "is in the future"),
    ],
)
def test_admin_add_refuses(client, admin_user, fields, message):
    client.force_login(admin_user)
    response = admin_add(client, **fields)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Article.objects.exists()


def test_admin_change_refuses_and_accepts(client, admin_user, article):
    client.force_login(admin_user)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {
        "kind": "news",
        "outlet": article.outlet_id or "",
        "headline": article.headline,
        "url": "data:text/html,hi",
        "byline": "",
        "source_name": "",
        "published": "2024-08-14",
        **{f"{p}-{k}": "0" for p in ("quotes", "claims") for k in ("TOTAL_FORMS", "INITIAL_FORMS")},
    }
    response = client.post(url, data)
    assert response.status_code == 200 and ONLY_HTTP in response.content.decode()
    article.refresh_from_db()
    assert article.url == ""
    data["url"] = "https://example.org/story"
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.url == "https://example.org/story"


# Importers -------------------------------------------------------------------------------


def test_import_articles_refuses_bad_dates_and_urls_and_keeps_going(db, tmp_path, capsys):
    good = {"body": "Inflation was 3.1% in July.", "published": "2024-08-14", "url": "https://example.org/a"}
    lines = [
        good,
        {**good, "body": "A", "published": "0001-01-01"},
        {**good, "body": "B", "published": "9999-12-31"},
        {**good, "body": "C", "published": "2024-08-14garbage"},
        {**good, "body": "D", "url": "ftp://files.example.org/d"},
        {**good, "body": "E", "url": "javascript:alert(1)"},
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    text = tmp_path / "bad-date.txt"
    text.write_text(" date 2024-08-14garbage Prices rose.\n")
    with pytest.raises(CommandError):
        call_command("import_articles", str(path), str(text), no_extract=True, no_progress=True)
    err = capsys.readouterr().err
    assert f"{path}:2: The publication date 0001-01-01 is before 1900" in err
    assert f"{path}:3: The publication date 9999-12-31 is in the future" in err
    assert f"{path}:4: The publication date '2024-08-14garbage' is not a date in YYYY-MM-DD form" in err
    assert f"{path}:5: " in err and "“ftp:”" in err
    assert f"{path}:6: " in err and "“javascript:”" in err
    assert f"{text}: The publication date '2024-08-14garbage'" in err
    assert list(Article.objects.values_list("body", flat=True)) == [good["body"]]


def test_intake_records_give_the_same_reasons(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(" date 9999-12-31 Prices rose.\n")
    (record,) = list(iter_path_records([path], max_bytes=10_000, outlet=""))
    assert isinstance(record, IntakeProblem) and "is in the future" in str(record)


def claimreview(**overrides):
    review = {
        "@type": "ClaimReview",
        "url": "https://factcheck.example/review/1",
        "claimReviewed": "Prices doubled last year.",
        "datePublished": "2024-08-15",
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
    }
    review.update(overrides)
    return review


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"datePublished": "0001-01-01"}, "datePublished: The publication date 0001-01-01 is before 1900"),
        ({"datePublished": "9999-12-31"}, "datePublished: The publication date 9999-12-31 is in the future"),
        ({"datePublished": "2024-08-14garbage"}, "datePublished: The publication date '2024-08-14garbage' is not"),
        ({"dateModified": "9999-12-31"}, "dateModified: The publication date 9999-12-31 is in the future"),
        ({"url": "https://"}, "no host name"),
    ],
)
def test_claimreview_reader_refuses(overrides, reason):
    (found,) = parse_document(claimreview(**overrides), "feed.jsonl:3")
    assert isinstance(found, IntakeProblem), found
    assert str(found).startswith("feed.jsonl:3: ClaimReview ") and reason in str(found)


def test_claimreview_reader_takes_iso_datetimes():
    (found,) = parse_document(claimreview(datePublished="2024-08-15T10:00:00Z"), "feed.json")
    assert found.date_published == datetime.date(2024, 8, 15)
    (found,) = parse_document(claimreview(datePublished=None), "feed.json")
    assert found.date_published is None


# Versions --------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [str(10**30), str(2**31)])
def test_absurd_version_is_an_invalid_form_not_a_colleagues_save(client, login, editor, checker, version):
    claim = ClaimFactory(labelled=True, verdict_by=checker, workflow=Workflow.IN_REVIEW)
    response = login(editor).post(reverse("review:claim_approve", args=[claim.pk]), {"version": version}, follow=True)
    body = response.content.decode()
    assert "The form is invalid or out of date" in body
    assert "someone else" not in body.lower() and "meanwhile" not in body.lower()
    claim.refresh_from_db()
    assert claim.workflow == Workflow.IN_REVIEW


def test_a_version_newer_than_stored_is_refused_by_the_service(db, editor, checker):
    from factcheck.claims.services import claim_approve
    from factcheck.core.errors import StaleEdit

    claim = ClaimFactory(labelled=True, verdict_by=checker, workflow=Workflow.IN_REVIEW)
    with pytest.raises(ApplicationError, match="invalid or out of date") as exc:
        claim_approve(claim=claim, actor=editor, expected_version=claim.version + 1)
    assert not isinstance(exc.value, StaleEdit)
    claim.refresh_from_db()
    assert claim.workflow == Workflow.IN_REVIEW
