"""The permission matrix: every endpoint, with every role, every scope a token can carry, no
token and a revoked one. The answers are the pages' (factcheck/review/access.py): 401 without
a valid token; 403 for a scope the token lacks, for a user with no role on the desk, and for
an action the role may not take; 404 for an object the user may not see or that is not there.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

from factcheck.accounts.roles import Cap
from factcheck.alerts.models import RepeatAlert
from factcheck.api.models import ApiToken, Scope
from factcheck.api.services import api_token_create, api_token_revoke

from ..factories import ClaimFactory, ClaimLinkFactory, QuoteFactory, QuoteLinkFactory
from .conftest import Api

pytestmark = pytest.mark.django_db

READ, SUBMIT, ADMIN = Scope.READ, Scope.SUBMIT, Scope.ADMIN
CAPS = {
    "reporter": {Cap.SUBMIT, Cap.PROPOSE},
    "checker": {Cap.SUBMIT, Cap.PROPOSE, Cap.REVIEW},
    "editor": {Cap.SUBMIT, Cap.PROPOSE, Cap.REVIEW, Cap.APPROVE},
    "admin_user": set(Cap),
    "outsider": set(),
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {article}, {claim}, ... filled from the world
    scopes: frozenset = frozenset({READ})  # any one of them opens it
    member: bool = True  # a role on the desk is needed (the public fact-checks need none)
    cap: Cap | None = None  # the capability the action needs
    ok: int = 200
    missing: str | None = field(default=None)  # the path with an id that is not there


ENDPOINTS = [
    Endpoint("GET", "/api/v1/articles/"),
    Endpoint("GET", "/api/v1/articles/{article}/", missing="/api/v1/articles/999999/"),
    Endpoint(
        "GET",
        "/api/v1/articles/{article}/extraction/",
        scopes=frozenset({READ, SUBMIT}),
        missing="/api/v1/articles/999999/extraction/",
    ),
    Endpoint("POST", "/api/v1/articles/", scopes=frozenset({SUBMIT}), cap=Cap.SUBMIT, ok=201),
    Endpoint("GET", "/api/v1/claims/"),
    Endpoint("GET", "/api/v1/claims/{claim}/", missing="/api/v1/claims/999999/"),
    Endpoint("GET", "/api/v1/quotes/"),
    Endpoint("GET", "/api/v1/quotes/{quote}/", missing="/api/v1/quotes/999999/"),
    Endpoint("GET", "/api/v1/speakers/"),
    Endpoint("GET", "/api/v1/speakers/{speaker}/", missing="/api/v1/speakers/999999/"),
    Endpoint("GET", "/api/v1/links/claims/"),
    Endpoint("GET", "/api/v1/links/claims/{claim_link}/", missing="/api/v1/links/claims/999999/"),
    Endpoint("GET", "/api/v1/links/quotes/"),
    Endpoint("GET", "/api/v1/links/quotes/{quote_link}/", missing="/api/v1/links/quotes/999999/"),
    Endpoint("GET", "/api/v1/factchecks/", member=False),
    # An unpublished claim is not a fact-check: 404, as the public page.
    Endpoint("GET", "/api/v1/factchecks/{published}/", member=False, missing="/api/v1/factchecks/{claim}/"),
    # Repeat alerts: read by every role, as /alerts/; acknowledged by those who may on the page.
    Endpoint("GET", "/api/v1/alerts/"),
    Endpoint("GET", "/api/v1/alerts/{alert}/", missing="/api/v1/alerts/999999/"),
    Endpoint(
        "POST",
        "/api/v1/alerts/{alert}/acknowledge/",
        scopes=frozenset({SUBMIT}),
        cap=Cap.REVIEW,
        missing="/api/v1/alerts/999999/acknowledge/",
    ),
    Endpoint("GET", "/api/v1/tokens/", scopes=frozenset({ADMIN})),
    Endpoint("GET", "/api/v1/tokens/{victim}/", scopes=frozenset({ADMIN}), missing="/api/v1/tokens/999999/"),
    Endpoint("DELETE", "/api/v1/tokens/{victim}/", scopes=frozenset({ADMIN}), ok=204),
    Endpoint("GET", "/api/schema/", scopes=frozenset(Scope), member=False),
]

PERSONAS = list(CAPS)
# Every set of scopes a token can carry (the admin scope only an administrator's).
SCOPE_SETS = [set(c) for n in (1, 2, 3) for c in itertools.combinations(Scope, n)]


@pytest.fixture
def world(article, claim, quote, admin_user, pair):
    from factcheck.claims.models import Person

    published = ClaimFactory(labelled=True, workflow="published")
    return {
        "article": article.pk,
        "claim": claim.pk,
        "quote": quote.pk,
        "published": published.pk,
        "speaker": Person.objects.create(name="Jane Minister", normalized_name="jane minister").pk,
        "claim_link": ClaimLinkFactory(a=pair[0], b=pair[1]).pk,
        "quote_link": QuoteLinkFactory(a=quote, b=QuoteFactory(text="We are advancing on all fronts")).pk,
        "alert": RepeatAlert.objects.create(claim=claim, checked_claim=published, probability=0.8).pk,
    }


def victim(world, admin_user) -> int:
    """A colleague's token for the token endpoints to read or revoke, fresh each time."""
    owner = admin_user
    return api_token_create(actor=owner, user=owner, name="victim", scopes=[READ]).token.pk


