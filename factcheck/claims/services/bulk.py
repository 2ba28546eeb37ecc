"""Bulk actions on claims: the single-item services, one claim after another.

Each claim goes through exactly the service its own button calls (`claim_accept`,
`claim_reject`, `claim_assign`, `claim_submit_for_review`), so the same capability
check, state rule (factcheck.claims.states), optimistic lock and audit event apply.
Each call is its own transaction: a claim refused (someone rejected it meanwhile, it
has no verdict yet, it changed since the list was shown) is reported and the others go
on; nothing done for one claim is undone by another's refusal, and no claim stays
locked while the rest are worked through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import Truncator

from factcheck.accounts.roles import Cap, require_cap
from factcheck.claims.models import Claim
from factcheck.claims.services.triage import claim_accept, claim_reject
from factcheck.claims.services.workflow import claim_assign, claim_submit_for_review
from factcheck.claims.states import ACTIONS
from factcheck.core.errors import ApplicationError, StaleEdit

__all__ = ["BULK_ACTIONS", "BULK_MAX", "BulkResult", "claims_bulk"]

# The actions a list offers, by name: what the summary says was done, and what the
# refusal of a missing capability says the actor tried.
BULK_ACTIONS: dict[str, dict[str, str]] = {
    "accept": {"done": "accepted", "what": "accept claims", "label": "Accept"},
    "reject": {"done": "rejected", "what": "reject claims", "label": "Reject"},
    "assign": {"done": "assigned", "what": "assign claims", "label": "Assign"},
    "submit": {"done": "sent to review", "what": "submit verdicts for review", "label": "Send to review"},
}
BULK_MAX = 200  # a page holds 50; more in one request is not a person at work


@dataclass(frozen=True)
class Refusal:
    claim_id: int
    text: str  # the claim's words, shortened, so the editor knows which one
    message: str


@dataclass
class BulkResult:
    action: str
    done: list[int] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    assignee: Any = None

    def summary(self) -> str:
        """“12 accepted; 2 refused: #5 “…”: Only a claim that is … (last changed by maria).”"""
        verb = BULK_ACTIONS[self.action]["done"]
        if self.action == "assign":
            verb += f" to {self.assignee.get_username()}" if self.assignee else " to nobody"
        noun = "claim" if len(self.done) == 1 else "claims"
        text = f"{len(self.done):,} {noun} {verb}"
        if self.refused:
            reasons = "; ".join(f"#{r.claim_id} “{r.text}”: {r.message.rstrip('.')}" for r in self.refused)
            text += f"; {len(self.refused):,} refused: {reasons}"
        return text + "."


def _last_editor(claim_id: int) -> str | None:
    """Who last changed a claim, to say in a refusal (one query, for refused claims only)."""
    return Claim.objects.filter(pk=claim_id).values_list("edited_by__username", flat=True).first()


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).words(10, truncate="…")


def claims_bulk(
    *,
    action: str,
    claim_ids: Iterable[int],
    actor: Any,
    versions: Mapping[int, int] | None = None,
    assignee: Any = None,
    reason: str = "",
) -> BulkResult:
    """Apply `action` to each claim in `claim_ids` (in that order) through its single service.

    `versions`: the version of each claim as the list showed it; a claim saved by someone
    else since is refused (StaleEdit), never overwritten. Claims the actor may not see, or
    that no longer exist, are refused too. Raises NotAllowed (nothing done) when the
    actor's role may not take the action at all, and ApplicationError for an unknown
    action or too many claims.
    """
    if action not in BULK_ACTIONS:
        raise ApplicationError(f"“{action}” is not an action on claims.", field="action")
    cap = Cap.REVIEW if action == "assign" else ACTIONS[action].cap
    require_cap(actor, cap, BULK_ACTIONS[action]["what"])
    ids = list(dict.fromkeys(int(pk) for pk in claim_ids))
    if not ids:
        raise ApplicationError("Select at least one claim first.", field="claims")
    if len(ids) > BULK_MAX:
        raise ApplicationError(f"Select at most {BULK_MAX} claims at a time.", field="claims")
    versions = versions or {}
    found = Claim.objects.visible_to(actor).only("pk", "text", "version").in_bulk(ids)
    result = BulkResult(action=action, assignee=assignee)
    for pk in ids:
        claim = found.get(pk)
        if claim is None:
            result.refused.append(Refusal(pk, "", "no longer exists."))
            continue
        expected = versions.get(pk)
        try:
            if action == "accept":
                claim_accept(claim=claim, actor=actor, expected_version=expected)
            elif action == "reject":
                claim_reject(claim=claim, actor=actor, expected_version=expected, reason=reason)
            elif action == "submit":
                claim_submit_for_review(claim=claim, actor=actor, expected_version=expected)
            else:
                claim_assign(claim=claim, assignee=assignee, actor=actor)
        except StaleEdit:
            name = _last_editor(pk)
            by = f" by {name}" if name else ""
            message = f"changed{by} after the list was shown; reload the list to see it as it is now."
            result.refused.append(Refusal(pk, _short(claim.text), message))
        except ApplicationError as exc:
            name = _last_editor(pk)
            message = exc.message.rstrip(".") + (f" (last changed by {name})." if name else ".")
            result.refused.append(Refusal(pk, _short(claim.text), message))
        else:
            result.done.append(pk)
    return result
