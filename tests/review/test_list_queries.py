"""Query counts stay flat with the size of the list (issue 12, "query counts on every list stay
flat with page size"), for the lists not covered next to their own pages: the articles list at
two page sizes, the sources list and the API tokens page (neither paginated: flat with the
number of rows). The queues, search and saved filters have theirs in test_queues.py,
test_search.py, test_search_filters.py and test_saved_filters.py."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from factcheck.api.services import api_token_create
from factcheck.review.views import common
from factcheck.sources.models import FetchedItem, ItemState, Source

from ..factories import OutletFactory, make_articles

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries), response.content.decode()


def test_articles_list_is_flat_with_page_size(client, checker, monkeypatch, django_assert_max_num_queries):
    make_articles(12)
    client.force_login(checker)
    url = reverse("review:articles")
    client.get(url)  # warm: session, content types
    monkeypatch.setattr(common, "PAGE_SIZE", 2)
    small, page = _count(client, url)
    assert page.count('class="result"') == 2
    monkeypatch.setattr(common, "PAGE_SIZE", 50)
    with django_assert_max_num_queries(small):
        page = client.get(url).content.decode()
    assert page.count('class="result"') == 12


def _sources(n: int, start: int = 0) -> None:
    now = timezone.now()
    for i in range(start, start + n):
        source = Source.objects.create(
            name=f"Feed {i}",
            url=f"https://example.org/{i}.xml",
            outlet=OutletFactory(name=f"Outlet {i}"),
            last_polled_at=now,
            last_new_item_at=now,
            consecutive_failures=i % 3,
            failing_since=now - datetime.timedelta(hours=30) if i % 3 else None,
            last_error="https://example.org answered HTTP 500 (the server failed)." if i % 3 else "",
        )
        FetchedItem.objects.create(
            source=source, key=f"k{i}", url=f"https://example.org/{i}", state=ItemState.IMPORTED, finished_at=now
        )


def test_sources_list_is_flat_with_its_length(client, editor, django_assert_max_num_queries):
    _sources(2)
    client.force_login(editor)
    url = reverse("sources:list")
    client.get(url)
    small, _ = _count(client, url)
    _sources(25, start=2)
    with django_assert_max_num_queries(small):
        page = client.get(url).content.decode()
    assert page.count('class="source-row') == 27
    assert "Outlet 26" in page


def test_api_tokens_page_is_flat_with_its_length(client, editor, django_assert_max_num_queries):
    def make(n: int, start: int = 0) -> None:
        for i in range(start, start + n):
            api_token_create(actor=editor, user=editor, name=f"Import {i}", scopes=["read", "submit"])

    make(1)
    client.force_login(editor)
    url = reverse("api:tokens")
    client.get(url)
    small, _ = _count(client, url)
    make(20, start=1)
    with django_assert_max_num_queries(small):
        page = client.get(url).content.decode()
    assert all(f"Import {i}" in page for i in range(21))
