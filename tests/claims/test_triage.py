"""Triage services: decisions, edits, merge, split and additions, with audit and optimistic locking."""

from __future__ import annotations

import pytest

from factcheck.audit.models import AuditEvent
from factcheck.claims import services
from factcheck.claims.models import CandidateStatus, Claim, Origin, Quote
from factcheck.core.errors import StaleEdit
from factcheck.extraction.engine.types import ClaimSpan, Extraction, QuoteSpan
from factcheck.extraction.store import candidates_store

from ..factories import span_of

pytestmark = pytest.mark.django_db


def test_accept_bumps_version_and_audits_before_after(claim, checker):
    services.claim_accept(claim=claim, actor=checker, expected_version=1)
    claim.refresh_from_db()
    assert claim.status == CandidateStatus.ACCEPTED
    assert claim.version == 2
    assert claim.edited_by == checker
    event = AuditEvent.objects.for_object(claim).first()
    assert event.action == "accepted"
    assert event.actor == checker
    assert event.changes == {"status": ["candidate", "accepted"]}


def test_reject_of_a_stale_version_is_refused_with_what_changed(claim, checker, checker2):
    services.claim_accept(claim=Claim.objects.get(pk=claim.pk), actor=checker2, expected_version=1)
    with pytest.raises(StaleEdit) as info:
        services.claim_reject(claim=claim, actor=checker, expected_version=1)
    assert info.value.stored["status"] == "accepted"
    claim.refresh_from_db()
    assert claim.status == CandidateStatus.ACCEPTED


def test_quote_accept_and_reject(quote, checker):
    services.quote_accept(quote=quote, actor=checker)
    services.quote_reject(quote=quote, actor=checker, expected_version=2)
    quote.refresh_from_db()
    assert quote.status == CandidateStatus.REJECTED
    assert [e.action for e in AuditEvent.objects.for_object(quote)] == ["rejected", "accepted"]


def test_edit_span_reselects_text_from_body_and_trims_whitespace(article, claim, checker):
    start, end = span_of(article.body, "Troops captured around 2km")
    services.claim_edit_span(claim=claim, start=start - 2, end=end + 1, actor=checker, expected_version=1)
    claim.refresh_from_db()
    # The two characters before were "\n\n" and the one after a space: trimmed away.
    assert (claim.start, claim.end) == (start, end)
    assert claim.text == "Troops captured around 2km"
    event = AuditEvent.objects.for_object(claim).first()
    assert event.action == "edited"
    assert event.changes["text"][1] == "Troops captured around 2km"


def test_edit_span_outside_body_or_blank_is_refused(article, claim, checker):
    with pytest.raises(services.TriageError):
        services.claim_edit_span(claim=claim, start=0, end=len(article.body) + 5, actor=checker, expected_version=1)
    gap = article.body.index("\n\n")
    with pytest.raises(services.TriageError):
        services.claim_edit_span(claim=claim, start=gap, end=gap + 2, actor=checker, expected_version=1)


def test_stale_span_edit_lists_the_change(article, claim, checker, checker2):
    seen_text = claim.text
    other = Claim.objects.get(pk=claim.pk)
    services.claim_edit_span(claim=other, start=claim.start, end=claim.start + 6, actor=checker2, expected_version=1)
    with pytest.raises(StaleEdit) as info:
        services.claim_edit_span(claim=claim, start=claim.start, end=claim.end - 1, actor=checker, expected_version=1)
    assert info.value.stored["text"] == "Troops" != seen_text


def test_quote_edit_resolves_speaker(article, quote, checker):
    services.quote_edit(
        quote=quote,
        start=quote.start,
        end=quote.end,
        speaker_name="Volodymyr Zelensky",
        actor=checker,
        expected_version=1,
    )
    quote.refresh_from_db()
    assert quote.speaker.name == "Volodymyr Zelensky"
    assert quote.speaker_start is None
    again = Quote.objects.get(pk=quote.pk)
    services.quote_edit(
        quote=again, start=quote.start, end=quote.end, speaker_name="Zelenskyy", actor=checker, expected_version=2
    )
    again.refresh_from_db()
    assert again.speaker_id == quote.speaker_id  # the alias resolves to the same person


