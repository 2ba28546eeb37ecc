"""API tokens: one person's key to the API, with scopes, stored only as a hash.

A token reads `fcd_<prefix>_<secret>`. The prefix (10 hex characters) is stored as it is,
to find the row and to show which token is which; the whole token is stored only as its
SHA-256 digest. The secret is 32 random bytes, so a fast hash is enough (no password
hashing: there is nothing to guess), and the token itself is shown once, when created.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Scope(models.TextChoices):
    READ = "read", "Read: every resource the user may see"
    SUBMIT = "submit", "Submit: send articles to the desk (and watch their extraction)"
    ADMIN = "admin", "Admin: manage API tokens (administrators only)"


def scopes_text(scopes) -> str:
    """The stored form: the distinct scopes, sorted, space-separated ("read submit")."""
    return " ".join(sorted({Scope(s).value for s in scopes}))


# Every non-empty set of scopes, in its stored form: what the check constraint allows.
SCOPE_SETS = sorted(
    {scopes_text(s) for s in ([a] for a in Scope)}
    | {scopes_text([a, b]) for a in Scope for b in Scope if a != b}
    | {scopes_text(list(Scope))}
)

TOKEN_PREFIX = "fcd_"  # noqa: S105 - the public start of every token, not a secret


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def visible_to(self, user) -> ApiTokenQuerySet:
        """A user's own tokens; an administrator's view takes in everyone's."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self if user.is_staff else self.filter(user=user)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What it is for, e.g. “CMS import”.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.CharField(max_length=30)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(condition=Q(scopes__in=SCOPE_SETS), name="apitoken_scopes_valid"),
            models.CheckConstraint(condition=Q(digest__regex=r"^[0-9a-f]{64}$"), name="apitoken_digest_sha256"),
            models.CheckConstraint(condition=~Q(name=""), name="apitoken_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}{self.prefix}…)"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    @property
    def display(self) -> str:
        """How the token is shown after creation: its public start only."""
        return f"{TOKEN_PREFIX}{self.prefix}_…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"
