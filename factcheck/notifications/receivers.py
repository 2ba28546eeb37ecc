"""Editorial changes notify people: the audit trail's `audit_committed` signal, heard here.

The fan-out runs in the receiver, not in a task: it is a few indexed queries against the
database the change has just committed to, so a notification never waits for (or is lost
with) the broker, and the bell counts it at once. The email, which talks to a mail server,
is a Celery task queued from here (factcheck/notifications/delivery.py).
"""

from __future__ import annotations

from django.dispatch import receiver

from factcheck.audit.signals import audit_committed
from factcheck.notifications import services


@receiver(audit_committed, dispatch_uid="notifications.from_audit")
def notify_from_audit(sender, event, **kwargs) -> None:
    if event.action in services.AUDIT_ACTIONS:
        services.notifications_from_audit(event=event)
