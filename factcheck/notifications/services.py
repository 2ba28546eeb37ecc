"""Writes: creating notifications (from editorial changes and repeat alerts), reading them, and
each person's email choice. Mail goes out through factcheck/notifications/delivery.py.

Notifications are a person's own inbox, not editorial data: marking one read is not audited,
and a read one is deleted NOTIFICATIONS_RETENTION_DAYS later (`notifications_prune`).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from factcheck.audit.models import AuditEvent
from factcheck.claims.models import Claim, Comment
from factcheck.core.errors import ApplicationError
from factcheck.core.retention import delete_in_batches
from factcheck.notifications import selectors
from factcheck.notifications.mentions import mention_names
from factcheck.notifications.models import (
    EmailChoice,
    EmailState,
    Kind,
    Notification,
    NotificationSettings,
)

log = logging.getLogger(__name__)

# A new row's own task sends its email; the sweep leaves it alone for this long first.
HEAD_START = datetime.timedelta(seconds=60)
# The audit actions that notify someone (factcheck/claims/services/workflow.py).
AUDIT_ACTIONS = {"assign", "comment", "send_back", "approve"}


def _quoted(claim: Claim) -> str:
    return "“" + Truncator(" ".join(claim.text.split())).chars(80) + "”"


def _who(actor: Any) -> str:
    return actor.get_username() if actor is not None else "The desk"


def notifications_create(
    *,
    recipients: Iterable[Any],
    kind: str,
    key: str,
    text: str,
    url: str,
    actor: Any = None,
    claim: Claim | None = None,
    excerpt: str = "",
) -> list[Notification]:
    """One notification per recipient for one event (`key`), never for the actor themself.

    Hearing the same event twice notifies once (unique recipient and key). Each recipient's
    email choice decides the row's email state; immediate emails are queued after commit.
    Returns the event's rows for these recipients.
    """
    actor_pk = getattr(actor, "pk", None)
    people = {user.pk: user for user in recipients if user is not None and user.is_active and user.pk != actor_pk}
    if not people:
        return []
    choices = dict(NotificationSettings.objects.filter(user_id__in=people).values_list("user_id", "email"))
    now = timezone.now()
    rows = []
    for pk, user in people.items():
        choice = choices.get(pk, EmailChoice.IMMEDIATE)
        mailed = choice != EmailChoice.NONE and bool(user.email)
        rows.append(
            Notification(
                recipient_id=pk,
                actor=actor if actor_pk else None,
                kind=kind,
                key=key[:100],
                text=text[:500],
                excerpt=excerpt[:2000],
                url=url[:1000],
                claim=claim,
                email_state=EmailState.PENDING if mailed else EmailState.NONE,
                email_digest=choice == EmailChoice.DAILY,
                email_next_at=now + HEAD_START if mailed else None,
            )
        )
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        created = list(Notification.objects.filter(key=key[:100], recipient_id__in=people).order_by("pk"))
        immediate = [n.pk for n in created if n.email_state == EmailState.PENDING and not n.email_digest]
        if immediate:
            transaction.on_commit(lambda: enqueue_emails(immediate))
    return created


def enqueue_emails(ids: list[int]) -> None:
    """Queue each email's task; with the broker down, the sweep sends them later."""
    from factcheck.notifications.tasks import send_notification_email
    from factcheck.ops.broker import BROKER_ERRORS

    for pk in ids:
        try:
            send_notification_email.delay(pk)
        except BROKER_ERRORS as exc:
            log.warning("notification %s: email not queued (%s); the sweep will send it", pk, exc)
            return


def _comment_of(event: AuditEvent) -> Comment | None:
    """The comment an audit event of action "comment" recorded (its text is cut at 300)."""
    after = (event.changes.get("comment") or [None, ""])[1] or ""
    comments = Comment.objects.filter(
        claim_id=event.object_id, author_id=event.actor_id, created_at__lte=event.created_at
    )
    if after:
        comments = comments.filter(body__startswith=after)
    return comments.order_by("-created_at", "-id").first()


def _notify_mentions(*, event: AuditEvent, claim: Claim, body: str, skip: set[int], key: str) -> list[Notification]:
    people = [user for user in selectors.mentioned_users(mention_names(body)) if user.pk not in skip]
    return notifications_create(
        recipients=people,
        kind=Kind.MENTIONED,
        key=key,
        text=f"{_who(event.actor)} mentioned you in a comment on {_quoted(claim)}",
        url=claim.get_absolute_url() + "#comments",
        actor=event.actor,
        claim=claim,
        excerpt=body,
    )


