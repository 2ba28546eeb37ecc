"""The reader's default view: check-worthy claims and every quote; `?show=all` for the rest;
the intake header line not drawn; counts worded as people write them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from factcheck.claims.models import CandidateStatus, Origin
from factcheck.review.presenters import counted, hide_intake_header
from factcheck.review.selectors import body_html

from ..factories import ClaimFactory

pytestmark = pytest.mark.django_db

LOW = "Ukraine says it took 100 prisoners"


@pytest.fixture
def low_claim(article):
    """A candidate the extractor scored low (not check-worthy)."""
    return ClaimFactory(article=article, text=LOW, score=0.04, checkworthy=False)


def reader(client, article, query: str = "") -> str:
    response = client.get(reverse("review:article", args=[article.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_by_default_only_check_worthy_claims_and_every_quote(client, checker, article, claim, quote, low_claim):
    client.force_login(checker)
    html = reader(client, article)
    assert f'id="cand-claim-{claim.pk}"' in html and f'data-cand="claim-{claim.pk}"' in html
    assert f'id="cand-quote-{quote.pk}"' in html and f'data-cand="quote-{quote.pk}"' in html
    # The low one is neither listed nor highlighted; the page says so and links to it.
    assert f"cand-claim-{low_claim.pk}" not in html and f'data-cand="claim-{low_claim.pk}"' not in html
    assert "1 other candidate hidden" in html
    assert re.search(r'<a href="\?show=all" id="show-all">Show all candidates</a>', html)
    assert "Candidates (2)" in html


def test_show_all_lists_and_highlights_every_candidate(client, checker, article, claim, quote, low_claim):
    client.force_login(checker)
    html = reader(client, article, "?show=all")
    assert f'id="cand-claim-{low_claim.pk}"' in html and f'data-cand="claim-{low_claim.pk}"' in html
    assert "including 1 below the check-worthiness threshold" in html
    assert f'href="{article.get_absolute_url()}" id="show-checkworthy"' in html
    assert "Candidates (3)" in html
    # The script reloads the panels with the same choice.
    assert f'data-panels-url="{reverse("review:article_panels", args=[article.pk])}?show=all"' in html
    panels = client.get(reverse("review:article_panels", args=[article.pk]) + "?show=all").content.decode()
    assert f'id="cand-claim-{low_claim.pk}"' in panels


def test_the_newsroom_threshold_replaces_the_extractors_flag(client, checker, article, claim, low_claim, settings):
    settings.READER_CLAIM_THRESHOLD = 0.9  # stricter than both scores (0.8 and 0.04)
    client.force_login(checker)
    html = reader(client, article)
    assert f"cand-claim-{claim.pk}" not in html and f"cand-claim-{low_claim.pk}" not in html
    assert "(score 0.90 or more)" in html and "2 other candidates hidden" in html
    settings.READER_CLAIM_THRESHOLD = 0.01
    html = reader(client, article)
    assert f"cand-claim-{claim.pk}" in html and f"cand-claim-{low_claim.pk}" in html
    assert 'id="show-all"' not in html  # nothing hidden, nothing to offer


def test_decided_and_editor_claims_show_whatever_their_score(client, checker, article, low_claim):
    low_claim.status = CandidateStatus.ACCEPTED
    low_claim.save(update_fields=["status"])
    start = article.body.index("officials said")
    added = ClaimFactory(
        article=article, start=start, end=start + 14, text="officials said", score=0.0, origin=Origin.EDITOR
    )
    client.force_login(checker)
    html = reader(client, article)
    assert f'id="cand-claim-{low_claim.pk}"' in html and f'id="cand-claim-{added.pk}"' in html
    assert 'id="show-all"' not in html


def test_quotes_show_their_speaker_and_confidence(client, checker, article, quote):
    quote.speaker_text, quote.speaker_confidence = "the president", 0.72
    quote.save(update_fields=["speaker_text", "speaker_confidence"])
    client.force_login(checker)
    html = reader(client, article)
    assert '<strong class="cand-speaker">the president</strong>' in html
    assert "(confidence 0.72)" in html


def test_the_intake_header_line_is_in_the_dom_but_not_drawn(client, checker, article, claim):
    client.force_login(checker)
    html = reader(client, article)
    assert '<span class="intake-header" hidden> date 2024-08-14 </span>Ukraine says it took' in html


def test_hide_intake_header_keeps_the_text_and_leaves_a_span_inside_it_alone(article, claim):
    body = article.body
    drawn = hide_intake_header(body, body_html(body, claims=[claim], quotes=[]), first_span_start=claim.start)
    assert re.sub(r"<[^>]+>", "", drawn) == body.replace("\r", "&#13;")
    # A candidate starting inside the header: the text is shown as it is.
    plain = body_html(body, claims=[], quotes=[])
    assert hide_intake_header(body, plain, first_span_start=3) == plain
    assert (
        hide_intake_header("No header here.", body_html("No header here.", claims=[], quotes=[]), first_span_start=None)
        == "No header here."
    )


def test_counts_have_plurals_and_thousands_separators():
    assert counted(1, "quote") == "1 quote"
    assert counted(0, "quote") == "0 quotes"
    assert counted(12345, "claim") == "12,345 claims"


def test_extraction_state_in_words(client, checker, article, claim, quote):
    article.extraction_state = "done"
    article.save(update_fields=["extraction_state"])
    client.force_login(checker)
    html = reader(client, article)
    assert "Done — 1 claim, 1 quote" in html
    assert 'id="extraction-wait"' not in html
    article.extraction_state = "pending"
    article.save(update_fields=["extraction_state"])
    assert "up to about 30 seconds" in reader(client, article)
