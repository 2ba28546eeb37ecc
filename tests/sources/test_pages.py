"""The source pages, the submit page's link box and the admin site: success, 403, 404, bad
input, audit, and what the people using them see."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from factcheck.articles.models import Article
from factcheck.audit.models import AuditEvent
from factcheck.sources import selectors
from factcheck.sources.models import FetchedItem, ItemState, Source
from factcheck.sources.tasks import fetch_link

from .conftest import Reply

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Example Times – Politics",
    "kind": "feed",
    "url": "https://example.org/politics/rss.xml",
    "outlet": "Example Times",
    "interval_minutes": "15",
    "enabled": "on",
}


def test_an_editor_registers_a_source(login, editor):
    client = login(editor)
    assert client.get(reverse("sources:create")).status_code == 200
    response = client.post(reverse("sources:create"), FORM)
    assert response.status_code == 302 and response["Location"] == reverse("sources:list")
    source = Source.objects.get()
    assert (source.name, source.kind, source.url, source.outlet.name) == (
        "Example Times – Politics",
        "feed",
        "https://example.org/politics/rss.xml",
        "Example Times",
    )
    assert source.interval_minutes == 15 and source.enabled and source.next_poll_at <= timezone.now()
    event = AuditEvent.objects.get(action="source created")
    assert event.actor == editor and event.changes["url"] == [None, source.url]
    page = client.get(reverse("sources:list")).content.decode()
    assert "Example Times – Politics" in page and "every 15 min" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"url": "ftp://example.org/feed"}, "url", "Only http:// and https:// web addresses are accepted"),
        ({"url": "javascript:alert(1)"}, "url", "Only http:// and https:// web addresses are accepted"),
        ({"interval_minutes": "1"}, "interval_minutes", "Poll every 5 minutes at the least"),
        ({"kind": "carrier-pigeon"}, "kind", "Select a valid choice"),
    ],
)
def test_bad_source_input_comes_back_with_the_reason(login, editor, change, field, message):
    response = login(editor).post(reverse("sources:create"), {**FORM, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Source.objects.count() == 0


def test_the_same_address_twice_is_refused(login, editor):
    client = login(editor)
    client.post(reverse("sources:create"), FORM)
    response = client.post(reverse("sources:create"), {**FORM, "name": "Again"})
    assert response.status_code == 400
    assert "This address is already registered as a source." in response.content.decode()


def test_a_reporter_may_see_the_sources_but_not_change_them(login, reporter):
    source = Source.objects.create(name="Feed", url="https://example.org/feed")
    client = login(reporter)
    page = client.get(reverse("sources:list")).content.decode()
    assert "Feed" in page and "Switch off" not in page and "Add a source" not in page
    assert client.post(reverse("sources:create"), FORM).status_code == 403
    assert client.post(reverse("sources:toggle", args=[source.pk])).status_code == 403
    assert client.get(reverse("sources:edit", args=[source.pk])).status_code == 403
    assert client.get(reverse("sources:edit", args=[999999])).status_code == 404


def test_an_editor_changes_a_source_and_a_stale_form_is_refused(login, editor):
    source = Source.objects.create(name="Feed", url="https://example.org/feed", etag='"x"')
    client = login(editor)
    page = client.get(reverse("sources:edit", args=[source.pk]))
    assert page.status_code == 200 and "Nothing fetched yet." in page.content.decode()
    form = {**FORM, "url": "https://example.org/new-feed", "version": source.version}
    assert client.post(reverse("sources:edit", args=[source.pk]), form).status_code == 302
    source.refresh_from_db()
    assert source.url == "https://example.org/new-feed" and source.etag == "" and source.version == 2
    assert AuditEvent.objects.get(action="source changed").changes["url"] == [
        "https://example.org/feed",
        "https://example.org/new-feed",
    ]
    stale = client.post(reverse("sources:edit", args=[source.pk]), {**form, "name": "Mine", "version": 1})
    assert stale.status_code == 409
    assert "someone else changed this source" in stale.content.decode()
    source.refresh_from_db()
    assert source.name == FORM["name"]


def test_switching_a_source_off_and_on(login, editor):
    source = Source.objects.create(name="Feed", url="https://example.org/feed")
    client = login(editor)
    client.post(reverse("sources:toggle", args=[source.pk]))
    source.refresh_from_db()
    assert not source.enabled
    client.post(reverse("sources:toggle", args=[source.pk]), {"enabled": "on"})
    source.refresh_from_db()
    assert source.enabled and source.next_poll_at is not None
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "source disabled",
        "source enabled",
    ]


def test_the_list_shows_health_in_words_with_a_bounded_number_of_queries(login, editor, django_assert_max_num_queries):
    now = timezone.now()
    for n in range(5):
        source = Source.objects.create(
            name=f"Feed {n}",
            url=f"https://example.org/{n}",
            last_polled_at=now,
            consecutive_failures=n,
            last_error="https://example.org/feed answered HTTP 500 (the server failed)." if n else "",
            failing_since=now - datetime.timedelta(hours=30) if n else None,
        )
        for k in range(n):
            FetchedItem.objects.create(
                source=source,
                key=f"{n}-{k}",
                url=f"https://example.org/{n}/{k}",
                state=ItemState.IMPORTED,
                finished_at=now,
            )
    client = login(editor)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("sources:list")).content.decode()
    assert "answered HTTP 500 (the server failed)" in page and "4 failures in a row" in page
    assert "4 sources failing for a day or more." in page


def test_failing_sources_lists_those_failing_for_a_day(settings):
    now = timezone.now()
    old = Source.objects.create(
        name="Old", url="https://example.org/a", failing_since=now - datetime.timedelta(hours=25)
    )
    Source.objects.create(name="New", url="https://example.org/b", failing_since=now - datetime.timedelta(hours=2))
    Source.objects.create(
        name="Off", url="https://example.org/c", enabled=False, failing_since=now - datetime.timedelta(days=3)
    )
    assert list(selectors.failing_sources()) == [old]
    html = render_to_string("sources/_failing_banner.html", {"failing_sources": selectors.failing_sources()})
    assert "1 source failing for a day or more." in html and "Old" in html
    assert render_to_string("sources/_failing_banner.html", {"failing_sources": []}).strip() == ""


def test_the_dashboard_shows_a_source_failing_for_a_day(login, checker):
    now = timezone.now()
    Source.objects.create(
        name="Old feed",
        url="https://example.org/old.xml",
        failing_since=now - datetime.timedelta(hours=26),
        consecutive_failures=5,
        last_error="answered HTTP 500 (the server failed)",
    )
    Source.objects.create(name="Fresh feed", url="https://example.org/new.xml", failing_since=now)
    page = login(checker).get(reverse("review:dashboard")).content.decode()
    assert "1 source failing for a day or more." in page
    assert "Old feed" in page and "answered HTTP 500" in page
    assert "Fresh feed" not in page


def test_the_dashboard_has_no_banner_when_sources_are_healthy(login, checker):
    Source.objects.create(name="Fine feed", url="https://example.org/fine.xml")
    assert 'id="failing-sources"' not in login(checker).get(reverse("review:dashboard")).content.decode()


# --- Paste a link -----------------------------------------------------------------------------


def test_the_submit_page_offers_a_link_box(login, reporter):
    page = login(reporter).get(reverse("review:article_submit")).content.decode()
    assert "Paste a link" in page and reverse("sources:link_submit") in page and "Paste text" in page


def test_a_pasted_link_becomes_an_article_through_the_same_intake(
    site, login, reporter, django_capture_on_commit_callbacks
):
    site.serve_articles([3])
    client = login(reporter)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("sources:link_submit"), {"url": f"{site.base}/news/3"})
    item = FetchedItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("sources:link", args=[item.pk])
    assert len(queued) == 1  # the fetch is queued after the commit
    waiting = client.get(reverse("sources:link", args=[item.pk])).content.decode()
    assert "Fetching the article…" in waiting and 'id="link-wait"' in waiting and "js/link_wait.js" in waiting
    assert 'http-equiv="refresh"' not in waiting  # no timed refresh (axe-core meta-refresh): the script polls
    polled = client.get(reverse("sources:link", args=[item.pk]), headers={"Accept": "application/json"})
    assert polled.json() == {"pending": True}

    assert fetch_link(item.pk) == ItemState.IMPORTED  # what the worker runs

    article = Article.objects.get()
    assert (article.url, article.byline, article.outlet.name, article.submitted_by) == (
        f"{site.base}/news/3",
        "Jane Doe",
        "Example Times",
        reporter,
    )
    assert AuditEvent.objects.filter(action="submitted", actor=reporter).count() == 1
    polled = client.get(reverse("sources:link", args=[item.pk]), headers={"Accept": "application/json"})
    assert polled.json() == {"pending": False}
    done = client.get(reverse("sources:link", args=[item.pk]))
    assert done.status_code == 302 and done["Location"] == article.get_absolute_url()
    assert fetch_link(item.pk) == "skipped"  # done: a redelivered task changes nothing


def test_a_link_that_cannot_be_fetched_says_why(site, login, reporter):
    site.routes["/gone"] = Reply(status=410)
    client = login(reporter)
    client.post(reverse("sources:link_submit"), {"url": f"{site.base}/gone"})
    item = FetchedItem.objects.get()
    fetch_link(item.pk)
    page = client.get(reverse("sources:link", args=[item.pk])).content.decode()
    assert f"{site.base}/gone answered HTTP 410 (the page is gone)." in page
    assert "Paste the text instead" in page and Article.objects.count() == 0


def test_a_link_to_a_private_address_is_refused(site, login, reporter):
    client = login(reporter)
    client.post(reverse("sources:link_submit"), {"url": "http://localhost:8000/admin/"})
    fetch_link(FetchedItem.objects.get().pk)
    item = FetchedItem.objects.get()
    assert item.state == ItemState.FAILED
    assert item.error == (
        "Refused: localhost resolves to 127.0.0.1, a loopback address; the desk fetches only public web addresses."
    )


def test_a_link_that_is_not_http_is_refused_on_the_form(login, reporter):
    response = login(reporter).post(reverse("sources:link_submit"), {"url": "file:///etc/passwd"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Only http:// and https:// web addresses are accepted" in page and "file:///etc/passwd" in page
    assert FetchedItem.objects.count() == 0


def test_an_outsider_may_not_paste_links(login, outsider):
    assert login(outsider).post(reverse("sources:link_submit"), {"url": "https://example.org/"}).status_code == 403


# --- The admin site -----------------------------------------------------------------------------


def test_the_admin_adds_a_source_through_the_service(client, admin_user):
    client.force_login(admin_user)
    data = {"name": "Wire", "kind": "sitemap", "url": "https://example.org/news-sitemap.xml", "interval_minutes": 20}
    response = client.post(reverse("admin:sources_source_add"), {**data, "enabled": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    source = Source.objects.get()
    assert source.next_poll_at is not None and source.created_by == admin_user
    assert AuditEvent.objects.filter(action="source created", actor=admin_user).exists()
    again = client.post(reverse("admin:sources_source_add"), {**data, "name": "Again"})
    assert again.status_code == 200 and "already registered" in again.content.decode()
    bad = client.post(reverse("admin:sources_source_add"), {**data, "url": "ftp://example.org/x"})
    assert bad.status_code == 200 and Source.objects.count() == 1
    for name in ("changelist", "change"):
        args = [source.pk] if name == "change" else []
        assert client.get(reverse(f"admin:sources_source_{name}", args=args)).status_code == 200
    client.post(reverse("admin:sources_source_changelist"), {"action": "switch_off", "_selected_action": [source.pk]})
    source.refresh_from_db()
    assert not source.enabled and AuditEvent.objects.filter(action="source disabled").exists()
    assert client.get(reverse("admin:sources_fetcheditem_changelist")).status_code == 200


def test_the_admin_site_is_staff_only(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:sources_source_changelist")).status_code == 302
    assert User.objects.filter(is_staff=True).count() == 0


def test_items_in_the_last_24_hours_count_only_recent_imports():
    source = Source.objects.create(name="Feed", url="https://example.org/feed")
    for key, state in (("a", ItemState.IMPORTED), ("b", ItemState.IMPORTED), ("c", ItemState.FAILED)):
        FetchedItem.objects.create(source=source, key=key, url=f"https://example.org/{key}", state=state)
    FetchedItem.objects.filter(key="b").update(created_at=timezone.now() - datetime.timedelta(hours=25))
    Source.objects.create(name="Quiet", url="https://example.org/quiet")
    assert {s.name: s.items_24h for s in selectors.sources_with_health()} == {"Feed": 1, "Quiet": 0}
