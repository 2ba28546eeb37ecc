"""Events from the real editorial services, delivered signed to a real receiver on loopback,
retried on the backoff schedule (a fake clock: no sleeping), never twice."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time

import pytest
from django.utils import timezone

from factcheck.audit.models import AuditEvent
from factcheck.claims.services.workflow import (
    claim_approve,
    claim_correct,
    claim_label,
    claim_publish,
    claim_submit_for_review,
    comment_add,
)
from factcheck.extraction.engine.types import Extraction
from factcheck.extraction.store import candidates_store
from factcheck.linking.models import ClaimLink
from factcheck.linking.services import claim_link_create, link_confirm
from factcheck.webhooks import services
from factcheck.webhooks.models import Attempt, Delivery, DeliveryState, Endpoint, Event, EventType

from ..factories import ClaimFactory, ClaimLinkFactory, rating

pytestmark = pytest.mark.django_db


def verified(secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300) -> dict:
    """What a receiver does (README, "Webhooks"): recompute the HMAC of "<t>.<raw body>" with
    the secret, compare in constant time, refuse an old timestamp; then parse the JSON."""
    fields = dict(part.split("=", 1) for part in headers["factcheck-signature"].split(",") if part.startswith("t="))
    timestamp = fields["t"]
    signatures = [p[3:] for p in headers["factcheck-signature"].split(",") if p.startswith("v1=")]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert any(hmac.compare_digest(expected, s) for s in signatures), "signature does not verify"
    assert abs(time.time() - int(timestamp)) <= tolerance, "stale timestamp"
    return json.loads(body)


@pytest.fixture
def endpoint(receiver, admin_user) -> Endpoint:
    return services.endpoint_create(actor=admin_user, url=receiver.url, events=EventType.values).endpoint


def _run(callbacks, fn, *args, **kwargs):
    """A service call as an editor's request makes it, with its after-commit work run."""
    with callbacks(execute=True):
        return fn(*args, **kwargs)


