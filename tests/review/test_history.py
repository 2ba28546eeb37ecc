"""The claim page's history in words: who did what, the why quoted, times relative and
absolute, long texts behind <details>, never the stored action codes."""

from __future__ import annotations

import re

import pytest

from factcheck.claims.models import CandidateStatus
from factcheck.claims.services import claim_accept, claim_assign, claim_label, comment_add, evidence_add
from factcheck.linking.models import ClaimLink, Relation
from factcheck.linking.services import claim_link_create, link_confirm
from factcheck.review.presenters import shorten

from ..factories import ClaimFactory, rating

pytestmark = pytest.mark.django_db

CODES = ("link_confirm", "link_create", "evidence_add", "verdict_summary", "verdict_explanation", "claimant_text")


def history_html(client, user, claim) -> str:
    client.force_login(user)
    body = client.get(claim.get_absolute_url()).content.decode()
    return body[body.index('id="history"') : body.index("</section>", body.index('id="history"'))]


def label(claim, user, verdict, *, summary="s", explanation="", reason="", claimant=""):
    claim.refresh_from_db()
    claim_label(
        claim=claim,
        verdict=rating(verdict),
        summary=summary,
        explanation=explanation,
        claimant_name=claimant,
        actor=user,
        expected_version=claim.version,
        reason=reason,
    )


def test_history_reads_as_sentences(client, checker, checker2, editor):
    checker.first_name, checker.last_name = "Maria", "Santos"
    checker.save(update_fields=["first_name", "last_name"])
    claim = ClaimFactory(status=CandidateStatus.CANDIDATE)
    other = ClaimFactory(text="Some 100 Russian soldiers were taken prisoner.")
    claim_accept(claim=claim, actor=checker2)
    label(claim, checker2, "true", summary="Right.", claimant="Volodymyr Zelensky")
    label(claim, checker, "mostly-true", summary="Right.", claimant="Volodymyr Zelensky", reason="new ONS figures")
    claim_assign(claim=claim, assignee=editor, actor=checker)
    evidence_add(claim=claim, url="https://ons.gov.uk/x", title="ONS bulletin", note="", actor=checker)
    link = claim_link_create(a=claim, b=other, relation=Relation.SAME, actor=checker, confirm=False)
    link_confirm(link=ClaimLink.objects.get(pk=link.pk), actor=editor)

    html = history_html(client, checker, claim)
    sentences = [
        " ".join(re.sub(r"<[^>]+>", "", s).split())
        for s in re.findall(r'<p class="history-sentence[^>]*>(.*?)</p>', html, re.S)
    ]
    assert sentences == [
        f"eddie confirmed a link: same as claim {other.pk} (confirmed)",
        f"Maria Santos suggested a link: same as claim {other.pk} (suggested)",
        "Maria Santos cited a source: ONS bulletin (https://ons.gov.uk/x)",
        "Maria Santos assigned the claim to eddie",
        "Maria Santos changed the verdict from True to Mostly true: “new ONS figures”",
        "chloe set the verdict to True, wrote the summary and set the claimant to Volodymyr Zelensky",
        "chloe accepted the claim",
    ]
    for code in CODES:
        assert code not in re.sub(r'data-action="[a-z_]+"', "", html), code
    # Relative time, with the absolute one in datetime, in the title and for screen readers.
    assert re.search(
        r'<time class="text-muted small" datetime="\d{4}-\d\d-\d\dT[^"]+" title="\d+ \w+ \d{4}, \d\d:\d\d \w+">', html
    )
    assert "<br>" not in html and "<dl" not in html


def test_long_texts_are_shortened_between_words_and_shown_in_full(client, checker):
    claim = ClaimFactory(status=CandidateStatus.ACCEPTED)
    explanation = "The statistics office revised its series in March. " * 4
    label(claim, checker, "false", summary="Wrong.", explanation=explanation.strip())
    comment = "Please check the regional breakdown before we publish, the national figure hides a fall in the north."
    comment_add(claim=claim, body=comment, actor=checker)
    html = history_html(client, checker, claim)
    assert (
        "<strong>carl</strong> commented: “Please check the regional breakdown before we publish, "
        "the national figure…”" in html
    )
    assert '<details class="history-detail small">' in html
    assert f'<blockquote class="history-after">{explanation.strip()}</blockquote>' in html
    assert f'<blockquote class="history-after">{comment}</blockquote>' in html


def test_shorten_never_cuts_inside_a_word():
    assert shorten("short") == "short"
    text = "word " * 30
    out = shorten(text, 22)
    assert out == "word word word word…"
    assert shorten("a" * 100, 10) == "a" * 10 + "…"


def test_the_claim_page_title_is_cut_between_words(client, checker):
    claim = ClaimFactory(text="The government spent eleven billion pounds on the railways in the year to March 2024.")
    client.force_login(checker)
    html = client.get(claim.get_absolute_url()).content.decode()
    title = "<title>Claim: The government spent eleven billion pounds on the railways… · Fact-check desk</title>"
    assert title in html