def notifications_from_audit(*, event: AuditEvent) -> list[Notification]:
    """The notifications an editorial change makes: assignment, mention, send-back, approval.

    Called when the change has committed (audit_committed). Never notifies the actor.
    """
    if event.action not in AUDIT_ACTIONS or event.content_type.model_class() is not Claim:
        return []
    claim = Claim.objects.filter(pk=event.object_id).first()
    if claim is None:
        return []
    key = f"audit:{event.pk}"
    who = _who(event.actor)
    if event.action == "assign":
        after = (event.changes.get("assigned_to") or [None, None])[1]
        assignee = claim.assigned_to
        # Only if the claim is still with the person this event gave it to.
        if assignee is None or after != str(assignee):
            return []
        return notifications_create(
            recipients=[assignee],
            kind=Kind.ASSIGNED,
            key=key,
            text=f"{who} assigned you the claim {_quoted(claim)}",
            url=claim.get_absolute_url(),
            actor=event.actor,
            claim=claim,
        )
    if event.action == "comment":
        comment = _comment_of(event)
        if comment is None:
            return []
        return _notify_mentions(event=event, claim=claim, body=comment.body, skip=set(), key=key)
    checkers = selectors.claim_checkers(claim)
    if event.action == "approve":
        return notifications_create(
            recipients=checkers,
            kind=Kind.APPROVED,
            key=key,
            text=f"{who} approved your claim {_quoted(claim)}",
            url=claim.get_absolute_url(),
            actor=event.actor,
            claim=claim,
        )
    # send_back: the checkers hear it with the reason; anyone else the reason @mentions too.
    sent = notifications_create(
        recipients=checkers,
        kind=Kind.SENT_BACK,
        key=key,
        text=f"{who} sent your claim {_quoted(claim)} back to draft",
        url=claim.get_absolute_url(),
        actor=event.actor,
        claim=claim,
        excerpt=event.reason,
    )
    skip = {user.pk for user in checkers}
    return sent + _notify_mentions(event=event, claim=claim, body=event.reason, skip=skip, key=key + ":mention")


def notify_repeat_alert(
    *,
    alert_id: int,
    recipients: Iterable[Any],
    text: str,
    url: str,
    claim: Claim | None = None,
) -> list[Notification]:
    """A repeat alert for the people who checked the earlier claim (selectors.claim_checkers).

    The entry point for factcheck.alerts' `repeat_alert_raised` signal: one notification per
    recipient per alert, however often the alert is heard.
    """
    return notifications_create(
        recipients=recipients,
        kind=Kind.REPEAT_ALERT,
        key=f"alert:{alert_id}",
        text=text,
        url=url,
        claim=claim,
    )


def notification_mark_read(*, notification: Notification) -> bool:
    """Mark one of a person's notifications read; False if it already was."""
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    notification.read_at = notification.read_at or now
    return bool(changed)


def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of `user` read; how many there were."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def notification_settings_save(*, user: Any, email: str) -> NotificationSettings:
    """A person's email choice. Choosing no email also drops the emails still waiting."""
    if email not in EmailChoice.values:
        raise ApplicationError(f"Choose one of: {', '.join(label for _, label in EmailChoice.choices)}.", field="email")
    with transaction.atomic():
        prefs, _ = NotificationSettings.objects.update_or_create(user=user, defaults={"email": email})
        waiting = Notification.objects.for_user(user).filter(email_state=EmailState.PENDING)
        if email == EmailChoice.NONE:
            waiting.update(email_state=EmailState.NONE, email_next_at=None)
        else:
            waiting.update(email_digest=email == EmailChoice.DAILY)
    return prefs


def email_choice(user: Any) -> str:
    prefs = NotificationSettings.objects.filter(user=user).first()
    return prefs.email if prefs else EmailChoice.IMMEDIATE


def notifications_prune(*, now: datetime.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete notifications read more than NOTIFICATIONS_RETENTION_DAYS ago, in bounded batches
    (`core.retention`). Unread ones stay, however old, and so does any whose email is still to
    be sent or being sent. `dry_run` counts what would go and deletes nothing."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.NOTIFICATIONS_RETENTION_DAYS)
    old = Notification.objects.filter(read_at__lt=cutoff).exclude(
        email_state__in=[EmailState.PENDING, EmailState.SENDING]
    )
    if dry_run:
        return {"notifications": old.count()}
    gone = delete_in_batches(old, batch_size=settings.RETENTION_BATCH_SIZE)
    counts = {"notifications": gone["notifications.Notification"]}
    log.info("notifications pruned (read before %s): %s", cutoff.isoformat(), counts)
    return counts