_bodies = itertools.count()


def call(api: Api, endpoint: Endpoint, world: dict, admin_user, *, path: str | None = None):
    values = {**world, "victim": victim(world, admin_user)} if "{victim}" in (path or endpoint.path) else world
    url = (path or endpoint.path).format(**values)
    if endpoint.method == "POST" and url.endswith("/acknowledge/"):
        return api.post(url, {})  # idempotent: 200 each time once allowed
    if endpoint.method == "POST":
        return api.post(url, {"body": f"Article {next(_bodies)} of the matrix: 40 tanks were lost, officials said."})
    if endpoint.method == "DELETE":
        return api.delete(url)
    return api.get(url)


def persona_token(request, persona: str, scopes: set) -> Api | None:
    user = request.getfixturevalue(persona)
    if ADMIN in scopes and persona != "admin_user":
        return None  # the service refuses it (test_tokens); nothing to call with
    if persona == "outsider":
        # No role: no token can be made for them; so one made while they had a role, then lost it.
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get_or_create(name="reporter")[0])
        user.__dict__.pop("_role_cache", None)
        secret = api_token_create(actor=user, user=user, name="before", scopes=scopes).secret
        user.groups.clear()
        return Api(secret)
    return Api(api_token_create(actor=user, user=user, name="matrix", scopes=scopes).secret)


def expected(persona: str, scopes: set, endpoint: Endpoint) -> int:
    held = set(Scope) if ADMIN in scopes else scopes
    if not held & endpoint.scopes:
        return 403
    if endpoint.member and not CAPS[persona]:
        return 403
    if endpoint.cap is not None and endpoint.cap not in CAPS[persona]:
        return 403
    return endpoint.ok


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_endpoint_with_every_role_and_scope(request, persona, world, admin_user):
    checked = 0
    for scopes in SCOPE_SETS:
        api = persona_token(request, persona, set(scopes))
        if api is None:
            continue
        for endpoint in ENDPOINTS:
            response = call(api, endpoint, world, admin_user)
            want = expected(persona, set(scopes), endpoint)
            assert response.status_code == want, (
                persona,
                sorted(scopes),
                endpoint.method,
                endpoint.path,
                response.content[:300],
            )
            if want >= 400:
                assert response.json()["detail"], "a refusal says why"
            # What is not there (or not visible) is 404 to whoever may otherwise look.
            if endpoint.missing and want < 400:
                missing = call(api, endpoint, world, admin_user, path=endpoint.missing)
                assert missing.status_code == 404, (persona, endpoint.missing)
            checked += 1
    assert checked >= len(ENDPOINTS) * 3


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_every_endpoint_is_401_without_a_token_or_with_a_revoked_one(world, admin_user, reporter, endpoint):
    response = call(Api(), endpoint, world, admin_user)
    assert response.status_code == 401 and response["WWW-Authenticate"] == 'Bearer realm="api"'
    new = api_token_create(actor=reporter, user=reporter, name="gone", scopes=[READ, SUBMIT])
    api_token_revoke(actor=reporter, token=new.token)
    response = call(Api(new.secret), endpoint, world, admin_user)
    assert response.status_code == 401 and response.json() == {"detail": "This API token was revoked."}


def test_scope_refusal_says_what_is_needed(reporter, article):
    api = Api(api_token_create(actor=reporter, user=reporter, name="r", scopes=[READ]).secret)
    response = api.post("/api/v1/articles/", {"body": "Some text."})
    assert response.status_code == 403
    assert response.json()["detail"] == "This token's scopes (read) do not allow this request: it needs submit."


def test_a_users_token_sees_only_their_own_tokens_through_the_admin_endpoint(admin_user, reporter):
    admin = Api(api_token_create(actor=admin_user, user=admin_user, name="a", scopes=[ADMIN]).secret)
    api_token_create(actor=reporter, user=reporter, name="rita's", scopes=[READ])
    names = {row["name"] for row in admin.get("/api/v1/tokens/").json()["results"]}
    assert names == {"a", "rita's"}  # an administrator sees everyone's
    assert all("digest" not in row and "secret" not in row for row in admin.get("/api/v1/tokens/").json()["results"])
    token = ApiToken.objects.get(name="rita's")
    assert admin.delete(f"/api/v1/tokens/{token.pk}/").status_code == 204
    response = admin.delete(f"/api/v1/tokens/{token.pk}/")
    assert response.status_code == 409 and "already revoked" in response.json()["detail"]


def test_no_cors_headers_are_sent(reporter, article):
    """No Access-Control-Allow-* header: a browser on another origin may not read the API.
    (django-guid's Access-Control-Expose-Headers: X-Request-ID grants nothing by itself.)"""
    api = Api(api_token_create(actor=reporter, user=reporter, name="r", scopes=[READ]).secret)
    response = api.get("/api/v1/articles/", HTTP_ORIGIN="https://cms.example")
    assert response.status_code == 200
    assert not any(name.lower().startswith("access-control-allow") for name in response.headers), response.headers
    preflight = api.client.options(
        "/api/v1/articles/", HTTP_ORIGIN="https://cms.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert not any(name.lower().startswith("access-control-allow") for name in preflight.headers)
