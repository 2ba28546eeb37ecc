"""Roles are Django groups; what each role may do is decided here, in one place.

reporter:     submits articles, proposes claims, quotes and links
fact_checker: reviews candidates, labels claims, links, cites evidence
editor:       everything a fact-checker does, plus approving and publishing, and the sources
admin:        everything, plus the Django admin site (is_staff)
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    REPORTER = "reporter"
    FACT_CHECKER = "fact-checker"
    EDITOR = "editor"
    ADMIN = "admin"


class Cap(StrEnum):
    SUBMIT = "submit"  # submit articles
    PROPOSE = "propose"  # add missed claims/quotes, propose links, comment
    REVIEW = "review"  # accept/reject/edit candidates, label, link, evidence
    APPROVE = "approve"  # approve and publish verdicts
    SOURCES = "sources"  # register, change and switch off the sources the desk polls


ROLE_CAPS: dict[Role, frozenset[Cap]] = {
    Role.REPORTER: frozenset({Cap.SUBMIT, Cap.PROPOSE}),
    Role.FACT_CHECKER: frozenset({Cap.SUBMIT, Cap.PROPOSE, Cap.REVIEW}),
    Role.EDITOR: frozenset({Cap.SUBMIT, Cap.PROPOSE, Cap.REVIEW, Cap.APPROVE, Cap.SOURCES}),
    Role.ADMIN: frozenset(Cap),
}


def user_roles(user) -> set[Role]:
    if not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = {role for role in Role if role.value in names}
        if user.is_superuser:
            cached.add(Role.ADMIN)
        user._role_cache = cached
    return cached


def user_caps(user) -> frozenset[Cap]:
    roles = user_roles(user)
    if not roles:
        return frozenset()
    # Kept beside the role cache it was computed from: a long reader page asks thousands of times.
    cached = getattr(user, "_caps_cache", None)
    if cached is None or cached[0] is not roles:
        cached = (roles, frozenset().union(*(ROLE_CAPS[role] for role in roles)))
        user._caps_cache = cached
    return cached[1]


def has_cap(user, cap: Cap) -> bool:
    return cap in user_caps(user)


def require_cap(user, cap: Cap, what: str) -> None:
    """Raise NotAllowed unless `user` holds `cap`. Every editorial service calls this
    itself, so the rule holds whichever face (page, admin, command, API) asked."""
    from factcheck.core.errors import NotAllowed

    if not user_caps(user):
        raise NotAllowed("You have no role on the desk; ask an administrator for one.")
    if cap not in user_caps(user):
        raise NotAllowed(f"Your role may not {what}.")
