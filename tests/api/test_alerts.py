"""Repeat alerts in the API: what the /alerts/ pages show (who said it, where, when, the earlier
verdict and its page, the match probability), the list's filters and cursor, constant query
counts, and acknowledging through the page's own service (role, audit event, idempotence)."""

from __future__ import annotations

import datetime
import threading
import time
from importlib import import_module

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factcheck.accounts.roles import Role
from factcheck.alerts import services
from factcheck.alerts.models import AlertState, RepeatAlert
from factcheck.audit.models import AuditEvent
from tests.alerts.conftest import imported_check, person, published_check, repeat_of  # noqa: F401 (fixtures)
from tests.conftest import make_user
from tests.factories import ClaimFactory

from .conftest import Api, token_for

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 8, 20)


def raise_for(claim) -> RepeatAlert:
    return services.repeat_alerts_raise(article_id=claim.article_id)[0]


@pytest.fixture
def alert(published_check, person):  # noqa: F811
    return raise_for(repeat_of(published_check, outlet="Globe", day=DAY, claimant=person, score=0.83))


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_list_and_detail_carry_what_the_alert_page_shows(alert, imported_check, reporter):  # noqa: F811
    other = raise_for(repeat_of(imported_check, outlet="Evening Post", day=datetime.date(2024, 9, 2)))
    api = Api(token_for(reporter))  # a reporter sees /alerts/, so the API's alerts too
    response = api.get("/api/v1/alerts/")
    assert ids(response) == [other.pk, alert.pk]  # newest first
    row = response.json()["results"][1]
    assert row == api.get(f"/api/v1/alerts/{alert.pk}/").json()  # the detail is the list's row
    assert row["url"] == f"http://testserver/api/v1/alerts/{alert.pk}/"
    assert row["web_url"] == f"http://testserver/alerts/{alert.pk}/"
    assert row["state"] == "open" and row["acknowledged_by"] is None and row["probability"] == pytest.approx(0.83)
    said = row["claim"]
    assert said["id"] == alert.claim_id and said["text"].endswith("she said again.")
    assert said["said_by"] == "Jane Minister" and said["claimant"]["name"] == "Jane Minister"
    assert said["article"]["outlet"] == "Globe" and said["appeared_on"] == "2024-08-20"
    checked = row["checked"]
    assert checked["id"] == alert.checked_claim_id and checked["checked_by"] == settings.NEWSROOM_NAME
    assert checked["rating"] == "Mostly true" and checked["verdict"]["slug"] == "mostly-true"
    assert checked["review_url"].endswith(f"/factchecks/{alert.checked_claim_id}/")
    assert checked["checked_on"] == "2024-08-10"
    imported = api.get(f"/api/v1/alerts/{other.pk}/").json()["checked"]
    assert imported["checked_by"] == "Check Org" and imported["rating"] == "Pants on fire"
    assert imported["review_url"] == "https://check.example/crime"


def test_filters_acknowledged_dates_and_outlet(alert, imported_check, checker):  # noqa: F811
    other = raise_for(repeat_of(imported_check, outlet="Evening Post", day=DAY))
    services.repeat_alert_acknowledge(alert=other, actor=checker)
    RepeatAlert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    api = Api(token_for(checker))
    assert ids(api.get("/api/v1/alerts/", {"acknowledged": "true"})) == [other.pk]
    assert ids(api.get("/api/v1/alerts/", {"acknowledged": "no"})) == [alert.pk]
    yesterday = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert ids(api.get("/api/v1/alerts/", {"since": yesterday})) == [other.pk]
    assert ids(api.get("/api/v1/alerts/", {"until": yesterday})) == [alert.pk]
    # A plain date is the whole day, in the desk's time zone: `until` includes it.
    today, three_days_ago = timezone.localdate(), timezone.localdate() - datetime.timedelta(days=3)
    assert ids(api.get("/api/v1/alerts/", {"since": today.isoformat()})) == [other.pk]
    assert ids(api.get("/api/v1/alerts/", {"until": three_days_ago.isoformat()})) == [alert.pk]
    assert ids(api.get("/api/v1/alerts/", {"since": three_days_ago.isoformat(), "until": today.isoformat()})) == [
        other.pk,
        alert.pk,
    ]
    globe = alert.claim.article.outlet
    assert ids(api.get("/api/v1/alerts/", {"outlet": globe.slug})) == [alert.pk]
    assert ids(api.get("/api/v1/alerts/", {"outlet": str(globe.pk)})) == [alert.pk]
    # A bad parameter is a 400 naming it, as on every list.
    for params, named in (
        ({"acknowledged": "maybe"}, "acknowledged"),
        ({"since": "yesterday"}, "since"),
        ({"until": "2024-02-30"}, "until"),
        ({"since": yesterday, "until": yesterday}, "until"),
        ({"outlet": "no-such-outlet"}, "outlet"),
        ({"state": "open"}, "state"),
    ):
        response = api.get("/api/v1/alerts/", params)
        assert response.status_code == 400 and named in response.json()["errors"], (params, response.content)
    assert api.get("/api/v1/alerts/999999/").status_code == 404


