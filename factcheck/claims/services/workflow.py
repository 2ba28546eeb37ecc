"""Writes for the verdict workflow: labelling, assignment, evidence, comments and the
draft -> in review -> approved -> published transitions.

Every function here is a service: keyword-only, one transaction, `update_fields`, and
every change is recorded with `audit_record` (before/after, and the reason where one is
given). Transitions lock the row, check the stored state and raise WorkflowError with a
message fit to show the user. Editorial saves carry the version the editor saw; a save
based on an older version raises StaleEdit (see factcheck.claims.concurrency).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from factcheck.accounts.roles import Cap, has_cap, user_roles
from factcheck.audit.services import audit_record, diff_fields, snapshot
from factcheck.claims.concurrency import StaleEdit, save_if_current
from factcheck.claims.models import Claim, Comment, Correction, Evidence, Rating, Workflow
from factcheck.claims.people import person_resolve
from factcheck.core.errors import Conflict

__all__ = [
    "LABEL_FIELDS",
    "StaleEdit",
    "WorkflowError",
    "claim_approve",
    "claim_assign",
    "claim_correct",
    "claim_label",
    "claim_publish",
    "claim_send_back",
    "claim_submit_for_review",
    "comment_add",
    "evidence_add",
    "evidence_remove",
]

# The fields an editor writes through the labelling form, in the order the UI shows them.
LABEL_FIELDS = ["verdict", "verdict_summary", "verdict_explanation", "claimant_text"]


class WorkflowError(Conflict):
    """The claim's current state does not allow this action. The message is for the user."""


def _locked(claim: Claim) -> Claim:
    # Plain select_for_update: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer joins that with_related() would add.
    return Claim.objects.select_for_update().get(pk=claim.pk)


def _check_version(current: Claim, expected_version: int | None) -> None:
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit(current, {})


def _require(actor: Any, cap: Cap, what: str) -> None:
    if not has_cap(actor, cap):
        raise PermissionDenied(f"Your role may not {what}.")


def _sync(claim: Claim, current: Claim, fields: list[str]) -> None:
    """Copy the saved values back onto the caller's instance."""
    for name in [*fields, "version", "updated_at"]:
        setattr(claim, name, getattr(current, name))


def _apply_label(
    current: Claim,
    *,
    verdict: Rating,
    summary: str,
    explanation: str,
    claimant_name: str | None,
) -> list[str]:
    current.verdict = verdict
    current.verdict_summary = summary.strip()
    current.verdict_explanation = explanation.strip()
    fields = ["verdict", "verdict_summary", "verdict_explanation"]
    if claimant_name is not None:
        name = " ".join(claimant_name.split())[:300]
        current.claimant_text = name
        current.claimant = person_resolve(name=name) if name else None
        fields += ["claimant_text", "claimant"]
    return fields


@transaction.atomic
def claim_label(
    *,
    claim: Claim,
    verdict: Rating,
    summary: str,
    explanation: str,
    claimant_name: str | None,
    actor: Any,
    expected_version: int,
    reason: str = "",
) -> Claim:
    """Write the verdict, summary, explanation and claimant of a draft or in-review claim.

    The actor becomes `verdict_by`, so under the two-person rule they cannot approve it.
    Raises StaleEdit if someone saved since `expected_version`; the changes it carries
    are {field: [the value this actor submitted, the value stored now]}.
    """
    _require(actor, Cap.REVIEW, "label claims")
    current = _locked(claim)
    if current.workflow == Workflow.PUBLISHED:
        raise WorkflowError("This claim is published: change its verdict with a correction, which needs a reason.")
    if current.workflow == Workflow.APPROVED:
        raise WorkflowError("This claim is approved: send it back to draft before changing the verdict.")
    submitted = {
        "verdict": verdict,
        "verdict_summary": summary.strip(),
        "verdict_explanation": explanation.strip(),
    }
    if claimant_name is not None:
        submitted["claimant_text"] = " ".join(claimant_name.split())[:300]
    before = snapshot(current, LABEL_FIELDS)
    fields = _apply_label(
        current,
        verdict=verdict,
        summary=summary,
        explanation=explanation,
        claimant_name=claimant_name,
    )
    changes = diff_fields(current, before, LABEL_FIELDS)
    if not changes and current.version == expected_version:
        return current  # nothing to write
    current.verdict_by = actor
    current.edited_by = actor
    current.updated_at = timezone.now()
    fields += ["verdict_by", "edited_by", "updated_at"]
    save_if_current(current, expected_version=expected_version, fields=fields, seen=submitted)
    audit_record(actor=actor, obj=current, action="label", changes=changes, reason=reason.strip())
    _sync(claim, current, fields)
    return current


