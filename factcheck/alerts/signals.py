"""`repeat_alert_raised` is sent once per new RepeatAlert, after the transaction that created it
commits, with `alert=` the RepeatAlert (sender=RepeatAlert). For notifications and anything else
that tells people: receivers must be quick (enqueue a task by id) and must not raise; they are
called with send_robust and their errors are logged."""

from __future__ import annotations

from django.dispatch import Signal

from factcheck.core.signals import send_logged

repeat_alert_raised = Signal()


def send_raised(alert) -> None:
    from factcheck.alerts.models import RepeatAlert

    send_logged(repeat_alert_raised, "repeat_alert_raised", RepeatAlert, alert=alert)
