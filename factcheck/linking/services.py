"""Writes for link decisions: create, confirm and dismiss links between claims and between
quotes (editors), and the record of a link the engine confirmed by itself (LINK_AUTOCONFIRM).

A link is undirected and stored once, with source_id < target_id (the check constraint
in linking.models insists). A decision is recorded in the audit trail of both ends, so each
claim's or quote's history shows it; the engine's is the system's (actor None), with the
same action as an editor's confirmation, so webhooks, alerts and counts hear it alike.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from factcheck.accounts.roles import Cap, require_cap
from factcheck.audit.services import audit_record
from factcheck.claims.models import Claim, Quote
from factcheck.core.errors import ApplicationError
from factcheck.linking.models import ClaimLink, LinkOrigin, LinkState, QuoteLink, Relation

__all__ = [
    "LinkError",
    "claim_link_create",
    "link_confirm",
    "link_dismiss",
    "links_autoconfirmed_record",
    "quote_link_create",
]


class LinkError(ApplicationError):
    """A link action that cannot be done; the message is for the user."""


def _describe(link: ClaimLink | QuoteLink, other_id: int) -> str:
    noun = "claim" if isinstance(link, ClaimLink) else "quote"
    return f"{link.get_relation_display().lower()} as {noun} {other_id} ({link.get_state_display().lower()})"


def _audit_both_ends(
    link: ClaimLink | QuoteLink,
    *,
    actor: Any,
    action: str,
    before: str | None,
    reason: str = "",
) -> None:
    for obj, other in ((link.source, link.target_id), (link.target, link.source_id)):
        after = _describe(link, other) if link.state != LinkState.DISMISSED else f"dismissed link to {other}"
        previous = None
        if before is not None:
            previous = f"{before} {other}"
        audit_record(actor=actor, obj=obj, action=action, changes={"link": [previous, after]}, reason=reason)


def _link_create(
    model: type[ClaimLink] | type[QuoteLink],
    *,
    a: models.Model,
    b: models.Model,
    relation: str,
    actor: Any,
    confirm: bool,
) -> ClaimLink | QuoteLink:
    noun = "claim" if model is ClaimLink else "quote"
    if confirm:
        require_cap(actor, Cap.REVIEW, f"link {noun}s")
    else:
        require_cap(actor, Cap.PROPOSE, f"propose links between {noun}s")
    if a.pk == b.pk:
        raise LinkError(f"A {noun} cannot be linked to itself.")
    if relation not in Relation.values:
        raise LinkError(f"“{relation}” is not a link relation.")
    source, target = (a, b) if a.pk < b.pk else (b, a)
    existing = model.objects.select_for_update().filter(source_id=source.pk, target_id=target.pk).first()
    now = timezone.now()
    if existing is not None:
        if existing.state == LinkState.CONFIRMED:
            raise LinkError(
                f"These {noun}s are already linked ({existing.get_relation_display().lower()}); "
                "dismiss that link first to change it."
            )
        if existing.state == LinkState.SUGGESTED and not confirm:
            raise LinkError(f"A link between these {noun}s is already suggested and waits for a fact-checker.")
        if not confirm:
            # A dismissed pair proposed again by someone who cannot confirm: reopen it as a suggestion.
            before = f"dismissed {existing.get_relation_display().lower()} link to"
            existing.state = LinkState.SUGGESTED
            existing.relation = relation
            existing.created_by = actor
            existing.save(update_fields=["state", "relation", "created_by", "updated_at"])
            _audit_both_ends(existing, actor=actor, action="link_propose", before=before)
            return existing
        # A suggestion (or an earlier dismissal) for this pair: the editor's decision confirms it.
        before = f"{existing.get_state_display().lower()} {existing.get_relation_display().lower()} link to"
        existing.state = LinkState.CONFIRMED
        existing.relation = relation
        existing.decided_by = actor
        existing.decided_at = now
        existing.save(update_fields=["state", "relation", "decided_by", "decided_at", "updated_at"])
        _audit_both_ends(existing, actor=actor, action="link_confirm", before=before)
        return existing
    link = model(
        source=source,
        target=target,
        relation=relation,
        origin=LinkOrigin.EDITOR,
        state=LinkState.CONFIRMED if confirm else LinkState.SUGGESTED,
        created_by=actor,
        decided_by=actor if confirm else None,
        decided_at=now if confirm else None,
    )
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        # Another editor linked the same pair a moment ago.
        raise LinkError(f"These {noun}s were just linked by someone else; reload the page.")
    _audit_both_ends(link, actor=actor, action="link_create" if confirm else "link_propose", before=None)
    return link


@transaction.atomic
def claim_link_create(*, a: Claim, b: Claim, relation: str, actor: Any, confirm: bool = True) -> ClaimLink:
    """Link two claims. `confirm=False` records a reporter's proposal as a suggestion."""
    return _link_create(ClaimLink, a=a, b=b, relation=relation, actor=actor, confirm=confirm)


