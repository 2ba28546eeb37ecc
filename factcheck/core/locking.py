"""The one optimistic-locking protocol for editorial writes.

Every form an editor submits carries the `version` of the row it was rendered from.
A service then

1. locks the row (`SELECT ... FOR UPDATE`) and compares its version with the one the
   editor saw: if someone saved in between, `StaleEdit` carries the stored values of the
   fields this action writes, and nothing is written;
2. applies its change to the locked row and saves it with `save_versioned`, which bumps
   the version and writes only the named fields.

So two editors can never overwrite each other silently, whatever the page, the admin
site, a command or the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db import models
from django.utils import timezone

from factcheck.core.errors import ApplicationError, StaleEdit

M = TypeVar("M", bound=models.Model)

INVALID_VERSION = (
    "The form is invalid or out of date (its version is not one this row ever had); reload the page and try again."
)


def lock_for_edit(obj: M, *, expected_version: int | None, fields: Iterable[str]) -> M:
    """The stored row of `obj`, locked until the transaction ends.

    Raises StaleEdit if `expected_version` is given and is older than the stored version;
    its `stored` holds the current values of `fields`. A version newer than the stored
    one was never shown to anyone: ApplicationError (400), not StaleEdit. `None` means the caller acts on the
    row as it is now (a system action, or one with nothing an editor typed).
    """
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if expected_version is not None and expected_version > current.version:
        # Versions only grow: nobody was ever shown this one. A forged or mangled form,
        # not a colleague's save.
        raise ApplicationError(INVALID_VERSION, field="version")
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit(current, {name: getattr(current, name) for name in fields})
    return current


def save_versioned(obj: models.Model, *, fields: Iterable[str]) -> None:
    """Save `fields` of a row locked by `lock_for_edit`, with the version bumped (and
    `updated_at` when the model has it)."""
    names = list(dict.fromkeys(fields))
    obj.version += 1
    names.append("version")
    if hasattr(obj, "updated_at") and "updated_at" not in names:
        obj.updated_at = timezone.now()
        names.append("updated_at")
    obj.save(update_fields=names)


def copy_saved(current: models.Model, obj: models.Model, fields: Iterable[str]) -> None:
    """Give the caller's copy `obj` what was just saved on `current` (the locked row), so
    a face can show the new version without reading the row again."""
    if obj is current:
        return
    for name in [*fields, "version", "updated_at"]:
        if hasattr(current, name):
            setattr(obj, name, getattr(current, name))
