"""The alert pages, the dashboard card and the ledger pages: success, 403, 404, bad input, and a
bounded number of queries on the lists."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from factcheck.alerts import services
from factcheck.alerts.models import AlertState, RepeatAlert
from factcheck.claims.models import Claim, Workflow
from tests.factories import HOSTILE, ClaimFactory

from .conftest import repeat_of

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 8, 20)


@pytest.fixture
def alert(published_check, person):
    repeat = repeat_of(published_check, outlet="Globe", day=DAY, claimant=person)
    return services.repeat_alerts_raise(article_id=repeat.article_id)[0]


def test_the_list_shows_who_where_when_and_the_earlier_verdict(alert, reporter, login, django_assert_num_queries):
    client = login(reporter)
    client.get(reverse("alerts:list"))  # the session and role caches warm
    for i in range(3):  # more alerts, same number of queries
        repeat_of(alert.checked_claim, outlet=f"Outlet {i}", day=DAY)
    services.repeat_alerts_sweep(since=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    with django_assert_num_queries(7):
        html = client.get(reverse("alerts:list")).content.decode()
    assert html.count('class="alert-row"') == 4
    assert "Jane Minister" in html and "Globe" in html and "20 Aug 2024" in html and "Mostly true" in html
    assert "4 open alerts" in html


def test_the_list_filters_by_state_and_explains_bad_input(alert, checker, login):
    services.repeat_alert_acknowledge(alert=alert, actor=checker)
    client = login(checker)
    assert 'class="alert-row"' not in client.get(reverse("alerts:list")).content.decode()
    assert 'class="alert-row"' in client.get(reverse("alerts:list") + "?state=acknowledged").content.decode()
    html = client.get(reverse("alerts:list") + "?state=bogus").content.decode()
    assert "Choose open, acknowledged or all alerts." in html


def test_the_alert_page_puts_the_new_claim_beside_the_check(alert, reporter, login):
    html = login(reporter).get(alert.get_absolute_url()).content.decode()
    assert 'id="alert-new"' in html and 'id="alert-checked"' in html
    assert alert.claim.text in html and alert.checked_claim.text in html
    assert "http://localhost:8000/factchecks/" in html or "/factchecks/" in html  # the check's public page
    assert "Fact-checkers and editors acknowledge alerts." in html  # a reporter sees no form


def test_acknowledge_from_the_page(alert, checker, login):
    client = login(checker)
    too_long = client.post(reverse("alerts:acknowledge", args=[alert.pk]), {"note": "x" * 501})
    assert too_long.status_code == 400 and "Keep the note under 500 characters." in too_long.content.decode()
    answer = client.post(reverse("alerts:acknowledge", args=[alert.pk]), {"note": "Dealt with"})
    assert answer.status_code == 302
    alert.refresh_from_db()
    assert alert.state == AlertState.ACKNOWLEDGED and alert.note == "Dealt with"
    again = client.post(reverse("alerts:acknowledge", args=[alert.pk]), {"note": ""}, follow=True)
    assert "already acknowledged by carl" in again.content.decode()


def test_acknowledge_is_403_for_a_reporter_and_404_for_a_missing_alert(alert, reporter, checker, login):
    assert login(reporter).post(reverse("alerts:acknowledge", args=[alert.pk])).status_code == 403
    assert login(checker).get(reverse("alerts:detail", args=[alert.pk + 99])).status_code == 404
    assert RepeatAlert.objects.get().state == AlertState.OPEN


def test_the_dashboard_card_counts_open_alerts(alert, reporter, login):
    html = login(reporter).get(reverse("review:dashboard")).content.decode()
    assert 'id="dash-repeat-alerts"' in html and "1</span> open repeat alert:" in html


def test_the_ledger_pages(alert, published_check, person, reporter, login):
    alert.claim.article.headline = HOSTILE
    alert.claim.article.save(update_fields=["headline"])
    client = login(reporter)
    index = client.get(reverse("ledger:index")).content.decode()
    assert f'id="ledger-row-{published_check.pk}"' in index and "1</span> later appearance" in index
    detail = client.get(reverse("ledger:detail", args=[published_check.pk])).content.decode()
    assert '<svg class="ledger-chart' in detail and '<title id="chart-title">' in detail
    assert 'id="appearance-table"' in detail and "Globe" in detail and "<script>alert(1)" not in detail
    assert client.get(reverse("ledger:detail", args=[alert.claim.pk])).status_code == 404  # not a check
    claimants = client.get(reverse("ledger:claimants")).content.decode()
    assert "Jane Minister" in claimants
    one = client.get(reverse("ledger:claimant", args=[person.pk])).content.decode()
    assert "Repeated 1 checked claim 1 time after" in one


def _check_repeated(n: int, *, times: int) -> Claim:
    """One more published check of ours, repeated `times` times after it (from 2 Sep 2024)."""
    check = ClaimFactory(labelled=True, text=f"Check {n}: prices rose {n}% in May.", workflow=Workflow.PUBLISHED)
    check.published_at = datetime.datetime(2024, 9, 1, 12, tzinfo=datetime.UTC)
    check.save(update_fields=["published_at"])
    for i in range(times):
        repeat_of(check, outlet=f"Outlet {n}-{i}", day=datetime.date(2024, 9, 2 + i))
    return check


def test_the_ledger_pages_in_the_database_with_its_figures_over_every_check(
    published_check, reporter, login, monkeypatch, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from factcheck.alerts import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for day in (DAY, DAY + datetime.timedelta(days=1), DAY + datetime.timedelta(days=2)):
        repeat_of(published_check, outlet="Globe", day=day)
    second, third = _check_repeated(1, times=2), _check_repeated(2, times=1)
    client = login(reporter)
    client.get(reverse("ledger:index"))  # the session and role caches warm
    with CaptureQueriesContext(connection) as small:
        first_page = client.get(reverse("ledger:index")).content.decode()
    rows = re.findall(r'id="ledger-row-(\d+)"', first_page)
    queries = len(small)  # now: the next request resets the connection's query log
    assert rows == [str(published_check.pk), str(second.pk)] and "Page 1 of 2" in first_page
    assert "3 results." in first_page
    totals = re.findall(r'<span class="fs-4">(\d+)</span>', first_page)
    assert totals == ["3", "6", "4", "0"]  # checks, later appearances, outlets, claimants: all pages'
    last_page = client.get(reverse("ledger:index") + "?page=2").content.decode()
    assert re.findall(r'id="ledger-row-(\d+)"', last_page) == [str(third.pk)]
    assert re.findall(r'<span class="fs-4">(\d+)</span>', last_page) == totals

    for n in range(3, 9):  # four times the checks and appearances: the same queries
        _check_repeated(n, times=3)
    with django_assert_num_queries(queries):
        html = client.get(reverse("ledger:index")).content.decode()
    assert re.findall(r'<span class="fs-4">(\d+)</span>', html) == ["9", "24", "22", "0"]
    assert len(re.findall(r'id="ledger-row-', html)) == 2 and "Page 1 of 5" in html
