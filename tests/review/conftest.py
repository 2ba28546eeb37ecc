"""Fixtures for the editor workspace: candidates on the shared `article`, and a logged-in client per persona."""

from __future__ import annotations

import pytest

from factcheck.claims.models import Claim, Quote


def span_of(body: str, text: str) -> tuple[int, int]:
    start = body.index(text)
    return start, start + len(text)


@pytest.fixture
def claim(article):
    start, end = span_of(article.body, "Troops captured around 2km more of the region on Wednesday, officials said.")
    return Claim.objects.create(
        article=article, start=start, end=end, text=article.body[start:end], score=0.8, checkworthy=True
    )


@pytest.fixture
def quote(article):
    start, end = span_of(article.body, "We are advancing,")
    return Quote.objects.create(article=article, start=start, end=end, text=article.body[start:end])


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
