"""What a request may do: the token's scopes (here), then the user's role (the desk's own
rules: factcheck/review/access.py and the services), exactly as the pages decide.

Order of the answers: no or bad token 401; a scope the token lacks 403; no role on the
desk 403; an object the user may not see 404; an action their role may not take 403.
"""

from __future__ import annotations

from rest_framework import permissions

from factcheck.api.models import ApiToken, Scope
from factcheck.api.services import may_hold_admin_scope
from factcheck.review import access

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def request_scopes(request) -> frozenset[str]:
    """The scopes of the request: the token's; a signed-in session (the docs page) has every
    scope the person could give a token of their own. The admin scope holds the others."""
    if isinstance(request.auth, ApiToken):
        scopes = request.auth.scope_set
    elif request.user.is_authenticated:
        scopes = {Scope.READ, Scope.SUBMIT} | ({Scope.ADMIN} if may_hold_admin_scope(request.user) else set())
    else:
        return frozenset()
    return frozenset(Scope) if Scope.ADMIN in scopes else frozenset(scopes)


class HasScope(permissions.BasePermission):
    """The view names the scopes that open each method (`scopes = {"GET": {...}, ...}`);
    by default reading needs `read` and anything else `admin`."""

    message = "This token's scopes do not allow this request."

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False  # DRF answers 401 with the Bearer challenge
        needed = (
            getattr(view, "action_scopes", {}).get(getattr(view, "action", None))
            or getattr(view, "scopes", {}).get(request.method)
            or ({Scope.READ} if request.method in SAFE else {Scope.ADMIN})
        )
        held = request_scopes(request)
        if held & set(needed):
            return True
        has = ", ".join(sorted(held)) or "none"
        self.message = f"This token's scopes ({has}) do not allow this request: it needs {' or '.join(sorted(needed))}."
        return False


class DeskMember(permissions.BasePermission):
    """A role on the desk, as every workspace page requires (403 otherwise)."""

    message = "You have no role on the desk; ask an administrator for one."

    def has_permission(self, request, view) -> bool:
        access.require_member(request.user)
        return True
