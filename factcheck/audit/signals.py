"""One hook for everything that reacts to editorial changes (webhooks, notifications, alerts).

`audit_committed` is sent once per AuditEvent, after the transaction that wrote it commits
(never for a rolled-back change), with `event=` the AuditEvent. Receivers must be quick
(enqueue a Celery task by id) and must not raise: they are called with send_robust, and a
receiver's error is logged, never shown to the editor whose change already committed.
"""

from __future__ import annotations

import logging

from django.dispatch import Signal

audit_committed = Signal()

log = logging.getLogger(__name__)


def send_committed(event) -> None:
    from factcheck.audit.models import AuditEvent

    for receiver, result in audit_committed.send_robust(sender=AuditEvent, event=event):
        if isinstance(result, Exception):
            log.error(
                "audit_committed receiver %s failed on event %s (%s)",
                getattr(receiver, "__qualname__", receiver),
                event.pk,
                result,
                exc_info=result,
            )
