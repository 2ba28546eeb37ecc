"""Editorial changes notify people: the audit trail's `audit_committed` signal, heard here.

The fan-out runs in the receiver, not in a task: it is a few indexed queries against the
database the change has just committed to, so a notification never waits for (or is lost
with) the broker, and the bell counts it at once. The email, which talks to a mail server,
is a Celery task queued from here (factcheck/notifications/delivery.py).
"""

from __future__ import annotations

from django.dispatch import receiver

from factcheck.alerts.signals import repeat_alert_raised
from factcheck.audit.signals import audit_committed
from factcheck.notifications import selectors, services


@receiver(audit_committed, dispatch_uid="notifications.from_audit")
def notify_from_audit(sender, event, **kwargs) -> None:
    if event.action in services.AUDIT_ACTIONS:
        services.notifications_from_audit(event=event)


@receiver(repeat_alert_raised, dispatch_uid="notifications.from_repeat_alert")
def notify_from_repeat_alert(sender, alert, **kwargs) -> None:
    """A claim someone checked was said again (factcheck.alerts, after commit): tell its checkers."""
    said = alert.claim
    claimant = said.claimant.name if said.claimant_id else said.claimant_text
    outlet = said.article.outlet.name if said.article.outlet_id else "a new article"
    services.notify_repeat_alert(
        alert_id=alert.pk,
        recipients=selectors.claim_checkers(alert.checked_claim),
        text=f"A claim you checked was said again{f' by {claimant}' if claimant else ''} in {outlet}",
        url=alert.get_absolute_url(),
        claim=alert.checked_claim,
    )
