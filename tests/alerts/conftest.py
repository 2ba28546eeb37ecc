"""Checked claims (ours published, one imported from another organisation) and news claims that
repeat them, linked the way link suggestions leave them."""

from __future__ import annotations

import datetime

import pytest

from factcheck.articles.models import ArticleKind
from factcheck.claims.models import CandidateStatus, Origin, Person, Workflow
from tests.factories import ArticleFactory, ClaimFactory, ClaimLinkFactory, rating

CHECKED_TEXT = "Unemployment fell to 3.1 per cent in October, the lowest figure in ten years."


@pytest.fixture
def published_check(db):
    """Our own fact-check, published on 10 Aug 2024: "Mostly true"."""
    claim = ClaimFactory(
        labelled=True,
        text=CHECKED_TEXT,
        workflow=Workflow.PUBLISHED,
        outlet="Daily Planet",
        published=datetime.date(2024, 8, 1),
    )
    claim.published_at = datetime.datetime(2024, 8, 10, 12, tzinfo=datetime.UTC)
    claim.save(update_fields=["published_at"])
    return claim


@pytest.fixture
def imported_check(db):
    """Another organisation's fact-check, imported from ClaimReview: "Pants on fire" mapped to False."""
    text = "The minister said crime doubled in five years."
    article = ArticleFactory(
        kind=ArticleKind.FACTCHECK,
        review_key="review-1",
        text=text,
        outlet_name="Check Org",
        published=datetime.date(2024, 8, 5),
        url="https://check.example/crime",
    )
    return ClaimFactory(
        article=article,
        text=text,
        origin=Origin.IMPORTED,
        status=CandidateStatus.ACCEPTED,
        review_url="https://check.example/crime",
        review_rating_text="Pants on fire",
        verdict=rating("false"),
    )


@pytest.fixture
def person(db):
    return Person.objects.create(name="Jane Minister", normalized_name="jane minister")


def repeat_of(checked, *, outlet: str, day: datetime.date, claimant=None, score: float = 0.8, **link):
    """A news claim saying `checked` again, in an article of `outlet` dated `day`, linked as the same claim."""
    claim = ClaimFactory(
        text=checked.text.rstrip(".") + ", she said again.",
        outlet=outlet,
        published=day,
        claimant=claimant,
        claimant_text=claimant.name if claimant else "",
        checkworthy=True,
    )
    ClaimLinkFactory(a=claim, b=checked, score=score, **link)
    return claim
