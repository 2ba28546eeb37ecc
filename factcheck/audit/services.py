"""Write audit events. Every service that changes editorial data calls audit_record."""

from __future__ import annotations

import datetime
import decimal
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from factcheck.audit.models import AuditEvent
from factcheck.audit.signals import send_committed


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def diff_fields(obj: models.Model, before: dict[str, Any], fields: list[str]) -> dict[str, list[Any]]:
    """The fields of obj whose value differs from `before`, as {field: [before, after]}."""
    changes = {}
    for name in fields:
        after = getattr(obj, name)
        if before.get(name) != after:
            changes[name] = [_jsonable(before.get(name)), _jsonable(after)]
    return changes


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def audit_record(
    *,
    actor: Any,
    obj: models.Model,
    action: str,
    changes: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    event = AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        changes={k: [_jsonable(v[0]), _jsonable(v[1])] for k, v in (changes or {}).items()},
        reason=reason,
    )
    # Webhooks, notifications and alerts hear of the change only once it is committed.
    transaction.on_commit(partial(send_committed, event))
    return event