@transaction.atomic
def claim_correct(
    *,
    claim: Claim,
    verdict: Rating,
    summary: str,
    explanation: str,
    reason: str,
    actor: Any,
    expected_version: int,
) -> Correction:
    """Change the verdict (or its wording) of a published fact-check.

    The claim stays published; a dated, public Correction row records the old and new
    verdict and the reason.
    """
    _require(actor, Cap.APPROVE, "correct published fact-checks")
    reason = reason.strip()
    if not reason:
        raise WorkflowError("A correction to a published fact-check needs a reason.")
    current = _locked(claim)
    if current.workflow != Workflow.PUBLISHED:
        raise WorkflowError("Only a published fact-check can be corrected; edit the verdict instead.")
    submitted = {
        "verdict": verdict,
        "verdict_summary": summary.strip(),
        "verdict_explanation": explanation.strip(),
    }
    before = snapshot(current, LABEL_FIELDS)
    previous_verdict = current.verdict
    fields = _apply_label(current, verdict=verdict, summary=summary, explanation=explanation, claimant_name=None)
    changes = diff_fields(current, before, LABEL_FIELDS)
    if not changes:
        raise WorkflowError("Nothing changed: a correction must change the verdict, summary or explanation.")
    current.edited_by = actor
    current.updated_at = timezone.now()
    fields += ["edited_by", "updated_at"]
    save_if_current(current, expected_version=expected_version, fields=fields, seen=submitted)
    correction = Correction.objects.create(
        claim=current,
        previous_verdict=previous_verdict,
        new_verdict=verdict,
        reason=reason,
        made_by=actor,
    )
    audit_record(actor=actor, obj=current, action="correct", changes=changes, reason=reason)
    _sync(claim, current, fields)
    return correction


def _transition(
    *,
    claim: Claim,
    actor: Any,
    expected_version: int | None,
    allowed_from: tuple[str, ...],
    to: str,
    action: str,
    verb: str,
    reason: str = "",
    check=None,
) -> Claim:
    current = _locked(claim)
    _check_version(current, expected_version)
    if current.workflow not in allowed_from:
        allowed = " or ".join(Workflow(s).label.lower() for s in allowed_from)
        raise WorkflowError(
            f"Only a claim that is {allowed} can be {verb}; this one is {current.get_workflow_display().lower()}."
        )
    if check:
        check(current)
    before = snapshot(current, ["workflow", "approved_by", "published_at"])
    current.workflow = to
    fields = ["workflow"]
    if to == Workflow.APPROVED:
        current.approved_by = actor
        fields.append("approved_by")
    elif to == Workflow.DRAFT:
        current.approved_by = None
        fields.append("approved_by")
    elif to == Workflow.PUBLISHED:
        current.published_at = timezone.now()
        fields.append("published_at")
    current.version += 1
    current.edited_by = actor
    fields += ["version", "edited_by", "updated_at"]
    current.save(update_fields=fields)
    audit_record(
        actor=actor,
        obj=current,
        action=action,
        changes=diff_fields(current, before, ["workflow", "approved_by", "published_at"]),
        reason=reason,
    )
    _sync(claim, current, fields)
    return current


def _needs_verdict(current: Claim) -> None:
    if current.verdict_id is None:
        raise WorkflowError("Choose a verdict before submitting this claim for review.")


@transaction.atomic
def claim_submit_for_review(*, claim: Claim, actor: Any, expected_version: int | None = None) -> Claim:
    """draft -> in review. The claim needs a verdict."""
    _require(actor, Cap.REVIEW, "submit verdicts for review")
    return _transition(
        claim=claim,
        actor=actor,
        expected_version=expected_version,
        allowed_from=(Workflow.DRAFT,),
        to=Workflow.IN_REVIEW,
        action="submit_for_review",
        verb="submitted for review",
        check=_needs_verdict,
    )


