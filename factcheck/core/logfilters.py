"""Logging filters the settings' LOGGING names."""

from __future__ import annotations

import logging


class DropForbidden(logging.Filter):
    """Drops django.request's "Forbidden (Permission denied)" record and its traceback.

    A 403 is an answer, not a fault: the role or the state refused an action, the page says
    why, and the request log (factcheck.ops.middleware.request_log) already has its line with
    the status. Other 4xx and every 5xx still go through."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 403
