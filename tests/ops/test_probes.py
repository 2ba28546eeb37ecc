"""/healthz and /readyz: public, cheap, answered before the host check and the HTTPS
redirect; readiness names what is down. Every response carries an X-Request-ID."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from .conftest import free_port

pytestmark = pytest.mark.django_db


def test_healthz_is_public_and_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_with_database_and_broker_up(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_readyz_names_the_broker_when_it_is_down(client, broker_at):
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"):  # nothing listens there
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "broker": "down"},
        "down": ["broker"],
    }


def test_probes_answer_a_load_balancer_calling_by_ip_over_http(client, settings):
    # Production: only the public name is allowed and plain HTTP is redirected to HTTPS.
    settings.ALLOWED_HOSTS = ["desk.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz", HTTP_HOST="10.0.0.7").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.7").status_code == 200
    # ...while every other page still refuses the unknown host.
    assert client.get(reverse("login"), HTTP_HOST="10.0.0.7").status_code == 400


def test_only_get_and_head_are_probes(client):
    assert client.head("/healthz").status_code == 200
    # A POST falls through to the normal stack (no such page: login first, like any page).
    assert client.post("/healthz").status_code in {302, 404}


def test_every_response_carries_a_request_id_and_keeps_a_valid_incoming_one(client):
    first = client.get(reverse("login"))
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    second = client.get(reverse("login"))
    assert second["X-Request-ID"] != first["X-Request-ID"]
    incoming = "0123456789abcdef0123456789abcdef"
    assert client.get(reverse("login"), HTTP_X_REQUEST_ID=incoming)["X-Request-ID"] == incoming
    # Not a valid id: replaced, never echoed (it would go into every log line).
    forged = client.get(reverse("login"), HTTP_X_REQUEST_ID='bad"\n{json}')
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])
