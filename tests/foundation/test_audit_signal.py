"""audit_committed fires once per audit event, only after commit, and a failing receiver
never undoes or breaks the editor's committed change."""

from __future__ import annotations

import pytest
from django.db import transaction

from factcheck.audit.models import AuditEvent
from factcheck.audit.services import audit_record
from factcheck.audit.signals import audit_committed


@pytest.fixture
def heard():
    events = []

    def receiver(sender, event, **kwargs):
        events.append(event)

    audit_committed.connect(receiver)
    yield events
    audit_committed.disconnect(receiver)


@pytest.mark.django_db(transaction=True)
def test_sent_after_commit_only(heard, article, editor):
    with transaction.atomic():
        event = audit_record(actor=editor, obj=article, action="edited")
        assert heard == []
    assert [e.pk for e in heard] == [event.pk]


@pytest.mark.django_db(transaction=True)
def test_not_sent_for_a_rolled_back_change(heard, article, editor):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=editor, obj=article, action="edited")
        raise RuntimeError("rolled back")
    assert heard == []
    assert not AuditEvent.objects.filter(action="edited").exists()


@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_is_logged_and_the_others_still_hear(heard, article, editor, caplog):
    def broken(sender, event, **kwargs):
        raise ValueError("receiver bug")

    audit_committed.connect(broken)
    try:
        with transaction.atomic():
            audit_record(actor=editor, obj=article, action="edited")
    finally:
        audit_committed.disconnect(broken)
    assert len(heard) == 1
    assert "receiver bug" in caplog.text
    assert AuditEvent.objects.filter(action="edited").count() == 1
