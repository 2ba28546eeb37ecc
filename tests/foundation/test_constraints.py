"""Every invariant is a database rule: each test proves the database refuses bad data."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from factcheck.articles.models import Article
from factcheck.claims.models import Claim, Person, Quote, Rating, RatingScale, Workflow
from factcheck.linking.models import ClaimLink, LinkOrigin, QuoteLink, Relation

pytestmark = pytest.mark.django_db


def refused(fn) -> bool:
    try:
        with transaction.atomic():
            fn()
    except IntegrityError:
        return True
    return False


def make_claim(article, start=0, end=10, **kw):
    return Claim.objects.create(article=article, start=start, end=end, text=article.body[start:end] or "x", **kw)


def test_duplicate_fingerprint_refused_even_with_other_whitespace(article):
    assert refused(lambda: Article.objects.create(body=article.body.replace("\n\n", "\r\n\r\n  ")))


def test_empty_body_refused():
    assert refused(lambda: Article.objects.create(body=""))


def test_claim_span_must_lie_inside_body(article):
    n = len(article.body)
    assert refused(lambda: make_claim(article, start=n - 5, end=n + 1))
    make_claim(article, start=n - 5, end=n)  # the last character is fine


def test_claim_span_must_not_be_empty_or_reversed(article):
    assert refused(lambda: make_claim(article, start=5, end=5))
    assert refused(lambda: make_claim(article, start=9, end=3))


def test_quote_span_and_speaker_span_inside_body(article):
    n = len(article.body)
    assert refused(lambda: Quote.objects.create(article=article, start=n - 2, end=n + 3, text="x"))
    assert refused(
        lambda: Quote.objects.create(article=article, start=0, end=5, text="x", speaker_start=n, speaker_end=n + 4)
    )
    assert refused(
        lambda: Quote.objects.create(article=article, start=0, end=5, text="x", speaker_start=4, speaker_end=None)
    )


def test_updating_a_span_outside_the_body_is_refused(article):
    claim = make_claim(article)
    claim.end = len(article.body) + 10
    assert refused(lambda: claim.save(update_fields=["end"]))


def test_duplicate_candidate_span_refused(article):
    make_claim(article, 0, 10)
    assert refused(lambda: make_claim(article, 0, 10))
    Quote.objects.create(article=article, start=0, end=4, text="x")
    assert refused(lambda: Quote.objects.create(article=article, start=0, end=4, text="y"))


def test_score_must_be_between_0_and_1(article):
    assert refused(lambda: make_claim(article, score=1.5))
    assert refused(lambda: make_claim(article, score=-0.1))


def test_approved_claim_needs_a_verdict(article):
    assert refused(lambda: make_claim(article, workflow=Workflow.APPROVED))


def test_claim_links_refuse_self_duplicates_and_reversed_pairs(article):
    a = make_claim(article, 0, 10)
    b = make_claim(article, 10, 20)

    def link(s, t):
        ClaimLink.objects.create(source=s, target=t, relation=Relation.SAME, origin=LinkOrigin.EDITOR)

    assert refused(lambda: link(a, a))
    link(a, b)
    assert refused(lambda: link(a, b))
    assert refused(lambda: link(b, a))  # source < target is the only stored order


def test_quote_links_refuse_self_links(article):
    q = Quote.objects.create(article=article, start=0, end=4, text="x")
    assert refused(lambda: QuoteLink.objects.create(source=q, target=q, relation="same", origin="system"))


def test_one_default_rating_scale_and_unique_labels():
    default = RatingScale.objects.get(is_default=True)
    assert refused(lambda: RatingScale.objects.create(name="Other", is_default=True))
    assert refused(lambda: Rating.objects.create(scale=default, label="Again", slug="true", order=99))
    assert refused(lambda: Rating.objects.create(scale=default, label="Bad", slug="bad", order=98, colour="red"))


def test_default_scale_has_six_levels_plus_unverifiable():
    ratings = list(RatingScale.objects.get(is_default=True).ratings.order_by("order"))
    assert [r.value for r in ratings] == [6, 5, 4, 3, 2, 1, None]
    assert ratings[-1].label == "Unverifiable"


def test_person_normalized_name_unique():
    Person.objects.create(name="Volodymyr Zelensky", normalized_name="volodymyr zelensky")
    assert refused(lambda: Person.objects.create(name="Volodymyr  Zelensky", normalized_name="volodymyr zelensky"))


def _contrast(fg: str, bg: str) -> float:
    def lum(colour: str) -> float:
        chans = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in chans]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted([lum(fg), lum(bg)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_default_rating_badge_has_readable_text():
    for rating in RatingScale.objects.get(is_default=True).ratings.all():
        assert _contrast(rating.text_colour, rating.colour) >= 4.5, rating.label
