"""`repeat_alert_raised` is sent once per new RepeatAlert, after the transaction that created it
commits, with `alert=` the RepeatAlert (sender=RepeatAlert). For notifications and anything else
that tells people: receivers must be quick (enqueue a task by id) and must not raise; they are
called with send_robust and their errors are logged."""

from __future__ import annotations

import logging

from django.dispatch import Signal

repeat_alert_raised = Signal()

log = logging.getLogger(__name__)


def send_raised(alert) -> None:
    from factcheck.alerts.models import RepeatAlert

    for receiver, result in repeat_alert_raised.send_robust(sender=RepeatAlert, alert=alert):
        if isinstance(result, Exception):
            log.error(
                "repeat_alert_raised receiver %s failed on alert %s (%s)",
                getattr(receiver, "__qualname__", receiver),
                alert.pk,
                result,
                exc_info=result,
            )
