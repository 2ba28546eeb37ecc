"""ClaimReview import: every organisation's review kept, batched writes, hostile feeds."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from factcheck.articles.models import Article, ArticleKind, ExtractionState
from factcheck.claims.models import Claim, Origin
from factcheck.linking import importing
from factcheck.linking.claimreview import iter_reviews
from factcheck.linking.models import ClaimEmbedding
from factcheck.linking.selectors import previous_checks

pytestmark = pytest.mark.django_db

CLAIM = "The new bridge cost four times its budget"


def review(url: str, org: str, rating: str, *, text: str = CLAIM, **extra) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": text,
        "author": {"@type": "Organization", "name": org},
        "datePublished": "2025-03-01",
        "reviewRating": {"@type": "Rating", "alternateName": rating},
        **extra,
    }


def write_jsonl(path, items) -> str:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in items) + "\n", encoding="utf-8")
    return str(path)


def run(*paths: str) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_claimreview", *paths, "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        return f"{exc}\n{err.getvalue()}"
    return out.getvalue() + err.getvalue()


def test_two_organisations_are_kept_and_an_update_replaces_its_earlier_version(tmp_path, client, checker):
    alpha = review(
        "https://alpha.example/bridge",
        "Alpha Check",
        "False",
        headline="No, the bridge did not cost four times its budget",
        description="The overrun was 40 percent, audit figures show.",
        itemReviewed={
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Jo Mayor"},
            "appearance": {"@type": "CreativeWork", "url": "https://news.example/bridge"},
            "datePublished": "2025-02-20",
        },
    )
    feed = write_jsonl(tmp_path / "a.jsonl", [alpha, review("https://beta.example/bridge", "Beta Facts", "Misleading")])
    assert "imported 2, unchanged 0, problems 0" in run(feed)
    assert "imported 0, unchanged 2, problems 0" in run(feed)  # re-import changes nothing

    checks = Article.objects.filter(kind=ArticleKind.FACTCHECK)
    assert checks.count() == 2 and checks.filter(fingerprint=checks[0].fingerprint).count() == 2
    first = checks.get(url="https://alpha.example/bridge")
    assert first.headline == "No, the bridge did not cost four times its budget"
    assert first.extraction_state == ExtractionState.DONE  # nothing to extract: never "pending"
    assert (first.claim_appearance_url, str(first.claim_date), first.review_modified) == (
        "https://news.example/bridge",
        "2025-02-20",
        None,
    )
    alpha_claim = first.claims.get()

    # Alpha's update of its own check: a new rating at the same url, a later dateModified.
    update = alpha | {
        "reviewRating": {"@type": "Rating", "alternateName": "Mostly false"},
        "dateModified": "2025-04-02",
    }
    updated = write_jsonl(tmp_path / "b.jsonl", [update])
    assert "imported 0, unchanged 0, problems 0, updated 1" in run(updated)
    assert "imported 0, unchanged 1, problems 0" in run(updated)  # and again: nothing
    assert "imported 0, unchanged 2, problems 0" in run(feed)  # the older version: nothing
    assert checks.count() == 2
    first.refresh_from_db()
    alpha_claim.refresh_from_db()
    assert str(first.review_modified) == "2025-04-02" and first.claim_appearance_url == "https://news.example/bridge"
    assert alpha_claim.review_rating_text == "Mostly false" and alpha_claim.version == 2
    assert alpha_claim.verdict.slug == "mostly-false"

    claim = Claim.objects.get(article__url="https://beta.example/bridge")
    listed = {(c.by, c.rating) for c in previous_checks(claim)}
    assert listed == {("Alpha Check", "Mostly false")}

    client.force_login(checker)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Already checked" in page
    assert "<strong>Alpha Check</strong>: Mostly false" in page
    assert 'href="https://news.example/bridge"' in page and "20 Feb 2025" in page  # where and when it was said
    assert "The overrun was 40 percent" in client.get(first.get_absolute_url()).content.decode()


def test_an_update_in_the_same_batch_keeps_only_the_latest_version(tmp_path):
    old = review("https://alpha.example/x", "Alpha Check", "False")
    new = old | {"reviewRating": {"alternateName": "True"}, "dateModified": "2025-05-01"}
    assert "imported 1, unchanged 1, problems 0" in run(write_jsonl(tmp_path / "a.jsonl", [new, old]))
    assert Claim.objects.get().review_rating_text == "True"


def test_unusable_appearance_or_claim_date_is_left_out_and_reported(tmp_path):
    def item(appearance, date):
        return {"itemReviewed": {"@type": "Claim", "appearance": appearance, "datePublished": date}}

    feed = write_jsonl(
        tmp_path / "bad.jsonl",
        [
            review("https://x.example/js", "X", "False", text="one", **item("javascript:alert(1)", "2025-01-02")),
            review("https://x.example/long", "X", "False", text="two", **item("https://e.example/" + "a" * 5000, "")),
            review("https://x.example/date", "X", "False", text="three", **item({"url": 42}, "yesterday")),
            review(
                "https://x.example/list", "X", "False", text="four", **item(["ftp://e/x", "https://ok.example/"], None)
            ),
        ],
    )
    out = run(feed)
    assert "imported 4, unchanged 0, problems 0, fields left out 5" in out
    assert "bad.jsonl:1: itemReviewed.appearance: Only http:// and https://" in out
    assert "bad.jsonl:2: itemReviewed.appearance: The web address is longer than 1,000 characters." in out
    assert "bad.jsonl:3: itemReviewed.appearance: not a web address" in out
    assert "bad.jsonl:3: itemReviewed.datePublished: The publication date 'yesterday'" in out
    assert "bad.jsonl:4: itemReviewed.appearance" in out
    stored = {a.body: (a.claim_appearance_url, a.claim_date) for a in Article.objects.all()}
    assert stored == {
        "one": ("", datetime.date(2025, 1, 2)),
        "two": ("", None),
        "three": ("", None),
        "four": ("https://ok.example/", None),
    }


def test_news_text_stays_unique_beside_a_factcheck_of_it(tmp_path):
    from factcheck.articles.services import article_create

    run(write_jsonl(tmp_path / "a.jsonl", [review("https://alpha.example/b", "Alpha Check", "False")]))
    assert article_create(body=CLAIM, published=None, extract=False).created
    assert not article_create(body=CLAIM, published=None, extract=False).created


def test_hostile_lines_are_reported_and_the_rest_imported(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    huge_number = (
        '{"@type": "ClaimReview", "url": "https://x.example/n", "claimReviewed": "n", "reviewRating": {"ratingValue": '
        + "9" * 5000
        + "}}"
    )
    feed = write_jsonl(
        tmp_path / "hostile.jsonl",
        [
            review("https://x.example/sep", "X", "False", text="Line\u2028separator and\u2029paragraph inside a claim"),
            deep,
            huge_number,
            review("https://x.example/nul", "X", "False", text="A claim with a \x00 NUL in it"),
            review("https://x.example/long", "X", "False", text="word " * 100_000),
        ],
    )
    result = run(feed)
    assert "imported 3, unchanged 0, problems 2" in result
    assert "hostile.jsonl:2: malformed JSON (nested too deeply)" in result
    assert "hostile.jsonl:3: malformed JSON" in result
    assert Claim.objects.get(review_url="https://x.example/nul").text == "A claim with a NUL in it"
    assert len(Claim.objects.get(review_url="https://x.example/long").text) <= 5000
    assert "separator" in Claim.objects.get(review_url="https://x.example/sep").text


def test_a_batch_that_cannot_be_written_whole_goes_one_by_one(tmp_path, monkeypatch):
    """A batch that races another import (the unique key refuses one row) is retried one
    review at a time: the others are stored, the raced one counts as unchanged."""
    feed = write_jsonl(tmp_path / "a.jsonl", [review(f"https://x.example/{i}", "X", "False") for i in range(4)])
    reviews = list(iter_reviews([feed]))
    real_store = importing._store

    def racing_store(pairs):
        if len(pairs) > 1:
            # Another import commits review 2 between our look-up and our insert.
            real_store([importing._rows(reviews[2], importing.review_key(reviews[2]), importing._context())])
            raise IntegrityError("duplicate key value violates unique constraint")
        return real_store(pairs)

    monkeypatch.setattr(importing, "_store", racing_store)
    report = importing.claimreview_import_batch(reviews)
    assert (len(report.created), report.unchanged, report.problems) == (3, 1, [])
    assert Claim.objects.filter(origin=Origin.IMPORTED).count() == 4


def test_batches_and_vectors_in_process(tmp_path, settings):
    """Without a broker (tasks in-process) the command computes the vectors itself."""
    settings.LINK_EMBEDDINGS = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    feed = write_jsonl(
        tmp_path / "many.jsonl",
        [review(f"https://x.example/{i}", "X", "False", text=f"Claim number {i}") for i in range(25)],
    )
    out = StringIO()
    call_command("import_claimreview", feed, "--batch-size", "10", "--no-progress", stdout=out)
    assert "imported 25, unchanged 0, problems 0, 25 embedded" in out.getvalue()
    assert ClaimEmbedding.objects.count() == 25
    with pytest.raises(CommandError, match="at least 1"):
        call_command("import_claimreview", feed, "--batch-size", "0")


def test_a_batch_of_updates_costs_the_same_queries_whatever_its_size(tmp_path):
    """No per-row queries: storing, then updating, a batch of n reviews takes a number of
    queries that does not grow with n."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts(n: int, org: str) -> list[int]:
        first = [review(f"https://{org}.example/{i}", org, "False", text=f"{org} claim {i}") for i in range(n)]
        newer = [r | {"reviewRating": {"alternateName": "True"}, "dateModified": "2025-06-01"} for r in first]
        found = []
        for items in (first, newer):
            reviews = list(iter_reviews([write_jsonl(tmp_path / f"{org}{len(found)}.jsonl", items)]))
            with CaptureQueriesContext(connection) as queries:
                report = importing.claimreview_import_batch(reviews, importing._context())
            found.append(len(queries))
        assert (len(report.created), len(report.updated), report.unchanged) == (0, n, 0)
        return found

    small, large = counts(3, "small"), counts(40, "large")
    assert small[1] == large[1]  # the updates
    if connection.vendor == "postgresql":  # SQLite splits an insert by its variable limit
        assert small[0] == large[0]
    assert set(Claim.objects.values_list("review_rating_text", flat=True)) == {"True"}


def test_same_dated_versions_are_kept_beside_and_older_ones_dropped(tmp_path):
    stored = review("https://alpha.example/y", "Alpha Check", "False", dateModified="2025-04-01")
    run(write_jsonl(tmp_path / "a.jsonl", [stored]))
    older = [stored | {"dateModified": "2025-03-01", "reviewRating": {"alternateName": w}} for w in ("True", "Mixed")]
    same = stored | {"reviewRating": {"alternateName": "Misleading"}}
    assert "imported 1, unchanged 2, problems 0" in run(write_jsonl(tmp_path / "b.jsonl", [*older, same]))
    assert sorted(Claim.objects.values_list("review_rating_text", flat=True)) == ["False", "Misleading"]
