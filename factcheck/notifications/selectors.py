"""Reads: a person's notifications, the bell's count, who a mention names, who checked a claim."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from factcheck.accounts.roles import Role
from factcheck.notifications.models import Notification

# The bell says "99+" past this: counting stops there, so the count stays cheap for anyone.
BELL_CAP = 99


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.for_user(user).select_related("actor").order_by("-created_at", "-id")


def unread_count(user, cap: int = BELL_CAP) -> int:
    """How many unread notifications `user` has, up to cap + 1: one COUNT on the partial index."""
    return Notification.objects.for_user(user).unread().order_by()[: cap + 1].count()


def desk_members():
    """Active users with a role on the desk (a role group, or superuser)."""
    User = get_user_model()
    return User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name__in=[role.value for role in Role])
    )


def mentioned_users(names: list[str]) -> list:
    """The active desk members whose username is one of `names` (compared case-insensitively)."""
    if not names:
        return []
    lowered = [name.lower() for name in names]
    return list(desk_members().annotate(lname=Lower("username")).filter(lname__in=lowered).distinct().order_by("pk"))


def mentioned_names(names: list[str]) -> set[str]:
    """The lower-cased names among `names` that are desk members (for rendering)."""
    return {user.username.lower() for user in mentioned_users(names)}


def known_mentions(request, names: list[str]) -> set[str]:
    """Which of `names` are desk members, remembered on the request: a page of comments looks
    each name up once, in one query for all the names it has not seen yet."""
    memo = getattr(request, "_known_mentions", None)
    if memo is None:
        memo = {}
        if request is not None:
            request._known_mentions = memo
    missing = [name for name in names if name not in memo]
    if missing:
        found = mentioned_names(missing)
        memo.update({name: name in found for name in missing})
    return {name for name in names if memo[name]}


def claim_checkers(claim) -> list:
    """The people a claim is theirs: whoever it is assigned to and whoever wrote its verdict."""
    ids = {pk for pk in (claim.assigned_to_id, claim.verdict_by_id) if pk}
    if not ids:
        return []
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))
