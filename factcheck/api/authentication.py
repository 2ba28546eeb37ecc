"""`Authorization: Bearer <token>`: the API's own authentication (DRF)."""

from __future__ import annotations

import hmac

from rest_framework import authentication, exceptions

from factcheck.api.models import TOKEN_PREFIX, ApiToken, token_digest
from factcheck.api.services import api_token_touch

BAD = "The API token is not valid (unknown, mistyped or revoked)."


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # no token: another class (the session) may still know the user
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the header as `Authorization: Bearer <token>`.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(BAD) from None
        return self.authenticate_token(raw)

    def authenticate_token(self, raw: str):
        prefix = raw.removeprefix(TOKEN_PREFIX).split("_", 1)[0] if raw.startswith(TOKEN_PREFIX) else ""
        token = ApiToken.objects.select_related("user").filter(prefix=prefix).first() if prefix else None
        # Compare digests in constant time, whether or not a row was found.
        expected = token.digest if token is not None else "0" * 64
        if not hmac.compare_digest(expected, token_digest(raw)) or token is None:
            raise exceptions.AuthenticationFailed(BAD)
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API token was revoked.")
        if not token.is_active:
            raise exceptions.AuthenticationFailed("This API token has expired.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The account this token belongs to is disabled.")
        api_token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with this challenge), not 403, when no credentials came.
        return f'{self.keyword} realm="api"'