def test_a_real_receiver_verifies_the_signature_and_gets_the_apis_object(
    receiver, endpoint, checker, claim, settings, django_capture_on_commit_callbacks, client
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    claim_label(
        claim=claim,
        verdict=rating("false"),
        summary="No.",
        explanation="The ministry says otherwise.",
        claimant_name=None,
        actor=checker,
        expected_version=None,
    )
    _run(django_capture_on_commit_callbacks, claim_submit_for_review, claim=claim, actor=checker)
    assert [r.headers["factcheck-event-type"] for r in receiver.received] == ["claim.submitted"]
    got = receiver.received[0]
    payload = verified(endpoint.secret, got.headers, got.body)
    assert payload["type"] == "claim.submitted"
    assert payload["id"] == got.headers["factcheck-event-id"]
    event = AuditEvent.objects.get(action="submit_for_review")
    assert payload["id"] == f"evt_audit{event.pk}_claim_submitted"
    # The object is the API's representation of the claim, field for field.
    client.force_login(checker)
    api = client.get(f"/api/v1/claims/{claim.pk}/").json()
    assert payload["data"]["object"] == api
    assert payload["links"]["api"] == api["url"] and payload["links"]["web"] == api["web_url"]
    # Another secret does not verify the same request.
    with pytest.raises(AssertionError, match="does not verify"):
        verified("whsec_someone-else", got.headers, got.body)


def test_fails_twice_then_succeeds_on_the_backoff_schedule(receiver, endpoint, editor, claim, settings):
    receiver.script = [500, 503]
    services.on_audit_committed(
        None,
        event=AuditEvent.objects.create(
            action="submit_for_review", content_type_id=_ct(claim), object_id=claim.pk, object_repr="c"
        ),
    )
    delivery = Delivery.objects.get()
    t0 = timezone.now()
    assert services.delivery_attempt(delivery_id=delivery.pk, now=t0) == DeliveryState.PENDING
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == t0 + datetime.timedelta(seconds=60)  # first wait: 1 min
    # Not due yet: nothing is sent.
    assert services.delivery_attempt(delivery_id=delivery.pk, now=t0 + datetime.timedelta(seconds=59)) == "skipped"
    t1 = t0 + datetime.timedelta(seconds=61)
    assert services.delivery_attempt(delivery_id=delivery.pk, now=t1) == DeliveryState.PENDING
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == t1 + datetime.timedelta(seconds=300)  # second wait: 5 min
    t2 = t1 + datetime.timedelta(seconds=300)
    assert services.delivery_attempt(delivery_id=delivery.pk, now=t2) == DeliveryState.DELIVERED
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    attempts = list(Attempt.objects.filter(delivery=delivery).order_by("number"))
    assert [a.status_code for a in attempts] == [500, 503, 200]
    assert attempts[0].error == "HTTP 500." and len(attempts[0].response_excerpt) == 1000  # capped
    assert all(a.duration_ms < 5000 for a in attempts)
    # The same event, the same bytes, each time; each signed with its own attempt's time.
    assert len({r.body for r in receiver.received}) == 1
    assert len({r.headers["factcheck-event-id"] for r in receiver.received}) == 1
    stamps = [int(r.headers["factcheck-signature"].split(",")[0][2:]) for r in receiver.received]
    assert stamps == [int(t.timestamp()) for t in (t0, t1, t2)]
    # Delivered: a late duplicate task (a worker restart, the sweep) sends nothing.
    assert services.delivery_attempt(delivery_id=delivery.pk, now=t2 + datetime.timedelta(hours=1)) == "skipped"
    assert len(receiver.received) == 3


def test_gives_up_after_the_last_wait(receiver, endpoint, claim, settings):
    settings.WEBHOOKS_RETRY_SCHEDULE = [60, 120]
    receiver.script = [500, 500, 500, 500]
    _submit_event(claim)
    delivery = Delivery.objects.get()
    now = timezone.now()
    states = []
    for _ in range(3):
        states.append(services.delivery_attempt(delivery_id=delivery.pk, now=now))
        now += datetime.timedelta(hours=1)
    assert states == ["pending", "pending", "failed"]
    assert services.delivery_attempt(delivery_id=delivery.pk, now=now) == "skipped"
    assert len(receiver.received) == 3


def test_a_redirect_is_not_followed_and_a_dead_endpoint_is_an_error(receiver, endpoint, claim, admin_user):
    receiver.script = [302]
    _submit_event(claim)
    delivery = Delivery.objects.get()
    assert services.delivery_attempt(delivery_id=delivery.pk) == "pending"
    assert "redirect, not followed" in Attempt.objects.get().error
    Endpoint.objects.filter(pk=endpoint.pk).update(url="http://127.0.0.1:9/closed")
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert services.delivery_attempt(delivery_id=delivery.pk) == "pending"
    last = Attempt.objects.order_by("-id").first()
    assert last.status_code is None and "Could not reach" in last.error


def _ct(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def _submit_event(claim) -> AuditEvent:
    event = AuditEvent.objects.create(
        action="submit_for_review", content_type_id=_ct(claim), object_id=claim.pk, object_repr="c"
    )
    services.on_audit_committed(None, event=event)
    return event


def test_one_event_one_delivery_per_endpoint_whatever_is_repeated(receiver, endpoint, claim, admin_user):
    event = _submit_event(claim)
    services.on_audit_committed(None, event=event)  # the signal heard twice
    assert Event.objects.count() == 1 and Delivery.objects.count() == 1
    other = services.endpoint_create(actor=admin_user, url=receiver.url + "/2", events=[EventType.CLAIM_SUBMITTED])
    services.on_audit_committed(None, event=event)  # a new endpoint gets its own delivery of the same event
    assert Event.objects.count() == 1
    assert sorted(Delivery.objects.values_list("endpoint_id", flat=True)) == sorted([endpoint.pk, other.endpoint.pk])
    # Two workers holding the same task: the first claims it, the second finds it taken.
    delivery = Delivery.objects.get(endpoint=endpoint)
    now = timezone.now()
    assert services._claim(delivery.pk, now) is not None
    assert services._claim(delivery.pk, now) is None
    # A worker that died mid-attempt: after the lease the sweep takes it again, same event id.
    later = now + datetime.timedelta(seconds=121)
    assert services.deliveries_send_due(now=later) >= 1
    assert services.delivery_attempt(delivery_id=delivery.pk, now=later) == "delivered"
    assert receiver.received[-1].headers["factcheck-event-id"] == Event.objects.get().event_id


def test_nobody_listening_costs_one_query_and_no_rows(claim, checker, django_assert_num_queries):
    event = AuditEvent.objects.create(
        action="submit_for_review", content_type_id=_ct(claim), object_id=claim.pk, object_repr="c"
    )
    with django_assert_num_queries(1):
        services.on_audit_committed(None, event=event)
    comment = AuditEvent.objects.create(action="comment", content_type_id=_ct(claim), object_id=claim.pk)
    with django_assert_num_queries(0):
        services.on_audit_committed(None, event=comment)
    assert not Event.objects.exists()


def test_each_event_type_from_the_real_services(
    receiver, endpoint, checker, editor, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    run = lambda fn, **kw: _run(django_capture_on_commit_callbacks, fn, **kw)  # noqa: E731
    claim = ClaimFactory(text="Unemployment fell to 3% last year.")
    label = {"summary": "No.", "explanation": "See the office.", "claimant_name": None, "expected_version": None}
    # article.extracted: extraction's store step (an empty extraction still finishes the article).
    extracted = ClaimFactory(text="An article of its own.").article  # its untouched candidate goes
    run(candidates_store, article_id=extracted.pk, extraction=Extraction([], [], []), version="test")
    run(claim_label, claim=claim, verdict=rating("false"), actor=checker, **label)
    run(claim_label, claim=claim, verdict=rating("false"), actor=checker, **{**label, "summary": "Still no."})
    run(claim_submit_for_review, claim=claim, actor=checker)
    run(claim_approve, claim=claim, actor=editor)
    run(claim_publish, claim=claim, actor=editor)
    run(
        claim_correct,
        claim=claim,
        verdict=rating("mostly-true"),
        summary="Close.",
        explanation="Revised figures.",
        reason="New data.",
        actor=editor,
        expected_version=None,
    )
    run(comment_add, claim=claim, body="Nice work.", actor=checker)
    other = ClaimFactory(text="Unemployment fell to three per cent.")
    run(claim_link_create, a=claim, b=other, relation="same", actor=checker)
    suggested = ClaimLinkFactory(a=ClaimFactory(text="A third claim."), b=ClaimFactory(text="A fourth claim."))
    run(link_confirm, link=suggested, actor=checker)
    types = [r.headers["factcheck-event-type"] for r in receiver.received]
    assert types == [
        "article.extracted",
        "claim.verdict_changed",  # the first label (none -> false); the summary-only edit is not one
        "claim.submitted",
        "factcheck.published",
        "claim.verdict_changed",  # the correction changed the verdict...
        "factcheck.corrected",  # ...and is a correction
        "link.confirmed",  # created confirmed: one event for the decision, not one per end
        "link.confirmed",
    ]
    bodies = [verified(endpoint.secret, r.headers, r.body) for r in receiver.received]
    assert bodies[0]["data"]["object"]["id"] == extracted.pk
    assert bodies[0]["data"]["extraction"]["state"] == "done"
    assert bodies[3]["data"]["object"]["claim_review"]["@type"] == "ClaimReview"
    assert bodies[3]["links"]["web"].endswith(claim.get_public_url())
    assert bodies[5]["data"]["changes"]["verdict"] == ["False", "Mostly true"]
    links = {b["data"]["object"]["id"] for b in bodies[6:]}
    assert links == set(ClaimLink.objects.filter(state="confirmed").values_list("pk", flat=True))
    assert all(d.state == "delivered" for d in Delivery.objects.all())


def test_an_endpoint_gets_only_the_events_it_chose(receiver, admin_user, checker, claim, settings):
    services.endpoint_create(actor=admin_user, url=receiver.url, events=[EventType.FACTCHECK_PUBLISHED])
    _submit_event(claim)
    assert not Delivery.objects.exists()


def test_replay_resends_the_same_event_and_is_audited(receiver, endpoint, claim, admin_user):
    _submit_event(claim)
    delivery = Delivery.objects.get()
    assert services.delivery_attempt(delivery_id=delivery.pk) == "delivered"
    services.delivery_replay(actor=admin_user, delivery=delivery)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 0)
    assert services.delivery_attempt(delivery_id=delivery.pk) == "delivered"
    assert len(receiver.received) == 2
    assert receiver.received[0].body == receiver.received[1].body
    assert Attempt.objects.filter(delivery=delivery, replay=True).count() == 1
    assert AuditEvent.objects.filter(action="webhook delivery replayed", object_id=endpoint.pk).exists()


def test_a_rotated_secret_signs_beside_the_old_one_for_a_day(receiver, endpoint, claim, admin_user):
    old = endpoint.secret
    new = services.endpoint_rotate_secret(actor=admin_user, endpoint=endpoint).secret
    assert new != old and new.startswith("whsec_")
    _submit_event(claim)
    services.delivery_attempt(delivery_id=Delivery.objects.get().pk)
    got = receiver.received[0]
    verified(new, got.headers, got.body)
    verified(old, got.headers, got.body)
    Endpoint.objects.update(previous_secret_expires_at=timezone.now())
    Delivery.objects.update(state="pending", next_attempt_at=timezone.now())
    services.delivery_attempt(delivery_id=Delivery.objects.get().pk)
    with pytest.raises(AssertionError, match="does not verify"):
        verified(old, receiver.received[1].headers, receiver.received[1].body)
