"""The verdict workflow services: labelling, optimistic locking, transitions, the
two-person rule, corrections, assignment, evidence and comments, all audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from factcheck.audit.models import AuditEvent
from factcheck.claims.models import Comment, Correction, Evidence, Workflow
from factcheck.claims.services import (
    WorkflowError,
    claim_approve,
    claim_assign,
    claim_correct,
    claim_label,
    claim_publish,
    claim_send_back,
    claim_submit_for_review,
    comment_add,
    evidence_add,
    evidence_remove,
)
from factcheck.core.errors import ApplicationError, StaleEdit

from ..factories import ClaimFactory, rating

pytestmark = pytest.mark.django_db


def label(claim, actor, *, verdict="false", summary="Not so.", version=None, reason="", claimant="", explanation=""):
    return claim_label(
        claim=claim,
        verdict=rating(verdict),
        summary=summary,
        explanation=explanation,
        claimant_name=claimant,
        actor=actor,
        expected_version=claim.version if version is None else version,
        reason=reason,
    )


def test_label_sets_verdict_by_bumps_version_and_audits(checker):
    claim = ClaimFactory()
    label(claim, checker, claimant="Mr Zelenskyy", explanation="Figures say otherwise.", reason="first look")
    claim.refresh_from_db()
    assert claim.verdict == rating("false")
    assert claim.verdict_summary == "Not so."
    assert claim.verdict_by == checker
    assert claim.version == 2
    assert claim.claimant is not None and claim.claimant_text == "Mr Zelenskyy"
    event = AuditEvent.objects.for_object(claim).get()
    assert event.action == "label" and event.actor == checker and event.reason == "first look"
    assert event.changes["verdict"] == [None, "False"]
    assert event.changes["verdict_summary"] == ["", "Not so."]


def test_verdict_change_records_reason(checker, checker2):
    claim = ClaimFactory()
    label(claim, checker)
    label(claim, checker2, verdict="true", reason="new data from the ministry")
    event = AuditEvent.objects.for_object(claim).first()
    assert event.changes["verdict"] == ["False", "True"]
    assert event.reason == "new data from the ministry"


def test_stale_label_is_refused_with_what_changed(checker, checker2):
    claim = ClaimFactory()
    opened_version = claim.version
    label(claim, checker, summary="Checker one's summary.")
    with pytest.raises(StaleEdit) as info:
        label(claim, checker2, verdict="true", summary="Checker two's summary.", version=opened_version)
    assert info.value.stored["verdict_summary"] == "Checker one's summary."
    assert info.value.stored["verdict"] == rating("false")
    claim.refresh_from_db()
    assert claim.verdict_summary == "Checker one's summary."
    assert claim.verdict_by == checker
    assert AuditEvent.objects.for_object(claim).count() == 1


def test_reporter_cannot_label(reporter):
    with pytest.raises(PermissionDenied):
        label(ClaimFactory(), reporter)


def test_label_refused_once_approved_or_published(checker):
    with pytest.raises(WorkflowError, match="send it back"):
        label(ClaimFactory(labelled=True, workflow=Workflow.APPROVED), checker)
    with pytest.raises(WorkflowError, match="correction"):
        label(ClaimFactory(labelled=True, text="Prices doubled in a year.", workflow=Workflow.PUBLISHED), checker)


def test_full_workflow_with_two_person_rule(checker, editor, admin_user):
    claim = ClaimFactory()
    with pytest.raises(WorkflowError, match="Choose a verdict"):
        claim_submit_for_review(claim=claim, actor=checker)
    label(claim, editor)  # the editor writes the verdict himself
    claim_submit_for_review(claim=claim, actor=checker, expected_version=claim.version)
    assert claim.workflow == Workflow.IN_REVIEW
    with pytest.raises(WorkflowError, match="Two-person rule"):
        claim_approve(claim=claim, actor=editor)
    claim_approve(claim=claim, actor=admin_user, expected_version=claim.version)
    claim.refresh_from_db()
    assert claim.workflow == Workflow.APPROVED and claim.approved_by == admin_user
    claim_publish(claim=claim, actor=editor)
    claim.refresh_from_db()
    assert claim.workflow == Workflow.PUBLISHED and claim.published_at is not None
    actions = list(AuditEvent.objects.for_object(claim).values_list("action", flat=True))
    assert actions == ["publish", "approve", "submit_for_review", "label"]


def test_transitions_check_state_and_capability(checker, editor):
    claim = ClaimFactory(labelled=True, verdict_by=checker)
    with pytest.raises(WorkflowError, match="in review"):
        claim_approve(claim=claim, actor=editor)
    with pytest.raises(WorkflowError, match="approved"):
        claim_publish(claim=claim, actor=editor)
    claim_submit_for_review(claim=claim, actor=checker)
    with pytest.raises(WorkflowError, match="draft"):
        claim_submit_for_review(claim=claim, actor=checker)
    with pytest.raises(PermissionDenied):
        claim_approve(claim=claim, actor=checker)
    with pytest.raises(PermissionDenied):
        claim_publish(claim=claim, actor=checker)


def test_transition_on_stale_version_is_refused(checker, editor):
    claim = ClaimFactory(labelled=True, verdict_by=checker, workflow=Workflow.IN_REVIEW)
    seen = claim.version
    claim_send_back(claim=claim, actor=editor, comment="Check the date.")
    label(claim, checker, verdict="true")
    claim_submit_for_review(claim=claim, actor=checker)
    with pytest.raises(StaleEdit):
        # The editor approves the page he opened before the verdict changed.
        claim_approve(claim=claim, actor=editor, expected_version=seen)


def test_send_back_needs_comment_and_records_it(checker, editor):
    claim = ClaimFactory(labelled=True, verdict_by=checker, workflow=Workflow.APPROVED, approved_by=editor)
    with pytest.raises(WorkflowError, match="needs fixing"):
        claim_send_back(claim=claim, actor=editor, comment="  ")
    claim_send_back(claim=claim, actor=editor, comment="Source 2 is dead.")
    claim.refresh_from_db()
    assert claim.workflow == Workflow.DRAFT and claim.approved_by is None
    assert Comment.objects.get(claim=claim).body == "Source 2 is dead."
    assert AuditEvent.objects.for_object(claim).first().reason == "Source 2 is dead."


def test_correction_of_published_verdict(checker, editor):
    claim = ClaimFactory(labelled=True, verdict_by=checker, workflow=Workflow.PUBLISHED)
    with pytest.raises(WorkflowError, match="reason"):
        claim_correct(
            claim=claim,
            verdict=rating("false"),
            summary="x",
            explanation="",
            reason=" ",
            actor=editor,
            expected_version=claim.version,
        )
    with pytest.raises(PermissionDenied):
        claim_correct(
            claim=claim,
            verdict=rating("false"),
            summary="x",
            explanation="",
            reason="r",
            actor=checker,
            expected_version=claim.version,
        )
    correction = claim_correct(
        claim=claim,
        verdict=rating("false"),
        summary="The figure was 4.1%.",
        explanation="Revised statistics.",
        reason="The statistics office revised its figure.",
        actor=editor,
        expected_version=claim.version,
    )
    claim.refresh_from_db()
    assert claim.workflow == Workflow.PUBLISHED
    assert claim.verdict == rating("false")
    assert correction.previous_verdict == rating("mostly-true") and correction.new_verdict == rating("false")
    assert correction.made_at is not None and correction.made_by == editor
    event = AuditEvent.objects.for_object(claim).first()
    assert event.action == "correct" and event.reason == "The statistics office revised its figure."
    assert event.changes["verdict"] == ["Mostly true", "False"]


def test_correction_refused_when_nothing_changes_or_not_published(editor):
    claim = ClaimFactory(labelled=True, workflow=Workflow.PUBLISHED)
    with pytest.raises(WorkflowError, match="Nothing changed"):
        claim_correct(
            claim=claim,
            verdict=claim.verdict,
            summary=claim.verdict_summary,
            explanation=claim.verdict_explanation,
            reason="r",
            actor=editor,
            expected_version=claim.version,
        )
    draft = ClaimFactory(labelled=True, text="Exports rose by half.")
    with pytest.raises(WorkflowError, match="Only a published"):
        claim_correct(
            claim=draft,
            verdict=rating("true"),
            summary="s",
            explanation="",
            reason="r",
            actor=editor,
            expected_version=draft.version,
        )
    assert not Correction.objects.exists()


def test_assign_only_to_colleagues(checker, checker2, outsider):
    claim = ClaimFactory()
    claim_assign(claim=claim, assignee=checker2, actor=checker)
    claim.refresh_from_db()
    assert claim.assigned_to == checker2
    assert AuditEvent.objects.for_object(claim).get().changes == {"assigned_to": [None, "chloe"]}
    with pytest.raises(WorkflowError, match="no role"):
        claim_assign(claim=claim, assignee=outsider, actor=checker)


def test_evidence_add_remove_and_comment_audited(checker, reporter):
    claim = ClaimFactory()
    ev = evidence_add(claim=claim, url="https://ons.example/x", title="ONS", note="Table 3", actor=checker)
    with pytest.raises(ApplicationError, match="Only http:// and https:// web addresses are accepted") as info:
        evidence_add(claim=claim, url="not a url", title="", note="", actor=checker)
    assert info.value.field == "url"
    with pytest.raises(PermissionDenied):
        evidence_add(claim=claim, url="https://a.example", title="", note="", actor=reporter)
    evidence_remove(evidence=ev, actor=checker)
    assert not Evidence.objects.exists()
    comment_add(claim=claim, body="Is this the same 2km?", actor=reporter)
    with pytest.raises(ApplicationError, match="empty"):
        comment_add(claim=claim, body="   ", actor=reporter)
    actions = list(AuditEvent.objects.for_object(claim).values_list("action", flat=True))
    assert actions == ["comment", "evidence_remove", "evidence_add"]
