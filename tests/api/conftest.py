"""The API's test kit: tokens for the personas of tests/conftest.py, and a client that sends
one as `Authorization: Bearer <token>`."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from factcheck.api.models import Scope
from factcheck.api.services import api_token_create


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Each test counts its own requests: the throttle's keys carry the token's random
    prefix, but a session's key is the user id, which a later test can reuse."""
    cache.clear()
    yield
    cache.clear()


def token_for(user, *scopes: str, name: str = "test token") -> str:
    return api_token_create(actor=user, user=user, name=name, scopes=scopes or [Scope.READ]).secret


class Api:
    """A test client speaking JSON with a bearer token (or none)."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self, extra: dict) -> dict:
        headers = {"HTTP_ACCEPT": "application/json", **extra}
        if self.token is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        return headers

    def get(self, url: str, params: dict | None = None, **extra):
        return self.client.get(url, params or {}, **self._headers(extra))

    def post(self, url: str, data=None, *, raw: bytes | None = None, content_type="application/json", **extra):
        body = raw if raw is not None else json.dumps(data)
        return self.client.post(url, body, content_type=content_type, **self._headers(extra))

    def delete(self, url: str, **extra):
        return self.client.delete(url, **self._headers(extra))


@pytest.fixture
def api():
    """api(user, *scopes) -> a client with a new token of that user; api() -> no token."""

    def _api(user=None, *scopes: str) -> Api:
        return Api(token_for(user, *scopes) if user is not None else None)

    return _api
