"""Writes for the workspace's own rows: a person's saved search filters.

Saved filters are personal settings, not editorial data, so they are not audited; each
service still checks its own rules (desk member, owner, names unique per person), and
the database refuses a duplicate name even if two saves race.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from factcheck.accounts.roles import user_caps
from factcheck.core.errors import ApplicationError, Conflict, NotAllowed
from factcheck.review.models import (
    SAVED_FILTER_NAME_MAX,
    SAVED_FILTER_QUERY_MAX,
    SAVED_FILTERS_PER_USER,
    SavedFilter,
)


def _require_member(actor) -> None:
    if not user_caps(actor):
        raise NotAllowed("You have no role on the desk; ask an administrator for one.")


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ApplicationError("Give the filter a name.", field="name")
    if len(name) > SAVED_FILTER_NAME_MAX:
        raise ApplicationError(f"A name has at most {SAVED_FILTER_NAME_MAX} characters.", field="name")
    return name


def _taken(name: str) -> Conflict:
    return Conflict(f"You already have a saved filter called “{name}”; choose another name.", field="name")


def _own(actor, saved: SavedFilter) -> None:
    if saved.user_id != actor.pk:
        raise NotAllowed("This saved filter is someone else's.")


@transaction.atomic
def saved_filter_create(*, actor, name: str, query: str) -> SavedFilter:
    """Save `query` (the search page's normalised query string) under `name` for `actor`."""
    _require_member(actor)
    name = _clean_name(name)
    if len(query) > SAVED_FILTER_QUERY_MAX:
        raise ApplicationError("These filters are too long to save.")
    mine = SavedFilter.objects.filter(user=actor)
    if mine.count() >= SAVED_FILTERS_PER_USER:
        raise ApplicationError(f"You have {SAVED_FILTERS_PER_USER} saved filters already; delete one first.")
    if mine.filter(name=name).exists():
        raise _taken(name)
    try:
        with transaction.atomic():  # a savepoint: a racing save of the same name is refused, not a 500
            return SavedFilter.objects.create(user=actor, name=name, query=query)
    except IntegrityError:
        raise _taken(name) from None


@transaction.atomic
def saved_filter_rename(*, actor, saved: SavedFilter, name: str) -> SavedFilter:
    _require_member(actor)
    _own(actor, saved)
    name = _clean_name(name)
    if name == saved.name:
        return saved
    if SavedFilter.objects.filter(user=actor, name=name).exclude(pk=saved.pk).exists():
        raise _taken(name)
    saved.name = name
    try:
        with transaction.atomic():
            saved.save(update_fields=["name", "updated_at"])
    except IntegrityError:
        raise _taken(name) from None
    return saved


@transaction.atomic
def saved_filter_delete(*, actor, saved: SavedFilter) -> None:
    _require_member(actor)
    _own(actor, saved)
    saved.delete()
