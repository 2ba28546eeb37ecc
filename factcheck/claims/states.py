"""The claim's one state machine, and the table of actions every page and service reads.

A claim's state is derived from two stored columns, `status` (triage) and `workflow`
(the verdict's road to publication), which a database rule keeps consistent: a claim
past draft is always accepted (`claim_workflow_needs_accepted`).

    candidate ──accept──▶ draft ──submit──▶ in review ──approve──▶ approved ──publish──▶ published
        │  ▲                │ ▲                │   ▲                  │                    │
     reject│accept      reject│ └──send back───┘   └──────────────────┘ send back          correct
        ▼  │                ▼   (or a verdict change in review)                            (stays)
      rejected ◀────────────┘

Labelling a candidate accepts it (the editor has decided it is worth checking), so a
labelled, approved or published claim is never shown as an untriaged candidate.

`ACTIONS` lists, for each action: the states it is allowed from, and the capability it
needs. Services check both (and raise Conflict / NotAllowed); pages call
`claim_actions(claim, user)` to decide which buttons to show, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from factcheck.accounts.roles import Cap, has_cap
from factcheck.claims.models import Claim, ClaimState, Workflow


@dataclass(frozen=True)
class Action:
    allowed_from: frozenset[ClaimState]
    cap: Cap
    verb: str  # "Only a claim that is <states> can be <verb>"


_S = ClaimState
BEFORE_REVIEW = frozenset({_S.CANDIDATE, _S.DRAFT, _S.REJECTED})

ACTIONS: dict[str, Action] = {
    "accept": Action(frozenset({_S.CANDIDATE, _S.REJECTED}), Cap.REVIEW, "accepted"),
    "reject": Action(frozenset({_S.CANDIDATE, _S.DRAFT}), Cap.REVIEW, "rejected"),
    "edit": Action(BEFORE_REVIEW, Cap.REVIEW, "edited"),
    "split": Action(BEFORE_REVIEW, Cap.REVIEW, "split"),
    "merge": Action(BEFORE_REVIEW, Cap.REVIEW, "merged"),
    "label": Action(frozenset({_S.CANDIDATE, _S.DRAFT, _S.IN_REVIEW}), Cap.REVIEW, "labelled"),
    "submit": Action(frozenset({_S.DRAFT}), Cap.REVIEW, "submitted for review"),
    "approve": Action(frozenset({_S.IN_REVIEW}), Cap.APPROVE, "approved"),
    "send_back": Action(frozenset({_S.IN_REVIEW, _S.APPROVED}), Cap.APPROVE, "sent back"),
    "publish": Action(frozenset({_S.APPROVED}), Cap.APPROVE, "published"),
    "correct": Action(frozenset({_S.PUBLISHED}), Cap.APPROVE, "corrected"),
}


def has_editorial_work(claim: Claim) -> bool:
    """A verdict in progress: such a claim may not be split, merged or deleted."""
    return claim.workflow != Workflow.DRAFT or claim.verdict_id is not None


def refusal(claim: Claim, action: str, actor=None) -> str | None:
    """Why `action` is not allowed on the claim as it is now, by `actor` if given (None if
    it is). The capability is checked apart (it is about the role, not the claim)."""
    rule = ACTIONS[action]
    state = claim.state
    if action == "submit" and claim.verdict_id is None and state in (ClaimState.CANDIDATE, ClaimState.DRAFT):
        return "Choose a verdict before submitting this claim for review."
    if state not in rule.allowed_from:
        allowed = " or ".join(s.label.lower() for s in ClaimState if s in rule.allowed_from)
        return f"Only a claim that is {allowed} can be {rule.verb}; this one is {state.label.lower()}."
    if action in ("split", "merge") and has_editorial_work(claim):
        return f"Claim #{claim.pk} already has a verdict in progress; it cannot be {rule.verb}."
    if action in ("submit", "approve", "publish") and claim.verdict_id is None:
        return "Choose a verdict before submitting this claim for review."
    if action == "approve" and actor is not None and claim.verdict_by_id == actor.pk:
        return "Two-person rule: you wrote this verdict, so another editor must approve it."
    return None


def claim_actions(claim: Claim, user) -> frozenset[str]:
    """The actions `user` may take on `claim` now: what the pages offer as buttons."""
    allowed = set()
    for name, rule in ACTIONS.items():
        if has_cap(user, rule.cap) and refusal(claim, name, user) is None:
            allowed.add(name)
    return frozenset(allowed)
