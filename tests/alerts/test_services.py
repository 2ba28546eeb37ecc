"""Repeat alerts: raised once per (new claim, checked claim) above the threshold, the signal after
commit, acknowledged by fact-checkers and editors only, with an audit event."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from factcheck.alerts import services, tasks
from factcheck.alerts.models import AlertState, RepeatAlert
from factcheck.alerts.signals import repeat_alert_raised
from factcheck.audit.models import AuditEvent
from factcheck.core.errors import Conflict, NotAllowed
from factcheck.linking.models import LinkState, Relation
from factcheck.linking.tasks import suggest_links
from tests.factories import ClaimFactory, ClaimLinkFactory

from .conftest import repeat_of

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 8, 20)


@pytest.fixture
def raised(django_capture_on_commit_callbacks):
    """The alerts the signal announced (after commit)."""
    heard = []

    def receiver(sender, alert, **kwargs):
        heard.append((sender, alert.pk))

    repeat_alert_raised.connect(receiver)
    yield heard
    repeat_alert_raised.disconnect(receiver)


def test_a_repeat_of_our_published_check_raises_one_alert_and_the_signal(
    published_check, person, raised, django_capture_on_commit_callbacks
):
    repeat = repeat_of(published_check, outlet="Globe", day=DAY, claimant=person)
    with django_capture_on_commit_callbacks(execute=True):
        alerts = services.repeat_alerts_raise(article_id=repeat.article_id)
    assert [(a.claim_id, a.checked_claim_id, a.state) for a in alerts] == [
        (repeat.pk, published_check.pk, AlertState.OPEN)
    ]
    assert alerts[0].probability == pytest.approx(0.8)
    assert raised == [(RepeatAlert, alerts[0].pk)]
    # Re-running (a re-delivered task, suggestions run again) raises nothing and says nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.repeat_alerts_raise(article_id=repeat.article_id) == []
    assert RepeatAlert.objects.count() == 1 and len(raised) == 1


def test_the_checker_of_the_earlier_claim_is_notified_once(
    published_check, person, checker, settings, django_capture_on_commit_callbacks
):
    from factcheck.notifications.models import Kind, Notification

    settings.CELERY_TASK_ALWAYS_EAGER = True  # the email task, if any, in this thread
    published_check.verdict_by = checker
    published_check.save(update_fields=["verdict_by"])
    repeat = repeat_of(published_check, outlet="Globe", day=DAY, claimant=person)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.repeat_alerts_raise(article_id=repeat.article_id)
    (note,) = Notification.objects.all()
    alert = RepeatAlert.objects.get()
    assert (note.recipient, note.kind, note.url) == (checker, Kind.REPEAT_ALERT, alert.get_absolute_url())
    assert note.text == "A claim you checked was said again by Jane Minister in Globe"


def test_the_database_refuses_a_duplicate_pair(published_check):
    repeat = repeat_of(published_check, outlet="Globe", day=DAY)
    services.repeat_alerts_raise(article_id=repeat.article_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        RepeatAlert.objects.create(claim=repeat, checked_claim=published_check, probability=0.9)


def test_an_imported_fact_check_counts_as_checked(imported_check):
    repeat = repeat_of(imported_check, outlet="Globe", day=DAY)
    assert [a.checked_claim_id for a in services.repeat_alerts_raise(article_id=repeat.article_id)] == [
        imported_check.pk
    ]


def test_the_threshold_is_the_newsrooms_setting(published_check, settings):
    settings.ALERTS_REPEAT_THRESHOLD = 0.85
    below = repeat_of(published_check, outlet="Globe", day=DAY, score=0.84)
    at = repeat_of(published_check, outlet="Herald", day=DAY, score=0.85)
    # An editor's confirmation counts whatever the score.
    confirmed = repeat_of(published_check, outlet="Post", day=DAY, score=0.3, state=LinkState.CONFIRMED)
    for claim in (below, at, confirmed):
        services.repeat_alerts_raise(article_id=claim.article_id)
    assert set(RepeatAlert.objects.values_list("claim_id", flat=True)) == {at.pk, confirmed.pk}


def test_no_alert_for_dismissed_or_unrelated_links_nor_unchecked_claims(published_check):
    dismissed = repeat_of(published_check, outlet="Globe", day=DAY, state=LinkState.DISMISSED)
    related = repeat_of(published_check, outlet="Herald", day=DAY, relation=Relation.RELATED, score=0.95)
    draft = ClaimFactory(labelled=True, text="Prices rose by 9 per cent in a year.")  # labelled, not published
    of_draft = ClaimFactory(text="Prices rose by 9 per cent in one year, he said.")
    ClaimLinkFactory(a=of_draft, b=draft, score=0.95)
    for claim in (dismissed, related, of_draft):
        assert services.repeat_alerts_raise(article_id=claim.article_id) == []
    # Nor from the checked side: our published claim's own article raises nothing.
    assert services.repeat_alerts_raise(article_id=published_check.article_id) == []


def test_the_sweep_raises_what_the_task_missed(published_check):
    repeat = repeat_of(published_check, outlet="Globe", day=DAY)
    since = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    assert [a.claim_id for a in services.repeat_alerts_sweep(since=since)] == [repeat.pk]
    assert services.repeat_alerts_sweep(since=since) == []


def test_link_suggestions_succeeding_raise_the_alerts_at_once(published_check, monkeypatch):
    repeat = repeat_of(published_check, outlet="Globe", day=DAY)
    queued = []
    monkeypatch.setattr(tasks.raise_repeat_alerts, "delay", queued.append)
    tasks.after_link_suggestions(sender=suggest_links, args=(repeat.article_id,), state="FAILURE")
    tasks.after_link_suggestions(sender=tasks.raise_repeat_alerts, args=(repeat.article_id,), state="SUCCESS")
    assert not RepeatAlert.objects.exists()
    tasks.after_link_suggestions(sender=suggest_links, args=(repeat.article_id,), state="SUCCESS")
    assert RepeatAlert.objects.get().claim_id == repeat.pk and queued == []


def test_if_raising_fails_the_task_takes_over(published_check, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.raise_repeat_alerts, "delay", queued.append)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(tasks.services, "repeat_alerts_raise", broken)
    tasks.after_link_suggestions(sender=suggest_links, kwargs={"article_id": 42}, state="SUCCESS")
    assert queued == [42]


def test_an_editor_confirming_a_link_queues_the_alert_task(
    published_check, checker, monkeypatch, django_capture_on_commit_callbacks
):
    from factcheck.linking.services import claim_link_create

    queued = []
    monkeypatch.setattr(tasks.raise_repeat_alerts, "delay", queued.append)
    claim = ClaimFactory(text="Unemployment is at 3.1 per cent, the lowest in ten years.")
    with django_capture_on_commit_callbacks(execute=True):
        claim_link_create(a=claim, b=published_check, relation=Relation.SAME, actor=checker)
    assert sorted(queued) == sorted([claim.article_id, published_check.article_id])
    # What the queued task does with them: the alert for the news claim, nothing for the check's own.
    assert [a.claim_id for a in services.repeat_alerts_raise(article_id=claim.article_id)] == [claim.pk]
    assert services.repeat_alerts_raise(article_id=published_check.article_id) == []


def test_acknowledge_records_who_and_is_audited(published_check, checker):
    repeat = repeat_of(published_check, outlet="Globe", day=DAY)
    (alert,) = services.repeat_alerts_raise(article_id=repeat.article_id)
    services.repeat_alert_acknowledge(alert=alert, actor=checker, note="Asked Globe to correct")
    alert.refresh_from_db()
    note = "Asked Globe to correct"
    assert (alert.state, alert.acknowledged_by, alert.note) == (AlertState.ACKNOWLEDGED, checker, note)
    event = AuditEvent.objects.get(action="acknowledge_alert")
    assert (event.actor, event.object_id, event.reason) == (checker, alert.pk, "Asked Globe to correct")
    with pytest.raises(Conflict, match="already acknowledged by carl"):
        services.repeat_alert_acknowledge(alert=alert, actor=checker)


def test_a_reporter_may_not_acknowledge(published_check, reporter, outsider):
    repeat = repeat_of(published_check, outlet="Globe", day=DAY)
    (alert,) = services.repeat_alerts_raise(article_id=repeat.article_id)
    for who in (reporter, outsider):
        with pytest.raises(NotAllowed):
            services.repeat_alert_acknowledge(alert=alert, actor=who)
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN and not AuditEvent.objects.filter(action="acknowledge_alert").exists()
