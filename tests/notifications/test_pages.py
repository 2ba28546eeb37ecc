"""The notification pages and the bell: only my notifications, mark read, settings, and a bell
that costs each page one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factcheck.claims import services as claims
from factcheck.notifications.models import EmailChoice, Kind, Notification, NotificationSettings

from ..factories import ClaimFactory

pytestmark = pytest.mark.django_db


def make(user, n=0, **kw):
    return Notification.objects.create(
        recipient=user,
        kind=kw.get("kind", Kind.ASSIGNED),
        key=f"test:{n}",
        text=kw.get("text", f"eddie assigned you claim {n}"),
        url=kw.get("url", "/claims/1/"),
        excerpt=kw.get("excerpt", ""),
    )


def test_the_list_shows_my_notifications_only(client, checker, checker2):
    make(checker, 1, text="For carl <b>bold</b>")
    make(checker2, 2, text="For chloe")
    client.force_login(checker)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "For carl &lt;b&gt;bold&lt;/b&gt;" in page and "For chloe" not in page
    assert "1 unread notification." in page and "Mark all 1 read" in page


def test_mark_one_read_and_open_it(client, checker, claim):
    note = make(checker, url=claim.get_absolute_url())
    client.force_login(checker)
    response = client.post(reverse("notifications:read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == claim.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.get(reverse("notifications:read", args=[note.pk])).status_code == 405
    page = client.get(reverse("notifications:list")).content.decode()
    assert "No unread notifications." in page


def test_another_persons_notification_is_404_and_stays_unread(client, checker, checker2):
    theirs = make(checker2)
    client.force_login(checker)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_says_how_many(client, checker, checker2):
    for n in range(3):
        make(checker, n)
    other = make(checker2, 9)
    client.force_login(checker)
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "Marked 3 notifications read." in response.content.decode()
    assert not Notification.objects.filter(recipient=checker, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None
    again = client.post(reverse("notifications:read_all"), follow=True).content.decode()
    assert "every notification was read already" in again


def test_settings_page_saves_the_choice_and_refuses_nonsense(client, checker):
    client.force_login(checker)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert 'value="immediate" ' in page and "checked" in page
    response = client.post(reverse("notifications:settings"), {"email": "daily"}, follow=True)
    assert "Saved: one daily digest." in response.content.decode()
    assert NotificationSettings.objects.get(user=checker).email == EmailChoice.DAILY
    bad = client.post(reverse("notifications:settings"), {"email": "hourly"})
    assert bad.status_code == 400
    assert "“hourly” is not one of the choices" in bad.content.decode()
    assert NotificationSettings.objects.get(user=checker).email == EmailChoice.DAILY


def test_the_bell_counts_unread_and_costs_one_query(client, checker):
    client.force_login(checker)
    url = reverse("review:dashboard")
    client.get(url)  # warm what is cached per process

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        return html, [q["sql"] for q in ctx.captured_queries]

    html, before = queries()
    assert 'id="notification-bell"' in html and "none unread" in html
    for n in range(120):
        make(checker, n)
    html, after = queries()
    assert len(after) == len(before)
    assert sum("notifications_notification" in sql for sql in after) == 1
    assert "99+" in html and "more than 99 unread" in html
    Notification.objects.filter(pk__in=Notification.objects.order_by("pk")[2:].values("pk")).delete()
    html, _ = queries()
    assert '<span class="visually-hidden">Notifications: 2 unread</span>' in html


def test_no_bell_for_a_user_without_a_role(client, outsider):
    client.force_login(outsider)
    html = client.get(reverse("publishing:list")).content.decode()
    assert "notification-bell" not in html


def test_the_list_costs_the_same_queries_for_many(client, checker, django_assert_max_num_queries):
    for n in range(60):
        make(checker, n, excerpt="see @carl")
    client.force_login(checker)
    client.get(reverse("notifications:list"))
    with django_assert_max_num_queries(14):
        page = client.get(reverse("notifications:list")).content.decode()
    assert page.count('class="list-group-item notification') == 50


def test_comments_show_mentions_emphasised_and_escaped(client, reporter, checker):
    claim = ClaimFactory()
    claims.comment_add(claim=claim, body="<script>x()</script> @Carl look\n@nobody", actor=reporter)
    client.force_login(checker)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert '&lt;script&gt;x()&lt;/script&gt; <strong class="mention">@Carl</strong> look<br>@nobody' in page


def test_admin_lists_notifications_and_queues_a_failed_email_again(client, admin_user, checker):
    note = make(checker)
    Notification.objects.filter(pk=note.pk).update(email_state="failed", email_attempts=40, email_error="refused")
    client.force_login(admin_user)
    changelist = reverse("admin:notifications_notification_changelist")
    assert client.get(changelist, {"email_state": "failed"}).status_code == 200
    with_capture = client.post(changelist, {"action": "send_again", "_selected_action": [note.pk]}, follow=True)
    assert "1 email queued again." in with_capture.content.decode()
    note.refresh_from_db()
    assert note.email_state == "pending" and note.email_attempts == 0
    assert client.get(reverse("admin:notifications_notificationsettings_changelist")).status_code == 200


def test_marking_read_needs_the_csrf_token(checker):
    from django.test import Client

    note = make(checker)
    client = Client(enforce_csrf_checks=True)
    client.force_login(checker)
    assert client.post(reverse("notifications:read", args=[note.pk])).status_code == 403
    assert client.post(reverse("notifications:read_all")).status_code == 403
    note.refresh_from_db()
    assert note.read_at is None
