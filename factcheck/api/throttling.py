"""Rate limits per token (DRF throttling over the default cache, Redis in production).

Every request of a token counts against API_RATE_LIMIT; article submissions also count
against API_SUBMIT_RATE_LIMIT. Past either, the answer is 429 with `Retry-After`. A signed-in
session (the docs page) is counted per user. The cache key carries the token's random
prefix, never its secret."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from factcheck.api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api"
    setting = "API_RATE_LIMIT"

    def get_rate(self) -> str:
        # Read at each request, not once at import, so a changed setting takes effect.
        return getattr(settings, self.setting)

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.prefix}"
        elif request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            return None  # refused by authentication anyway
        return f"throttle:{self.scope}:{ident}"


class SubmitRateThrottle(TokenRateThrottle):
    scope = "api-submit"
    setting = "API_SUBMIT_RATE_LIMIT"

    def allow_request(self, request, view) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)
