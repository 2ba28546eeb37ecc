"""Optimistic locking: a save based on an old version of a row is refused, not merged.

Forms carry the `version` they were rendered with. A service saves with
`UPDATE ... WHERE id = %s AND version = %s` (through `save_if_current`); if another
editor saved first, nothing is written and StaleEdit tells the view what changed.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F


class StaleEdit(Exception):
    """Someone else saved this object after the editor opened it."""

    def __init__(self, obj: models.Model, changes: dict[str, list[Any]]):
        self.obj = obj
        self.changes = changes  # {field: [what the editor saw, what is stored now]}
        super().__init__(f"{obj._meta.verbose_name} {obj.pk} was changed by someone else")


def save_if_current(obj: models.Model, *, expected_version: int, fields: list[str], seen: dict[str, Any]) -> None:
    """Write `fields` of obj only if its stored version is still `expected_version`.

    `seen` is the object's values when the editor opened it (for the message).
    Bumps the version. Raises StaleEdit with what changed otherwise.
    """
    model = type(obj)
    values = {name: getattr(obj, name) for name in fields}
    field_names = {f.name: f.attname for f in model._meta.concrete_fields}
    update = {field_names.get(k, k): (v.pk if isinstance(v, models.Model) else v) for k, v in values.items()}
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1, **update)
    if not updated:
        current = model.objects.get(pk=obj.pk)
        changes = {
            name: [seen.get(name), getattr(current, name)] for name in seen if seen.get(name) != getattr(current, name)
        }
        raise StaleEdit(current, changes)
    obj.version = expected_version + 1
