"""Login throttling (django-axes): wrong passwords lock the username on that address; the
lockout page says so; an administrator unlocks it in the admin site or with axes_reset."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from factcheck.accounts.throttling import client_ip

LOCKED = "Too many failed logins"


def attempt(client: Client, username: str, password: str, ip: str = "203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def lock_out(client: Client, user) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, user.username, "wrong password")


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_limit_is_documented_and_small():
    assert 3 <= settings.AXES_FAILURE_LIMIT <= 10
    assert "AXES_FAILURE_LIMIT" in (settings.BASE_DIR / "README.md").read_text()


def test_wrong_passwords_then_the_right_one_is_refused_with_the_message(db, checker):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, checker.username, f"wrong-{n}")
        assert response.status_code == 200 and "Please enter a correct username" in response.content.decode()
    response = attempt(client, checker.username, "wrong-last")
    assert response.status_code == 429
    response = attempt(client, checker.username, "pw-" + checker.username)
    body = response.content.decode()
    assert response.status_code == 429
    assert LOCKED in body and f"after {settings.AXES_FAILURE_LIMIT} wrong passwords" in body
    assert "administrator" in body
    assert not logged_in(client)


def test_fewer_failures_then_the_right_password_logs_in_and_resets_the_count(db, checker):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, checker.username, "wrong")
    response = attempt(client, checker.username, "pw-" + checker.username)
    assert response.status_code == 302 and logged_in(client)
    assert not AccessAttempt.objects.filter(username=checker.username).exists()


def test_lockout_is_per_username_and_address(db, checker, editor):
    lock_out(Client(), checker)
    # The same person from another address, and another person from the same address, log in.
    other_ip = Client()
    assert attempt(other_ip, checker.username, "pw-" + checker.username, ip="198.51.100.9").status_code == 302
    same_ip = Client()
    assert attempt(same_ip, editor.username, "pw-" + editor.username).status_code == 302


def test_admin_deleting_the_attempt_unlocks(db, client, checker, admin_user):
    lock_out(Client(), checker)
    assert attempt(Client(), checker.username, "pw-" + checker.username).status_code == 429
    client.force_login(admin_user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = client.get(changelist)
    assert page.status_code == 200 and checker.username in page.content.decode()
    row = AccessAttempt.objects.get(username=checker.username)
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.exists()
    unlocked = Client()
    assert attempt(unlocked, checker.username, "pw-" + checker.username).status_code == 302
    assert logged_in(unlocked)


def test_axes_reset_command_unlocks(db, checker):
    lock_out(Client(), checker)
    assert attempt(Client(), checker.username, "pw-" + checker.username).status_code == 429
    call_command("axes_reset")
    assert attempt(Client(), checker.username, "pw-" + checker.username).status_code == 302


@pytest.mark.parametrize(
    ("trust", "forwarded", "expected"),
    [
        (False, "198.51.100.1", "10.0.0.2"),  # not behind a proxy: the header is the client's to forge
        (True, "198.51.100.1", "198.51.100.1"),
        (True, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # only the entry our proxy appended counts
        (True, "", "10.0.0.2"),
    ],
)
def test_client_ip_behind_the_proxy(rf, settings, trust, forwarded, expected):
    settings.AXES_TRUST_FORWARDED_FOR = trust
    request = rf.post("/accounts/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