def test_add_claim_and_quote_from_selection(article, editor):
    start, end = span_of(article.body, "Ukraine says it took 100 prisoners")
    claim = services.claim_add(article=article, start=start, end=end + 1, actor=editor)
    assert (claim.origin, claim.status, claim.text) == (
        Origin.EDITOR,
        CandidateStatus.ACCEPTED,
        article.body[start:end],
    )
    qs, qe = span_of(article.body, "the president said")
    quote = services.quote_add(article=article, start=qs, end=qe, actor=editor, speaker_name="The president")
    assert quote.origin == Origin.EDITOR and quote.speaker is not None
    assert AuditEvent.objects.filter(action="added").count() == 2


def test_adding_at_a_rejected_span_reaccepts_it(claim, checker):
    services.claim_reject(claim=claim, actor=checker)
    again = services.claim_add(article=claim.article, start=claim.start, end=claim.end, actor=checker)
    assert again.pk == claim.pk
    assert again.status == CandidateStatus.ACCEPTED


def test_merge_adjacent_claims(article, checker):
    a = span_of(article.body, "Troops captured around 2km more of the region")
    b = span_of(article.body, "on Wednesday, officials said.")
    first = Claim.objects.create(article=article, start=a[0], end=a[1], text=article.body[a[0] : a[1]], score=0.4)
    second = Claim.objects.create(article=article, start=b[0], end=b[1], text=article.body[b[0] : b[1]], score=0.9)
    merged = services.claim_merge(claims=[second, first], actor=checker)
    assert (merged.start, merged.end) == (a[0], b[1])
    assert merged.text == "Troops captured around 2km more of the region on Wednesday, officials said."
    assert merged.score == 0.9 and merged.status == CandidateStatus.ACCEPTED
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == CandidateStatus.REJECTED
    assert AuditEvent.objects.filter(action="merged").count() == 2


def test_merge_refuses_claims_far_apart(article, checker):
    a = span_of(article.body, "Ukraine says")
    b = span_of(article.body, "officials said.")
    first = Claim.objects.create(article=article, start=a[0], end=a[1], text="Ukraine says")
    second = Claim.objects.create(article=article, start=b[0], end=b[1], text="officials said.")
    with pytest.raises(services.TriageError, match="adjacent"):
        services.claim_merge(claims=[first, second], actor=checker)


def test_split_claim(article, claim, checker):
    at = article.body.index(" on Wednesday")
    first, second = services.claim_split(claim=claim, at=at, actor=checker, expected_version=1)
    assert first.text == "Troops captured around 2km more of the region"
    assert second.text == "on Wednesday, officials said."
    claim.refresh_from_db()
    assert claim.status == CandidateStatus.REJECTED
    with pytest.raises(services.TriageError):
        services.claim_split(claim=first, at=first.start, actor=checker)


def test_rejection_survives_reextraction(article, claim, quote, checker):
    services.claim_reject(claim=claim, actor=checker)
    services.quote_reject(quote=quote, actor=checker)
    extraction = Extraction(
        segments=[],
        quotes=[QuoteSpan(start=quote.start, end=quote.end, text=quote.text, speaker="Someone")],
        claims=[ClaimSpan(start=claim.start, end=claim.end, text=claim.text, score=0.99, checkworthy=True)],
    )
    candidates_store(article_id=article.pk, extraction=extraction, version="test-2")
    claim.refresh_from_db()
    quote.refresh_from_db()
    assert claim.status == CandidateStatus.REJECTED and claim.score == 0.8
    assert quote.status == CandidateStatus.REJECTED and quote.speaker is None
    assert article.claims.count() == 1 and article.quotes.count() == 1
