"""The quote page: the misquote diff of linked quotes, confirm/dismiss, quote search and linking."""

from __future__ import annotations

import pytest
from django.urls import reverse

from factcheck.linking.engine.text import word_diff
from factcheck.linking.models import LinkState, QuoteLink

from ..factories import (
    HOSTILE,
    QuoteFactory,
    QuoteLinkFactory,
)

pytestmark = pytest.mark.django_db


def test_word_diff():
    ops = [(d.op, d.text) for d in word_diff("we are advancing on every front", "we are advancing on all fronts")]
    assert ops == [
        ("equal", "we are advancing on"),
        ("delete", "every front"),
        ("insert", "all fronts"),
    ]


def test_quote_page_shows_misquote_diff_and_decides(client, checker, reporter):
    q1, q2 = QuoteFactory(), QuoteFactory(text="We are advancing on all fronts", speaker_text="Mr Zelenskyy")
    link = QuoteLinkFactory(a=q1, b=q2, relation="conflicts", reason="possible misquote")
    client.force_login(checker)
    body = client.get(q1.get_absolute_url()).content.decode()
    assert "<del>every front</del>" in body and "<ins>all fronts</ins>" in body
    assert "possible misquote" in body and 'class="btn btn-sm btn-success link-confirm"' in body
    assert client.post(reverse("review:quote_link_confirm", args=[q1.pk, link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.state == LinkState.CONFIRMED
    # A link reached through a quote it does not involve is not found.
    q3 = QuoteFactory(text="Something else entirely")
    assert client.post(reverse("review:quote_link_dismiss", args=[q3.pk, link.pk])).status_code == 404
    client.force_login(reporter)
    assert client.post(reverse("review:quote_link_dismiss", args=[q1.pk, link.pk])).status_code == 403
    client.force_login(checker)
    assert client.post(reverse("review:quote_link_dismiss", args=[q1.pk, link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.state == LinkState.DISMISSED
    assert "history-event" in client.get(q1.get_absolute_url()).content.decode()


def test_quote_search_and_link(client, checker):
    q1, q2 = QuoteFactory(), QuoteFactory(text="We are advancing on all fronts")
    client.force_login(checker)
    body = client.get(q1.get_absolute_url(), {"q": "advancing"}).content.decode()
    assert f'data-quote-id="{q2.pk}"' in body and f'data-quote-id="{q1.pk}"' not in body
    assert client.get(q1.get_absolute_url(), {"q": ""}).status_code == 400
    client.post(reverse("review:quote_link_create", args=[q1.pk]), {"target": q2.pk, "relation": "same"})
    assert QuoteLink.objects.get().state == LinkState.CONFIRMED
    assert client.get(reverse("review:quote", args=[999999])).status_code == 404


def test_quote_hostile_text_escaped_in_diff(client, checker):
    q1 = QuoteFactory(text=f"We will win {HOSTILE}")
    q2 = QuoteFactory(text=f"We shall win {HOSTILE}")
    QuoteLinkFactory(a=q1, b=q2)
    client.force_login(checker)
    body = client.get(q1.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert '" onmouseover="alert(1)' not in body
    assert "<del>will</del>" in body
