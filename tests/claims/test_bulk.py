"""Bulk actions: each claim through its single service (capability, state rule, version,
audit), one refusal not stopping the others, and a summary that says what was refused and why."""

from __future__ import annotations

import pytest

from factcheck.audit.models import AuditEvent
from factcheck.claims.models import CandidateStatus, Claim, Workflow
from factcheck.claims.services import claim_reject, claims_bulk
from factcheck.core.errors import ApplicationError, NotAllowed

from ..factories import ClaimFactory

pytestmark = pytest.mark.django_db


def candidates(n: int) -> list[Claim]:
    return [ClaimFactory(text=f"Claim number {i} says 1{i}% of voters agreed.", checkworthy=True) for i in range(n)]


def test_bulk_accept_goes_through_the_single_service_one_audit_row_each(checker):
    claims = candidates(3)
    result = claims_bulk(action="accept", claim_ids=[c.pk for c in claims], actor=checker)
    assert result.done == [c.pk for c in claims] and result.refused == []
    assert result.summary() == "3 claims accepted."
    for claim in claims:
        claim.refresh_from_db()
        assert claim.status == CandidateStatus.ACCEPTED and claim.version == 2 and claim.edited_by == checker
        event = AuditEvent.objects.for_object(claim).get()
        assert event.action == "accepted" and event.actor == checker
        assert event.changes == {"status": ["candidate", "accepted"]}


def test_one_refusal_does_not_stop_the_others_and_is_explained(checker, checker2):
    first, second, third = candidates(3)
    claim_reject(claim=second, actor=checker2)  # Chloe got there first
    result = claims_bulk(action="reject", claim_ids=[first.pk, second.pk, third.pk], actor=checker)
    assert result.done == [first.pk, third.pk]
    [refusal] = result.refused
    assert refusal.claim_id == second.pk
    assert refusal.message == (
        "Only a claim that is candidate or draft can be rejected; this one is rejected (last changed by chloe)."
    )
    assert result.summary().startswith(f"2 claims rejected; 1 refused: #{second.pk} “Claim number 1 says")
    assert result.summary().endswith("this one is rejected (last changed by chloe).")
    # The refused claim is as Chloe left it: one audit row, hers.
    assert [e.actor for e in AuditEvent.objects.for_object(second)] == [checker2]
    assert Claim.objects.filter(pk__in=[first.pk, third.pk], status=CandidateStatus.REJECTED).count() == 2


def test_a_claim_changed_since_the_list_was_shown_is_refused_not_overwritten(checker, checker2):
    shown = candidates(2)
    versions = {c.pk: c.version for c in shown}
    stale = shown[0]
    claim_reject(claim=Claim.objects.get(pk=stale.pk), actor=checker2)
    from factcheck.claims.services import claim_accept

    claim_accept(claim=Claim.objects.get(pk=stale.pk), actor=checker2)  # back to accepted, version 3
    result = claims_bulk(action="reject", claim_ids=[c.pk for c in shown], versions=versions, actor=checker)
    assert result.done == [shown[1].pk]
    assert result.refused[0].claim_id == stale.pk
    assert result.refused[0].message.startswith("changed by chloe after the list was shown")
    stale.refresh_from_db()
    assert stale.status == CandidateStatus.ACCEPTED and stale.version == 3


def test_submit_needs_a_verdict_and_sends_drafts_to_review(checker):
    ready = ClaimFactory(labelled=True)
    bare = ClaimFactory(status=CandidateStatus.ACCEPTED, text="Accepted but without a verdict, 20% said.")
    result = claims_bulk(action="submit", claim_ids=[ready.pk, bare.pk], actor=checker)
    assert result.done == [ready.pk]
    assert result.refused[0].message == "Choose a verdict before submitting this claim for review."
    ready.refresh_from_db()
    assert ready.workflow == Workflow.IN_REVIEW
    assert AuditEvent.objects.for_object(ready).get().action == "submit_for_review"
    assert result.summary().startswith("1 claim sent to review; 1 refused:")


def test_assign_and_unassign(checker, checker2):
    claims = candidates(2)
    result = claims_bulk(action="assign", claim_ids=[c.pk for c in claims], assignee=checker2, actor=checker)
    assert result.summary() == "2 claims assigned to chloe."
    assert set(Claim.objects.filter(assigned_to=checker2).values_list("pk", flat=True)) == {c.pk for c in claims}
    assert AuditEvent.objects.filter(action="assign").count() == 2
    result = claims_bulk(action="assign", claim_ids=[claims[0].pk], assignee=None, actor=checker)
    assert result.summary() == "1 claim assigned to nobody."
    assert Claim.objects.get(pk=claims[0].pk).assigned_to is None


def test_assign_to_someone_without_a_role_is_refused_per_claim(checker, outsider):
    [claim] = candidates(1)
    result = claims_bulk(action="assign", claim_ids=[claim.pk], assignee=outsider, actor=checker)
    assert result.done == []
    assert "otto has no role on the desk" in result.refused[0].message


def test_a_role_without_the_capability_is_refused_before_anything_is_done(reporter):
    claims = candidates(2)
    with pytest.raises(NotAllowed, match="Your role may not accept claims"):
        claims_bulk(action="accept", claim_ids=[c.pk for c in claims], actor=reporter)
    assert not Claim.objects.exclude(status=CandidateStatus.CANDIDATE).exists()
    assert not AuditEvent.objects.exists()


def test_missing_claims_unknown_actions_and_empty_selections(checker):
    [claim] = candidates(1)
    result = claims_bulk(action="accept", claim_ids=[claim.pk, 999999], actor=checker)
    assert result.done == [claim.pk]
    assert result.refused[0].claim_id == 999999 and result.refused[0].message == "no longer exists."
    with pytest.raises(ApplicationError, match="not an action"):
        claims_bulk(action="publish", claim_ids=[claim.pk], actor=checker)
    with pytest.raises(ApplicationError, match="Select at least one claim"):
        claims_bulk(action="accept", claim_ids=[], actor=checker)
    with pytest.raises(ApplicationError, match="at most 200"):
        claims_bulk(action="accept", claim_ids=range(1, 202), actor=checker)
