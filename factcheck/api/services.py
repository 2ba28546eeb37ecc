"""Writes for API tokens: create (the secret is returned once, never stored), revoke, and
note the last use. Creating and revoking are audited; whichever face asks (the account
page, the admin site, the API's own token endpoint), the rules are these."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from factcheck.accounts.roles import Role, user_caps, user_roles
from factcheck.api.models import TOKEN_PREFIX, ApiToken, Scope, scopes_text, token_digest
from factcheck.audit.services import audit_record
from factcheck.core.errors import ApplicationError, Conflict, NotAllowed


@dataclass(frozen=True, slots=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token, to show once; only its digest is stored


def may_hold_admin_scope(user) -> bool:
    """The admin scope is for the desk's administrators (staff), as the admin site is."""
    return user.is_staff and Role.ADMIN in user_roles(user)


def _may_manage(actor, user) -> bool:
    return actor.pk == user.pk or may_hold_admin_scope(actor)


def api_token_create(
    *,
    actor,
    user,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime.datetime | None = None,
) -> NewToken:
    """A new token for `user`, made by `actor` (the user, or an administrator)."""
    if not _may_manage(actor, user):
        raise NotAllowed("Only an administrator may create a token for someone else.")
    if not user.is_active or not user_caps(user):
        raise ApplicationError(f"{user.get_username()} has no role on the desk; a token would open nothing.")
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError("Name the token (what it is for, e.g. “CMS import”).", field="name")
    if len(name) > 100:
        raise ApplicationError("The name is longer than 100 characters.", field="name")
    try:
        wanted = {Scope(s) for s in scopes}
    except ValueError:
        raise ApplicationError(f"Scopes are {', '.join(Scope.values)}.", field="scopes") from None
    if not wanted:
        raise ApplicationError("Choose at least one scope.", field="scopes")
    if Scope.ADMIN in wanted and not may_hold_admin_scope(user):
        raise NotAllowed("Only administrators may hold a token with the admin scope.")
    if expires_at is not None and expires_at <= timezone.now():
        raise ApplicationError("The expiry date is in the past.", field="expires_at")
    for _ in range(3):
        prefix = secrets.token_hex(5)
        secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user,
                    name=name,
                    prefix=prefix,
                    digest=token_digest(secret),
                    scopes=scopes_text(wanted),
                    expires_at=expires_at,
                    created_by=actor,
                )
                audit_record(
                    actor=actor,
                    obj=token,
                    action="api token created",
                    changes={"scopes": [None, token.scopes], "user": [None, user.get_username()]},
                )
        except IntegrityError:  # a prefix drawn twice (1 in 10^12): draw again
            continue
        return NewToken(token, secret)
    raise RuntimeError("could not draw a unique token prefix")


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken, reason: str = "") -> ApiToken:
    if not _may_manage(actor, token.user):
        raise NotAllowed("Only an administrator may revoke someone else's token.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise Conflict("This token was already revoked.")
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(actor=actor, obj=token, action="api token revoked", reason=reason)
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Note the token's use, at most once a minute (API_TOKEN_TOUCH_SECONDS): one conditional
    UPDATE, and none at all while the loaded row says it was noted recently."""
    now = timezone.now()
    every = datetime.timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is not None and now - token.last_used_at < every:
        return
    stale = ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gte=now - every)
    stale.update(last_used_at=now)
    token.last_used_at = now
