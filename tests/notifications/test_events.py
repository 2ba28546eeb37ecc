"""Each event that notifies, heard through the audit trail's audit_committed signal after the
change commits, through the claim services the pages call; never the actor's own action."""

from __future__ import annotations

import pytest
from django.db import transaction

from factcheck.audit.models import AuditEvent
from factcheck.claims import services as claims
from factcheck.notifications import services
from factcheck.notifications.models import EmailChoice, EmailState, Kind, Notification
from factcheck.notifications.selectors import claim_checkers

from ..factories import ClaimFactory

pytestmark = pytest.mark.django_db


def notes(user):
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def test_assignment_notifies_the_assignee_and_mails_them(
    checker, checker2, eager, mailoutbox, django_capture_on_commit_callbacks
):
    claim = ClaimFactory(text="Inflation doubled in a year.")
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_assign(claim=claim, assignee=checker2, actor=checker)
    [note] = notes(checker2)
    assert note.kind == Kind.ASSIGNED and note.actor == checker and note.claim == claim
    assert note.text == "carl assigned you the claim “Inflation doubled in a year.”"
    assert note.url == claim.get_absolute_url()
    assert notes(checker) == []
    [mail] = mailoutbox
    assert mail.to == ["chloe@newsroom.example"] and mail.subject == note.text
    assert mail.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "http://localhost:8000" + claim.get_absolute_url() in mail.body
    note.refresh_from_db()
    assert note.email_state == EmailState.SENT and note.email_sent_at is not None


def test_nothing_is_heard_before_commit_or_after_a_rollback(checker, checker2, django_capture_on_commit_callbacks):
    claim = ClaimFactory()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                claims.claim_assign(claim=claim, assignee=checker2, actor=checker)
                assert Notification.objects.count() == 0  # not before the commit
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert Notification.objects.count() == 0


def test_own_actions_notify_nobody(checker, django_capture_on_commit_callbacks, mailoutbox):
    claim = ClaimFactory()
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_assign(claim=claim, assignee=checker, actor=checker)
        claims.comment_add(claim=claim, body="Note to self, @carl: check the figures.", actor=checker)
    assert Notification.objects.count() == 0 and mailoutbox == []


def test_a_mention_notifies_the_people_named_and_no_one_else(
    reporter, checker, checker2, outsider, django_capture_on_commit_callbacks
):
    claim = ClaimFactory()
    body = "@CHLOE can you look? Mail carl@example.org, not @carl-bot; @nobody and @otto. <b>@rita</b>"
    with django_capture_on_commit_callbacks(execute=True):
        claims.comment_add(claim=claim, body=body, actor=reporter)
    [note] = Notification.objects.all()
    assert note.recipient == checker2 and note.kind == Kind.MENTIONED
    assert note.text.startswith("rita mentioned you in a comment on “")
    assert note.excerpt == body and note.url.endswith("#comments")


def test_a_mention_in_a_long_comment_is_found_past_the_audit_excerpt(
    reporter, checker, django_capture_on_commit_callbacks
):
    claim = ClaimFactory()
    body = "x " * 400 + "@carl"
    with django_capture_on_commit_callbacks(execute=True):
        claims.comment_add(claim=claim, body=body, actor=reporter)
    assert [n.recipient for n in Notification.objects.all()] == [checker]


def test_send_back_notifies_the_checker_and_assignee_and_anyone_mentioned(
    in_review, checker, checker2, reporter, editor, django_capture_on_commit_callbacks
):
    claims.claim_assign(claim=in_review, assignee=checker2, actor=editor)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_send_back(claim=in_review, actor=editor, comment="Source the 4%, @rita and @carl.")
    by_person = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert set(by_person) == {"carl", "chloe", "rita"}
    assert by_person["carl"].kind == Kind.SENT_BACK and by_person["chloe"].kind == Kind.SENT_BACK
    assert by_person["carl"].excerpt == "Source the 4%, @rita and @carl."
    assert by_person["rita"].kind == Kind.MENTIONED  # carl, mentioned too, is told once
    assert (
        by_person["carl"].text
        == "eddie sent your claim “Unemployment fell to 3% last year, the minister said.” back to draft"
    )


def test_approval_notifies_the_checker_not_the_approver(in_review, checker, editor, django_capture_on_commit_callbacks):
    claims.claim_assign(claim=in_review, assignee=editor, actor=checker)
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_approve(claim=in_review, actor=editor)
    [note] = notes(checker)
    assert note.kind == Kind.APPROVED and note.text.startswith("eddie approved your claim")
    assert notes(editor) == []  # the assignee approved it themself


def test_hearing_an_event_twice_notifies_once(checker, checker2, django_capture_on_commit_callbacks):
    claim = ClaimFactory()
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_assign(claim=claim, assignee=checker2, actor=checker)
    event = AuditEvent.objects.get(action="assign")
    services.notifications_from_audit(event=event)
    assert Notification.objects.count() == 1


def test_a_stale_assignment_event_does_not_notify_the_former_assignee(checker, checker2, editor):
    claim = ClaimFactory()
    claims.claim_assign(claim=claim, assignee=checker2, actor=checker)
    first = AuditEvent.objects.get(action="assign")
    claims.claim_assign(claim=claim, assignee=editor, actor=checker)
    assert services.notifications_from_audit(event=first) == []


def test_other_actions_notify_nobody(checker, django_capture_on_commit_callbacks):
    claim = ClaimFactory()
    with django_capture_on_commit_callbacks(execute=True):
        claims.evidence_add(claim=claim, url="https://example.org/x", title="", note="@carl", actor=checker)
        claims.claim_reject(claim=claim, actor=checker)
    assert AuditEvent.objects.count() == 2 and Notification.objects.count() == 0


def test_repeat_alert_entry_point_notifies_the_checkers_once(
    in_review, checker, checker2, editor, eager, mailoutbox, django_capture_on_commit_callbacks
):
    claims.claim_assign(claim=in_review, assignee=checker2, actor=editor)
    Notification.objects.all().delete()
    people = claim_checkers(in_review)
    assert people == [checker, checker2]
    text = "A claim you checked was said again by the minister in Example Times"
    for _ in range(2):  # the alert heard twice
        with django_capture_on_commit_callbacks(execute=True):
            services.notify_repeat_alert(alert_id=7, recipients=people, text=text, url="/alerts/7/", claim=in_review)
    rows = Notification.objects.order_by("recipient_id")
    assert [(n.recipient, n.kind, n.key, n.url) for n in rows] == [
        (checker, Kind.REPEAT_ALERT, "alert:7", "/alerts/7/"),
        (checker2, Kind.REPEAT_ALERT, "alert:7", "/alerts/7/"),
    ]
    assert sorted(mail.to[0] for mail in mailoutbox) == ["carl@newsroom.example", "chloe@newsroom.example"]
    assert mailoutbox[0].subject == text


def test_email_choice_none_keeps_it_in_the_app(
    checker, checker2, eager, mailoutbox, django_capture_on_commit_callbacks
):
    services.notification_settings_save(user=checker2, email=EmailChoice.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_assign(claim=ClaimFactory(), assignee=checker2, actor=checker)
    [note] = notes(checker2)
    assert note.email_state == EmailState.NONE and mailoutbox == []


def test_no_address_means_no_email(checker, checker2, eager, mailoutbox, django_capture_on_commit_callbacks):
    checker2.email = ""
    checker2.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_assign(claim=ClaimFactory(), assignee=checker2, actor=checker)
    assert notes(checker2)[0].email_state == EmailState.NONE and mailoutbox == []