@transaction.atomic
def quote_link_create(*, a: Quote, b: Quote, relation: str, actor: Any, confirm: bool = True) -> QuoteLink:
    """Link two quotes (the same words reported twice, or a misquote)."""
    return _link_create(QuoteLink, a=a, b=b, relation=relation, actor=actor, confirm=confirm)


def _lock(link: ClaimLink | QuoteLink) -> ClaimLink | QuoteLink:
    return type(link).objects.select_for_update(of=("self",)).select_related("source", "target").get(pk=link.pk)


@transaction.atomic
def link_confirm(*, link: ClaimLink | QuoteLink, actor: Any, relation: str | None = None) -> ClaimLink | QuoteLink:
    """Accept a suggested (or previously dismissed) link, optionally correcting its relation."""
    require_cap(actor, Cap.REVIEW, "confirm links")
    current = _lock(link)
    if relation is not None and relation not in Relation.values:
        raise LinkError(f"“{relation}” is not a link relation.")
    if current.state == LinkState.CONFIRMED and (relation is None or relation == current.relation):
        raise LinkError("This link is already confirmed.")
    before = f"{current.get_state_display().lower()} {current.get_relation_display().lower()} link to"
    current.state = LinkState.CONFIRMED
    if relation is not None:
        current.relation = relation
    current.decided_by = actor
    current.decided_at = timezone.now()
    current.save(update_fields=["state", "relation", "decided_by", "decided_at", "updated_at"])
    _audit_both_ends(current, actor=actor, action="link_confirm", before=before)
    link.state, link.relation = current.state, current.relation
    return current


def links_autoconfirmed_record(
    model: type[ClaimLink] | type[QuoteLink], *, confirmed: dict[int, str | None], threshold: float
) -> int:
    """Audit links the engine has just confirmed: `confirmed` maps a link's id to what it was
    before (None for a link made confirmed, "suggested same link to" for a suggestion it
    promoted). Called by linking.suggest inside the transaction that confirmed them, once per
    link (only for a row it inserted or moved from suggested), so a re-run records nothing.

    The actor is the system (None, as for extraction and imports: no user stands behind it);
    the action is an editor's (`link_confirm`), the reason says it was the engine and why."""
    if not confirmed:
        return 0
    links = model.objects.select_related("source", "target").filter(pk__in=confirmed).order_by("pk")
    for link in links:
        reason = f"confirmed by the linking engine: score {link.score:.2f} ≥ {threshold:.2f} (LINK_AUTOCONFIRM)"
        _audit_both_ends(link, actor=None, action="link_confirm", before=confirmed[link.pk], reason=reason)
    return len(links)


@transaction.atomic
def link_dismiss(*, link: ClaimLink | QuoteLink, actor: Any, reason: str = "") -> ClaimLink | QuoteLink:
    """Reject a link. The row stays (state=dismissed) so the engine does not suggest it again."""
    require_cap(actor, Cap.REVIEW, "dismiss links")
    current = _lock(link)
    if current.state == LinkState.DISMISSED:
        raise LinkError("This link is already dismissed.")
    before = f"{current.get_state_display().lower()} {current.get_relation_display().lower()} link to"
    current.state = LinkState.DISMISSED
    current.decided_by = actor
    current.decided_at = timezone.now()
    current.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    _audit_both_ends(current, actor=actor, action="link_dismiss", before=before, reason=reason.strip())
    link.state = current.state
    return current
