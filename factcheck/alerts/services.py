"""Writes for repeat alerts: raising them (from link suggestions, and the sweep), acknowledging
them, and approving a verdict that disagrees with a matched check."""

from __future__ import annotations

import datetime
import logging
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from factcheck.accounts.roles import Cap, require_cap
from factcheck.alerts import selectors
from factcheck.alerts.models import AlertState, RepeatAlert
from factcheck.alerts.signals import send_raised
from factcheck.articles.models import Article, ArticleKind
from factcheck.audit.services import audit_record
from factcheck.claims import services as claim_services
from factcheck.claims.models import Claim
from factcheck.core.errors import ApplicationError, Conflict

log = logging.getLogger(__name__)

__all__ = [
    "VerdictDisagreement",
    "claim_approve_checked",
    "repeat_alert_acknowledge",
    "repeat_alerts_raise",
    "repeat_alerts_sweep",
]

_LOADED = ("source__article", "target__article")


def _raise(links, *, only_claims: set[int] | None = None) -> list[RepeatAlert]:
    """Create the missing alerts for these links; return the new ones. The unique pair refuses a
    duplicate a concurrent run created first (its savepoint rolls back; the other run keeps it)."""
    pairs = [
        (repeat, checked, link)
        for repeat, checked, link in selectors.repeat_pairs(links)
        if only_claims is None or repeat.pk in only_claims
    ]
    if not pairs:
        return []
    existing = set(
        RepeatAlert.objects.filter(
            claim_id__in={r.pk for r, _, _ in pairs}, checked_claim_id__in={c.pk for _, c, _ in pairs}
        ).values_list("claim_id", "checked_claim_id")
    )
    created = []
    with transaction.atomic():
        for repeat, checked, link in pairs:
            if (repeat.pk, checked.pk) in existing:
                continue
            existing.add((repeat.pk, checked.pk))
            try:
                with transaction.atomic():
                    alert = RepeatAlert.objects.create(
                        claim=repeat,
                        checked_claim=checked,
                        link=link,
                        probability=min(1.0, max(0.0, link.score if link.score is not None else 1.0)),
                    )
            except IntegrityError:
                continue
            created.append(alert)
            transaction.on_commit(partial(send_raised, alert))
    if created:
        log.info("repeat alerts raised: %s", [a.pk for a in created])
    return created


def repeat_alerts_raise(*, article_id: int) -> list[RepeatAlert]:
    """Raise an alert for each claim of this news article that repeats a checked claim (see
    selectors.repeat_links). Safe to re-run: an existing pair is never raised again."""
    article = Article.objects.filter(pk=article_id, kind=ArticleKind.NEWS).first()
    if article is None:
        return []
    claim_ids = set(Claim.objects.live().filter(article=article).values_list("pk", flat=True))
    if not claim_ids:
        return []
    links = (
        selectors.repeat_links()
        .filter(Q(source_id__in=claim_ids) | Q(target_id__in=claim_ids))
        .select_related(*_LOADED)
    )
    return _raise(links, only_claims=claim_ids)


def repeat_alerts_sweep(*, since: datetime.datetime) -> list[RepeatAlert]:
    """Raise what qualifying links changed since `since` still lack: a link an editor confirmed
    later, a suggestion whose score rose, an alert task the broker lost."""
    links = selectors.repeat_links().filter(updated_at__gte=since).select_related(*_LOADED)[:2000]
    return _raise(links)


@transaction.atomic
def repeat_alert_acknowledge(*, alert: RepeatAlert, actor: Any, note: str = "") -> RepeatAlert:
    """Mark an alert as seen and dealt with. Fact-checkers and editors; audited."""
    require_cap(actor, Cap.REVIEW, "acknowledge repeat alerts")
    current = RepeatAlert.objects.select_for_update(of=("self",)).select_related("acknowledged_by").get(pk=alert.pk)
    if current.state == AlertState.ACKNOWLEDGED:
        who = current.acknowledged_by.get_username() if current.acknowledged_by else "someone"
        raise Conflict(f"This alert was already acknowledged by {who}.")
    note = note.strip()
    if len(note) > 500:
        raise ApplicationError("Keep the note under 500 characters.", field="note")
    current.state = AlertState.ACKNOWLEDGED
    current.acknowledged_by = actor
    current.acknowledged_at = timezone.now()
    current.note = note
    current.save(update_fields=["state", "acknowledged_by", "acknowledged_at", "note"])
    audit_record(
        actor=actor,
        obj=current,
        action="acknowledge_alert",
        changes={"state": [AlertState.OPEN.value, AlertState.ACKNOWLEDGED.value]},
        reason=note,
    )
    for name in ("state", "acknowledged_by", "acknowledged_at", "note"):
        setattr(alert, name, getattr(current, name))
    return alert


class VerdictDisagreement(Conflict):
    """Approving this verdict needs an explicit "approve anyway": a matched check disagrees."""


def _describe(disagreements: list[selectors.Disagreement]) -> str:
    return "; ".join(f"{d.by}: {d.their_words} (claim {d.other.pk})" for d in disagreements)[:1000]


@transaction.atomic
def claim_approve_checked(
    *,
    claim: Claim,
    actor: Any,
    expected_version: int | None = None,
    approve_anyway: bool = False,
    reason: str = "",
) -> Claim:
    """Approve a verdict (claims.services.claim_approve: capability, two-person rule, locking,
    audit), refusing when a matched check carries a different verdict unless the editor says
    "approve anyway" with a reason; the reason and what disagreed are audited."""
    require_cap(actor, Cap.APPROVE, "approve verdicts")
    disagreements = selectors.verdict_disagreements(claim)
    reason = reason.strip()
    if disagreements and not approve_anyway:
        n = len(disagreements)
        raise VerdictDisagreement(
            f"Not approved: {n} matched check{'s' if n != 1 else ''} carr{'y' if n != 1 else 'ies'} a different "
            f"verdict ({_describe(disagreements)}). Tick “approve anyway” and say why to approve.",
            field="approve_anyway",
        )
    if disagreements and not reason:
        raise ApplicationError(
            "Say why you approve this verdict although a matched check disagrees.", field="disagreement_reason"
        )
    approved = claim_services.claim_approve(claim=claim, actor=actor, expected_version=expected_version)
    if disagreements:
        audit_record(
            actor=actor,
            obj=approved,
            action="approve_despite_disagreement",
            changes={"disagrees_with": [None, _describe(disagreements)]},
            reason=reason[:1000],
        )
    return approved
