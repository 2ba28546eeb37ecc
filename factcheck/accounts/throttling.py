"""Login throttling helpers for django-axes (settings: AXES_*, README "Security")."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address a login attempt came from.

    Behind the TLS proxy (BEHIND_PROXY=true) every request comes from the proxy, so the
    client is the last X-Forwarded-For entry: the one our proxy appended. Earlier entries
    are whatever the client sent and cannot be trusted. Otherwise REMOTE_ADDR.
    """
    if getattr(settings, "AXES_TRUST_FORWARDED_FOR", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")