@transaction.atomic
def claim_approve(*, claim: Claim, actor: Any, expected_version: int | None = None) -> Claim:
    """in review -> approved, by an editor who did not write the verdict (two-person rule)."""
    _require(actor, Cap.APPROVE, "approve verdicts")

    def two_person_rule(current: Claim) -> None:
        _needs_verdict(current)
        if current.verdict_by_id is not None and current.verdict_by_id == actor.pk:
            raise WorkflowError("Two-person rule: you wrote this verdict, so another editor must approve it.")

    return _transition(
        claim=claim,
        actor=actor,
        expected_version=expected_version,
        allowed_from=(Workflow.IN_REVIEW,),
        to=Workflow.APPROVED,
        action="approve",
        verb="approved",
        check=two_person_rule,
    )


@transaction.atomic
def claim_send_back(*, claim: Claim, actor: Any, comment: str, expected_version: int | None = None) -> Claim:
    """in review or approved -> draft, with a comment saying what to fix."""
    _require(actor, Cap.APPROVE, "send verdicts back")
    comment = comment.strip()
    if not comment:
        raise WorkflowError("Say what needs fixing when you send a claim back.")
    current = _transition(
        claim=claim,
        actor=actor,
        expected_version=expected_version,
        allowed_from=(Workflow.IN_REVIEW, Workflow.APPROVED),
        to=Workflow.DRAFT,
        action="send_back",
        verb="sent back",
        reason=comment,
    )
    Comment.objects.create(claim=current, author=actor, body=comment)
    return current


@transaction.atomic
def claim_publish(*, claim: Claim, actor: Any, expected_version: int | None = None) -> Claim:
    """approved -> published; the public fact-check page and its ClaimReview go live."""
    _require(actor, Cap.APPROVE, "publish fact-checks")
    return _transition(
        claim=claim,
        actor=actor,
        expected_version=expected_version,
        allowed_from=(Workflow.APPROVED,),
        to=Workflow.PUBLISHED,
        action="publish",
        verb="published",
        check=_needs_verdict,
    )


@transaction.atomic
def claim_assign(*, claim: Claim, assignee: Any | None, actor: Any) -> Claim:
    """Give the claim to a colleague (someone in a role group), or to nobody."""
    _require(actor, Cap.REVIEW, "assign claims")
    if assignee is not None and not user_roles(assignee):
        raise WorkflowError(f"{assignee.get_username()} has no role on the desk and cannot be assigned claims.")
    current = _locked(claim)
    before = snapshot(current, ["assigned_to"])
    if current.assigned_to_id == (assignee.pk if assignee else None):
        return current
    current.assigned_to = assignee
    current.save(update_fields=["assigned_to", "updated_at"])
    audit_record(actor=actor, obj=current, action="assign", changes=diff_fields(current, before, ["assigned_to"]))
    claim.assigned_to = assignee
    return current


def _evidence_text(evidence: Evidence) -> str:
    return f"{evidence.title} <{evidence.url}>" if evidence.title else evidence.url


@transaction.atomic
def evidence_add(*, claim: Claim, url: str, title: str, note: str, actor: Any) -> Evidence:
    _require(actor, Cap.REVIEW, "cite evidence")
    evidence = Evidence(claim=claim, url=url.strip(), title=title.strip(), note=note.strip(), added_by=actor)
    evidence.full_clean(exclude=["claim", "added_by"])
    evidence.save()
    audit_record(
        actor=actor,
        obj=claim,
        action="evidence_add",
        changes={"evidence": [None, _evidence_text(evidence)]},
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor: Any) -> None:
    _require(actor, Cap.REVIEW, "remove evidence")
    claim = evidence.claim
    description = _evidence_text(evidence)
    evidence.delete()
    audit_record(actor=actor, obj=claim, action="evidence_remove", changes={"evidence": [description, None]})


@transaction.atomic
def comment_add(*, claim: Claim, body: str, actor: Any) -> Comment:
    _require(actor, Cap.PROPOSE, "comment")
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise WorkflowError("A comment cannot be empty.")
    comment = Comment.objects.create(claim=claim, author=actor, body=body)
    audit_record(actor=actor, obj=claim, action="comment", changes={"comment": [None, body[:300]]})
    return comment