def test_acknowledge_goes_through_the_service_once(alert, checker, checker2):
    api = Api(token_for(checker, "read", "submit"))
    url = f"/api/v1/alerts/{alert.pk}/acknowledge/"
    too_long = api.post(url, {"note": "x" * 501})
    assert too_long.status_code == 400 and too_long.json()["errors"] == {
        "note": ["Keep the note under 500 characters."]
    }
    first = api.post(url, {"note": "Asked Globe for a correction"})
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["acknowledged"] is True and body["message"] == "Alert acknowledged."
    assert body["alert"]["state"] == "acknowledged" and body["alert"]["acknowledged_by"] == "carl"
    assert body["alert"]["note"] == "Asked Globe for a correction"
    events = AuditEvent.objects.for_object(alert)
    assert [e.action for e in events] == ["acknowledge_alert"] and events[0].actor == checker
    # Again, by the same person or a colleague: the same end state, said in words, no second event.
    for who in (checker, checker2):
        again = Api(token_for(who, "read", "submit")).post(url, {"note": "again"})
        assert again.status_code == 200
        assert again.json()["acknowledged"] is False
        assert again.json()["message"] == "This alert was already acknowledged by carl. Nothing changed."
        assert again.json()["alert"]["note"] == "Asked Globe for a correction"
    assert AuditEvent.objects.for_object(alert).count() == 1
    alert.refresh_from_db()
    assert alert.acknowledged_by == checker and alert.note == "Asked Globe for a correction"


def test_acknowledge_is_refused_like_the_page(alert, reporter, checker):
    url = f"/api/v1/alerts/{alert.pk}/acknowledge/"
    refused = Api(token_for(reporter, "read", "submit")).post(url, {})
    assert refused.status_code == 403 and refused.json()["detail"]
    read_only = Api(token_for(checker, "read")).post(url, {})
    assert read_only.status_code == 403 and "it needs submit" in read_only.json()["detail"]
    missing = Api(token_for(checker, "read", "submit")).post("/api/v1/alerts/999999/acknowledge/", {})
    assert missing.status_code == 404
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN and not AuditEvent.objects.for_object(alert).exists()


def test_alert_list_queries_do_not_grow_with_the_page(published_check, imported_check, person, checker):  # noqa: F811
    api = Api(token_for(checker))
    api.get("/api/v1/alerts/")  # the token's first use writes its last-used time

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            checked = published_check if i % 2 else imported_check
            raise_for(repeat_of(checked, outlet=f"Outlet {i % 4}", day=DAY, claimant=person if i % 3 else None))

    counts = {}
    add(3, 0)
    for size in (3, 30):
        if size == 30:
            add(27, 3)
        with CaptureQueriesContext(connection) as queries:
            assert len(ids(api.get("/api/v1/alerts/", {"page_size": size}))) == size
        counts[size] = len(queries)
    assert counts[30] == counts[3], counts
    assert counts[3] <= 6, counts


@pytest.mark.django_db(transaction=True)  # real commits: two requests race on the row lock
def test_two_acknowledgements_at_once_make_one_event():
    """Two people acknowledge the same alert at the same moment, each over the API: the
    service's row lock lets one through; the other answers "already acknowledged", no event."""
    # A transactional test's flush empties the data migrations' rows: load them as they do.
    for name in ("factcheck.accounts.migrations.0001_roles", "factcheck.claims.migrations.0003_default_rating_scale"):
        import_module(name).forwards(apps, None)
    checked = ClaimFactory(labelled=True, workflow="published", text="Unemployment fell to 3.1 per cent.")
    alert = RepeatAlert.objects.create(claim=ClaimFactory(), checked_claim=checked, probability=0.9)
    clients = [Api(token_for(make_user(name, Role.FACT_CHECKER), "read", "submit")) for name in ("carl", "chloe")]
    answers = []

    def acknowledge(api: Api) -> None:
        try:
            answers.append(api.post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {}))
        finally:
            connection.close()

    # A third session holds the alert's row until both requests wait on it, so they truly
    # overlap: each has read the alert "open" (or waits to read it under the service's lock).
    db = connection.settings_dict
    holder = psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"])
    holder.execute("SELECT 1 FROM alerts_repeatalert WHERE id = %s FOR UPDATE", [alert.pk])
    threads = [threading.Thread(target=acknowledge, args=(api,)) for api in clients]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    waiting = 0
    while waiting < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
        with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"]) as probe:
            waiting = probe.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'", [db["NAME"]]
            ).fetchone()[0]
    holder.rollback()
    holder.close()
    for thread in threads:
        thread.join(30)
    assert waiting == 2, "both requests were to wait on the row"
    assert [a.status_code for a in answers] == [200, 200]
    assert sorted(a.json()["acknowledged"] for a in answers) == [False, True]
    assert AuditEvent.objects.for_object(alert).count() == 1
