"""One hook for everything that reacts to editorial changes (webhooks, notifications, alerts).

`audit_committed` is sent once per AuditEvent, after the transaction that wrote it commits
(never for a rolled-back change), with `event=` the AuditEvent. Receivers must be quick
(enqueue a Celery task by id) and must not raise: they are called with send_robust, and a
receiver's error is logged, never shown to the editor whose change already committed.
"""

from __future__ import annotations

from django.dispatch import Signal

from factcheck.core.signals import send_logged

audit_committed = Signal()


def send_committed(event) -> None:
    from factcheck.audit.models import AuditEvent

    send_logged(audit_committed, "audit_committed", AuditEvent, event=event)
