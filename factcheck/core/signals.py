"""Sending a signal whose receivers must never break the sender (it has already committed)."""

from __future__ import annotations

import logging

from django.dispatch import Signal

log = logging.getLogger(__name__)


def send_logged(signal: Signal, name: str, sender, **kwargs) -> None:
    """`signal.send_robust(sender, **kwargs)`; each receiver's error is logged with what it
    was sent (`kwargs`), never raised to the sender."""
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            log.error(
                "%s receiver %s failed on %s (%s)",
                name,
                getattr(receiver, "__qualname__", receiver),
                {key: getattr(value, "pk", value) for key, value in kwargs.items()},
                result,
                exc_info=result,
            )
