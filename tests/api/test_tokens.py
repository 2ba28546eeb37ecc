"""Tokens: stored as a hash, shown once, scoped, revoked, expiring; created and revoked on
the account's "API tokens" page and in the admin site, through one audited service."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from factcheck.api.models import ApiToken
from factcheck.api.services import api_token_create, api_token_revoke
from factcheck.audit.models import AuditEvent
from factcheck.core.errors import ApplicationError, Conflict, NotAllowed

from .conftest import Api, token_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/articles/"


def test_the_secret_is_not_stored_only_its_sha256(reporter):
    new = api_token_create(actor=reporter, user=reporter, name="CMS", scopes=["read", "submit"])
    assert re.fullmatch(r"fcd_[0-9a-f]{10}_[A-Za-z0-9_-]{43}", new.secret)
    token = ApiToken.objects.get(pk=new.token.pk)
    assert token.digest == hashlib.sha256(new.secret.encode()).hexdigest()
    assert token.scopes == "read submit" and new.secret.startswith(f"fcd_{token.prefix}_")
    # Nowhere in the row, nor in the audit trail, is the secret or its random part.
    secret_part = new.secret.rsplit("_", 1)[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken WHERE id = %s", [token.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert secret_part not in row and new.secret not in row
    event = AuditEvent.objects.get(action="api token created")
    assert event.actor == reporter and secret_part not in str(event.changes)


def test_two_tokens_never_share_a_secret_or_a_prefix(reporter):
    a, b = (api_token_create(actor=reporter, user=reporter, name=n, scopes=["read"]) for n in "ab")
    assert a.secret != b.secret and a.token.prefix != b.token.prefix


def test_the_database_refuses_unknown_scopes_and_non_hash_digests(reporter):
    token = ApiToken.objects.get(pk=api_token_create(actor=reporter, user=reporter, name="x", scopes=["read"]).token.pk)
    for field, value in (("scopes", "read write"), ("scopes", ""), ("digest", "secret"), ("name", "")):
        with pytest.raises(IntegrityError), transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(**{field: value})


def test_scope_rules_of_the_service(reporter, admin_user, outsider, checker):
    with pytest.raises(NotAllowed, match="administrators"):
        api_token_create(actor=reporter, user=reporter, name="x", scopes=["admin"])
    assert api_token_create(actor=admin_user, user=admin_user, name="x", scopes=["admin"]).token.scopes == "admin"
    with pytest.raises(ApplicationError, match="at least one scope"):
        api_token_create(actor=reporter, user=reporter, name="x", scopes=[])
    with pytest.raises(ApplicationError, match="Scopes are"):
        api_token_create(actor=reporter, user=reporter, name="x", scopes=["write"])
    with pytest.raises(ApplicationError, match="Name the token"):
        api_token_create(actor=reporter, user=reporter, name="  ", scopes=["read"])
    with pytest.raises(ApplicationError, match="no role on the desk"):
        api_token_create(actor=outsider, user=outsider, name="x", scopes=["read"])
    with pytest.raises(NotAllowed, match="someone else"):
        api_token_create(actor=checker, user=reporter, name="x", scopes=["read"])
    # An administrator may make one for a colleague (the admin site does).
    assert api_token_create(actor=admin_user, user=reporter, name="for rita", scopes=["read"]).token.user == reporter


def test_a_token_opens_the_api_and_notes_its_last_use(reporter, article):
    secret = token_for(reporter)
    assert ApiToken.objects.get().last_used_at is None
    response = Api(secret).get(ME)
    assert response.status_code == 200
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    Api(secret).get(ME)
    assert ApiToken.objects.get().last_used_at == first  # within the minute: no write


def test_revoked_expired_mistyped_and_missing_tokens_are_401(reporter, article):
    secret = token_for(reporter)
    token = ApiToken.objects.get()
    assert Api(secret).get(ME).status_code == 200
    for bad in (secret[:-1] + ("A" if secret[-1] != "A" else "B"), "fcd_0000000000_nope", "not-a-token", ""):
        response = Api(bad).get(ME)
        assert response.status_code == 401, bad
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    response = Api().get(ME)
    assert response.status_code == 401 and "credentials were not provided" in response.json()["detail"]
    api_token_revoke(actor=reporter, token=token)
    response = Api(secret).get(ME)
    assert response.status_code == 401 and response.json() == {"detail": "This API token was revoked."}
    other = token_for(reporter)
    ApiToken.objects.filter(revoked_at__isnull=True).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Api(other).get(ME).json() == {"detail": "This API token has expired."}


def test_a_disabled_account_s_token_is_401(reporter, article):
    secret = token_for(reporter)
    User.objects.filter(pk=reporter.pk).update(is_active=False)
    assert Api(secret).get(ME).status_code == 401


def test_revoking_twice_is_a_conflict_and_only_the_owner_or_an_admin_may(reporter, checker, admin_user):
    token = api_token_create(actor=reporter, user=reporter, name="x", scopes=["read"]).token
    with pytest.raises(NotAllowed):
        api_token_revoke(actor=checker, token=token)
    api_token_revoke(actor=admin_user, token=token)
    with pytest.raises(Conflict):
        api_token_revoke(actor=reporter, token=token)
    event = AuditEvent.objects.get(action="api token revoked")
    assert event.actor == admin_user


# --- The account page ---------------------------------------------------------------------


def test_the_page_creates_a_token_and_shows_it_once(client, reporter):
    client.force_login(reporter)
    page = client.get(reverse("api:tokens"))
    assert page.status_code == 200 and "You have no API tokens yet" in page.content.decode()
    assert 'value="admin"' not in page.content.decode()  # not offered to a reporter
    response = client.post(reverse("api:tokens"), {"name": "CMS import", "scopes": ["read", "submit"]})
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    secret = re.search(r'id="new-token-value" type="text" readonly value="(fcd_[^"]+)"', html).group(1)
    assert Api(secret).get(ME).status_code == 200
    again = client.get(reverse("api:tokens")).content.decode()
    assert secret not in again and ApiToken.objects.get().display in again and "CMS import" in again


def test_the_page_refuses_bad_input_and_keeps_it(client, reporter):
    client.force_login(reporter)
    response = client.post(reverse("api:tokens"), {"name": "Kept name", "scopes": []})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose at least one scope." in html and 'value="Kept name"' in html
    response = client.post(reverse("api:tokens"), {"name": "x", "scopes": ["admin"]})
    assert response.status_code == 400 and ApiToken.objects.count() == 0  # not a choice for a reporter
    response = client.post(reverse("api:tokens"), {"name": "x", "scopes": ["read"], "expires": "2001-01-01"})
    assert response.status_code == 400 and "in the past" in response.content.decode()


def test_an_admin_may_give_the_admin_scope(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("api:tokens"), {"name": "ops", "scopes": ["admin"], "expires": "2099-01-01"})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.scopes == "admin" and token.expires_at == datetime.datetime(2099, 1, 2, tzinfo=datetime.UTC)


def test_the_page_revokes_ones_own_token_only(client, reporter, checker):
    mine = api_token_create(actor=reporter, user=reporter, name="mine", scopes=["read"])
    theirs = api_token_create(actor=checker, user=checker, name="theirs", scopes=["read"]).token
    client.force_login(reporter)
    assert client.get(reverse("api:tokens")).content.decode().count("Revoke") >= 1
    assert client.post(reverse("api:token_revoke", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("api:token_revoke", args=[mine.token.pk])).status_code == 405
    response = client.post(reverse("api:token_revoke", args=[mine.token.pk]), follow=True)
    assert "revoked" in response.content.decode()
    assert Api(mine.secret).get(ME).status_code == 401
    # Revoking it again says so rather than failing.
    response = client.post(reverse("api:token_revoke", args=[mine.token.pk]), follow=True)
    assert "already revoked" in response.content.decode()


def test_the_page_is_for_desk_members(client, outsider):
    assert client.get(reverse("api:tokens")).status_code == 302  # to the login page
    client.force_login(outsider)
    assert client.get(reverse("api:tokens")).status_code == 403


# --- The admin site -----------------------------------------------------------------------


def test_the_admin_site_creates_for_a_user_shows_once_and_revokes(client, admin_user, reporter):
    client.force_login(admin_user)
    add = reverse("admin:api_apitoken_add")
    assert client.get(add).status_code == 200
    response = client.post(add, {"user": reporter.pk, "name": "partner feed", "scope_choices": ["read"]})
    assert response.status_code == 200, response.content.decode()[:2000]
    secret = re.search(r'value="(fcd_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.user == reporter and token.created_by == admin_user
    assert Api(secret).get(ME).status_code == 200
    listing = client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert "partner feed" in listing and secret not in listing
    assert client.get(reverse("admin:api_apitoken_change", args=[token.pk])).status_code == 200
    assert (
        secret.rsplit("_", 1)[1]
        not in client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    )
    # The admin scope for a reporter is refused on the form, with the service's words.
    response = client.post(add, {"user": reporter.pk, "name": "x", "scope_choices": ["admin"]})
    assert response.status_code == 200 and "Only administrators" in response.content.decode()
    assert ApiToken.objects.count() == 1
    client.post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert Api(secret).get(ME).status_code == 401
    assert AuditEvent.objects.filter(action="api token revoked", actor=admin_user).exists()
