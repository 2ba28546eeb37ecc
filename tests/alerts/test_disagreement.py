"""The verdict-disagreement warning: approving a verdict that a matched check contradicts needs an
explicit "approve anyway" with a reason, enforced by the service and audited; the page shows both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from factcheck.alerts import selectors, services
from factcheck.audit.models import AuditEvent
from factcheck.claims.models import CandidateStatus, Workflow
from factcheck.core.errors import ApplicationError
from factcheck.linking.models import LinkState
from factcheck.review.presenters import history_entry
from tests.factories import ClaimFactory, ClaimLinkFactory, rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(checker):
    """A verdict of "False" waiting for approval, written by the fact-checker."""
    return ClaimFactory(
        labelled=True,
        text="Unemployment fell to 3.1 per cent in October, a ten-year low.",
        workflow=Workflow.IN_REVIEW,
        verdict=rating("false"),
        verdict_by=checker,
    )


def test_a_matched_check_with_another_verdict_disagrees(in_review, published_check, imported_check):
    ClaimLinkFactory(a=in_review, b=published_check, score=0.7)  # ours: Mostly true
    ClaimLinkFactory(a=in_review, b=imported_check, score=0.9)  # theirs: "Pants on fire", mapped to False
    found = selectors.verdict_disagreements(in_review)
    assert [(d.other.pk, d.their_verdict.slug, d.by) for d in found] == [
        (published_check.pk, "mostly-true", "Fact-check desk")
    ]


def test_dismissed_links_unchecked_claims_and_the_same_verdict_do_not(in_review, published_check):
    ClaimLinkFactory(a=in_review, b=published_check, state=LinkState.DISMISSED)
    draft = ClaimFactory(labelled=True, text="Unemployment is at a ten-year low.", verdict=rating("true"))
    ClaimLinkFactory(a=in_review, b=draft)
    assert selectors.verdict_disagreements(in_review) == []
    assert selectors.verdict_disagreements(in_review, verdict=rating("mostly-true")) == []


def test_approval_is_refused_without_approve_anyway_and_a_reason(in_review, published_check, editor):
    ClaimLinkFactory(a=in_review, b=published_check)
    with pytest.raises(ApplicationError, match="different verdict") as refused:
        services.claim_approve_checked(claim=in_review, actor=editor, expected_version=in_review.version)
    assert refused.value.field == "approve_anyway"
    with pytest.raises(ApplicationError, match="Say why"):
        services.claim_approve_checked(
            claim=in_review, actor=editor, expected_version=in_review.version, approve_anyway=True, reason="  "
        )
    in_review.refresh_from_db()
    assert in_review.workflow == Workflow.IN_REVIEW
    services.claim_approve_checked(
        claim=in_review,
        actor=editor,
        expected_version=in_review.version,
        approve_anyway=True,
        reason="Their check used last year's figure.",
    )
    in_review.refresh_from_db()
    assert in_review.workflow == Workflow.APPROVED and in_review.approved_by == editor
    event = AuditEvent.objects.get(action="approve_despite_disagreement")
    assert event.reason == "Their check used last year's figure."
    assert "Mostly true" in event.changes["disagrees_with"][1]
    entry = history_entry(event)
    assert entry.sentence == "approved it although a matched check has another verdict"
    assert entry.reason == "Their check used last year's figure."


def test_without_disagreement_approval_is_as_before(in_review, editor, reporter):
    services.claim_approve_checked(claim=in_review, actor=editor, expected_version=in_review.version)
    in_review.refresh_from_db()
    assert in_review.workflow == Workflow.APPROVED
    assert not AuditEvent.objects.filter(action="approve_despite_disagreement").exists()


def test_the_approval_page_shows_both_verdicts_and_enforces_the_acknowledgement(
    in_review, published_check, editor, login
):
    ClaimLinkFactory(a=in_review, b=published_check)
    client = login(editor)
    page = client.get(in_review.get_absolute_url())
    html = page.content.decode()
    assert 'id="verdict-disagreement"' in html and 'id="approve-anyway-form"' in html
    assert "Mostly true" in html and "False" in html and published_check.text[:40] in html
    url = reverse("review:claim_approve", args=[in_review.pk])
    answer = client.post(url, {"version": in_review.version}, follow=True)
    assert "different verdict" in answer.content.decode()
    in_review.refresh_from_db()
    assert in_review.workflow == Workflow.IN_REVIEW
    client.post(url, {"version": in_review.version, "approve_anyway": "on", "disagreement_reason": "Newer data."})
    in_review.refresh_from_db()
    assert in_review.workflow == Workflow.APPROVED
    assert AuditEvent.objects.filter(action="approve_despite_disagreement", reason="Newer data.").exists()


def test_no_warning_when_nothing_disagrees(in_review, editor, login):
    html = login(editor).get(in_review.get_absolute_url()).content.decode()
    assert 'id="claim-approve"' in html and "verdict-disagreement" not in html
    assert in_review.status == CandidateStatus.ACCEPTED
