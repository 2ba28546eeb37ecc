"""The API's lists run the same number of SQL queries for 1 row as for 20 (what
benchmarks/api_lists.py measures at 200,000 claims): no query per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factcheck.alerts.models import RepeatAlert
from factcheck.claims.models import Person, Workflow

from ..api.conftest import Api, token_for
from ..factories import ClaimFactory, ClaimLinkFactory, EvidenceFactory, QuoteFactory, QuoteLinkFactory, rating

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/articles/",
    "/api/v1/claims/",
    "/api/v1/quotes/",
    "/api/v1/links/claims/",
    "/api/v1/links/quotes/",
    "/api/v1/factchecks/",
    "/api/v1/speakers/",
    "/api/v1/alerts/",
]


def test_query_counts_do_not_grow_with_page_size(checker):
    claims = [
        ClaimFactory(text=f"Claim {n} about 2km.", labelled=True, workflow=Workflow.PUBLISHED, verdict=rating("false"))
        for n in range(21)
    ]
    for claim in claims:
        EvidenceFactory(claim=claim)
    quotes = [QuoteFactory(text=f"We advanced {n} km") for n in range(21)]
    for a, b in zip(claims, claims[1:], strict=False):
        ClaimLinkFactory(a=a, b=b)
    for a, b in zip(quotes, quotes[1:], strict=False):
        QuoteLinkFactory(a=a, b=b)
    # 21 news claims repeating the checks, each with a claimant: one alert each.
    for n, checked in enumerate(claims):
        repeat = ClaimFactory(
            text=f"Repeat {n} about 2km.", claimant=Person.objects.create(name=f"P{n}", normalized_name=f"p{n}")
        )
        RepeatAlert.objects.create(claim=repeat, checked_claim=checked, probability=0.7)
    api = Api(token_for(checker))
    api.get("/api/v1/claims/")  # warm: the token's first use is written once

    def queries(path: str, size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(path, {"page_size": size})
        assert response.status_code == 200, (path, response.content[:300])
        return len(captured)

    grown = {path: (queries(path, 1), queries(path, 20)) for path in LISTS}
    assert {path: counts for path, counts in grown.items() if counts[0] != counts[1]} == {}
