"""Writes for the verdict workflow: labelling, assignment, evidence, comments and the
draft -> in review -> approved -> published transitions.

Every function here is a service: keyword-only, one transaction, `update_fields`, and
every change is recorded with `audit_record` (before/after, and the reason where one is
given). Each service checks the actor's capability, locks the row and compares the
version the editor saw (`factcheck.core.locking`: StaleEdit carries the stored values),
and checks the claim's state against the one action table (`factcheck.claims.states`),
raising WorkflowError with a message fit to show the user.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from factcheck.accounts.roles import Cap, require_cap, user_roles
from factcheck.audit.services import audit_record, diff_fields, snapshot
from factcheck.claims.models import CandidateStatus, Claim, Comment, Correction, Evidence, Rating, Workflow
from factcheck.claims.people import person_resolve
from factcheck.claims.states import ACTIONS, claim_actions, refusal
from factcheck.core.errors import ApplicationError, Conflict
from factcheck.core.locking import copy_saved, lock_for_edit, save_versioned
from factcheck.core.validators import web_url

__all__ = [
    "LABEL_FIELDS",
    "WorkflowError",
    "claim_actions",
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


def _check(current: Claim, action: str, actor: Any = None) -> None:
    if problem := refusal(current, action, actor):
        raise WorkflowError(problem)


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
    expected_version: int | None,
    reason: str = "",
) -> Claim:
    """Write the verdict, summary, explanation and claimant of a claim before approval.

    Labelling a candidate accepts it. The actor becomes `verdict_by`, so under the
    two-person rule they cannot approve it. A change while the claim is in review sends
    it back to draft: what was submitted for approval is no longer what is there, and it
    must be submitted again (so nobody approves a verdict they wrote or changed).
    Raises StaleEdit (with the stored label fields) if someone saved since
    `expected_version`.
    """
    require_cap(actor, Cap.REVIEW, "label claims")
    current = lock_for_edit(claim, expected_version=expected_version, fields=LABEL_FIELDS)
    if current.workflow == Workflow.PUBLISHED:
        raise WorkflowError("This claim is published: change its verdict with a correction, which needs a reason.")
    if current.workflow == Workflow.APPROVED:
        raise WorkflowError("This claim is approved: send it back to draft before changing the verdict.")
    _check(current, "label")
    before = snapshot(current, [*LABEL_FIELDS, "status", "workflow"])
    fields = _apply_label(
        current,
        verdict=verdict,
        summary=summary,
        explanation=explanation,
        claimant_name=claimant_name,
    )
    changes = diff_fields(current, before, LABEL_FIELDS)
    if not changes:
        return current  # nothing to write
    if current.status == CandidateStatus.CANDIDATE:
        current.status = CandidateStatus.ACCEPTED
        fields.append("status")
    reason = reason.strip()
    if current.workflow == Workflow.IN_REVIEW:
        current.workflow = Workflow.DRAFT
        fields.append("workflow")
        reason = (reason + " " if reason else "") + "Changed in review: back to draft, to be submitted again."
    current.verdict_by = actor
    current.edited_by = actor
    fields += ["verdict_by", "edited_by"]
    save_versioned(current, fields=fields)
    audit_record(
        actor=actor,
        obj=current,
        action="label",
        changes=diff_fields(current, before, [*LABEL_FIELDS, "status", "workflow"]),
        reason=reason,
    )
    copy_saved(current, claim, fields)
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
    expected_version: int | None,
) -> Correction:
    """Change the verdict (or its wording) of a published fact-check.

    The claim stays published; a dated, public Correction row records the old and new
    verdict and the reason.
    """
    require_cap(actor, Cap.APPROVE, "correct published fact-checks")
    reason = reason.strip()
    if not reason:
        raise WorkflowError("A correction to a published fact-check needs a reason.", field="reason")
    current = lock_for_edit(claim, expected_version=expected_version, fields=LABEL_FIELDS)
    if current.workflow != Workflow.PUBLISHED:
        raise WorkflowError("Only a published fact-check can be corrected; edit the verdict instead.")
    before = snapshot(current, LABEL_FIELDS)
    previous_verdict = current.verdict
    fields = _apply_label(current, verdict=verdict, summary=summary, explanation=explanation, claimant_name=None)
    changes = diff_fields(current, before, LABEL_FIELDS)
    if not changes:
        raise WorkflowError("Nothing changed: a correction must change the verdict, summary or explanation.")
    current.edited_by = actor
    fields.append("edited_by")
    save_versioned(current, fields=fields)
    correction = Correction.objects.create(
        claim=current,
        previous_verdict=previous_verdict,
        new_verdict=verdict,
        reason=reason,
        made_by=actor,
    )
    audit_record(actor=actor, obj=current, action="correct", changes=changes, reason=reason)
    copy_saved(current, claim, fields)
    return correction


TRANSITION_FIELDS = ["workflow", "approved_by", "published_at"]
# What the actor was trying to do, for the refusal "Your role may not ...".
TRANSITION_WHAT = {
    "submit": "submit verdicts for review",
    "approve": "approve verdicts",
    "send_back": "send verdicts back",
    "publish": "publish fact-checks",
}


def _transition(
    *,
    claim: Claim,
    actor: Any,
    expected_version: int | None,
    name: str,
    to: str,
    action: str,
    reason: str = "",
) -> Claim:
    require_cap(actor, ACTIONS[name].cap, TRANSITION_WHAT[name])
    current = lock_for_edit(claim, expected_version=expected_version, fields=TRANSITION_FIELDS)
    _check(current, name, actor)
    before = snapshot(current, TRANSITION_FIELDS)
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
    current.edited_by = actor
    fields.append("edited_by")
    save_versioned(current, fields=fields)
    audit_record(
        actor=actor,
        obj=current,
        action=action,
        changes=diff_fields(current, before, TRANSITION_FIELDS),
        reason=reason,
    )
    copy_saved(current, claim, fields)
    return current


@transaction.atomic
def claim_submit_for_review(*, claim: Claim, actor: Any, expected_version: int | None = None) -> Claim:
    """draft -> in review. The claim needs a verdict."""
    return _transition(
        claim=claim,
        actor=actor,
        expected_version=expected_version,
        name="submit",
        to=Workflow.IN_REVIEW,
        action="submit_for_review",
    )


@transaction.atomic
def claim_approve(*, claim: Claim, actor: Any, expected_version: int | None = None) -> Claim:
    """in review -> approved, by an editor who did not write the verdict (two-person rule)."""
    return _transition(
        claim=claim,
        actor=actor,
        expected_version=expected_version,
        name="approve",
        to=Workflow.APPROVED,
        action="approve",
    )


@transaction.atomic
def claim_send_back(*, claim: Claim, actor: Any, comment: str, expected_version: int | None = None) -> Claim:
    """in review or approved -> draft, with a comment saying what to fix."""
    require_cap(actor, Cap.APPROVE, TRANSITION_WHAT["send_back"])
    comment = comment.strip()
    if not comment:
        raise WorkflowError("Say what needs fixing when you send a claim back.", field="comment")
    current = _transition(
        claim=claim,
        actor=actor,
        expected_version=expected_version,
        name="send_back",
        to=Workflow.DRAFT,
        action="send_back",
        reason=comment,
    )
    Comment.objects.create(claim=current, author=actor, body=comment)
    return current


@transaction.atomic
def claim_publish(*, claim: Claim, actor: Any, expected_version: int | None = None) -> Claim:
    """approved -> published; the public fact-check page and its ClaimReview go live."""
    return _transition(
        claim=claim,
        actor=actor,
        expected_version=expected_version,
        name="publish",
        to=Workflow.PUBLISHED,
        action="publish",
    )


@transaction.atomic
def claim_assign(*, claim: Claim, assignee: Any | None, actor: Any) -> Claim:
    """Give the claim to a colleague (someone in a role group), or to nobody."""
    require_cap(actor, Cap.REVIEW, "assign claims")
    if assignee is not None and not user_roles(assignee):
        raise WorkflowError(
            f"{assignee.get_username()} has no role on the desk and cannot be assigned claims.", field="assignee"
        )
    current = lock_for_edit(claim, expected_version=None, fields=["assigned_to"])
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
    require_cap(actor, Cap.REVIEW, "cite evidence")
    try:
        url = web_url(url)
    except ValueError as exc:
        raise ApplicationError(str(exc), field="url") from None
    evidence = Evidence(claim=claim, url=url, title=title.strip(), note=note.strip(), added_by=actor)
    try:
        evidence.full_clean(exclude=["claim", "added_by"])
    except ValidationError as exc:
        field, errors = next(iter(exc.message_dict.items()))
        raise ApplicationError(" ".join(errors), field=field if field != NON_FIELD_ERRORS else None) from None
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
    require_cap(actor, Cap.REVIEW, "remove evidence")
    claim = evidence.claim
    description = _evidence_text(evidence)
    evidence.delete()
    audit_record(actor=actor, obj=claim, action="evidence_remove", changes={"evidence": [description, None]})


@transaction.atomic
def comment_add(*, claim: Claim, body: str, actor: Any) -> Comment:
    require_cap(actor, Cap.PROPOSE, "comment")
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ApplicationError("A comment cannot be empty.", field="body")
    comment = Comment.objects.create(claim=claim, author=actor, body=body)
    audit_record(actor=actor, obj=claim, action="comment", changes={"comment": [None, body[:300]]})
    return comment
