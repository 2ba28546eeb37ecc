"""Writes for webhooks: endpoints (created, changed, secret rotated, deleted, each audited),
events made from committed editorial changes, and deliveries (attempted, retried, replayed).

Deliveries never hold up the editor: the `audit_committed` receiver runs after the editor's
transaction committed, writes the event and its delivery rows only when an active endpoint
listens (one indexed query otherwise), and queues one Celery task per delivery. The body is
built and the request sent by the worker.

A delivery moves between states by one conditional UPDATE each (claim: pending or stale
sending -> sending; finish: sending with our attempt number -> delivered / pending / failed),
so two workers (or a worker restarted by the broker's redelivery) never send it twice at
once, and the unique (endpoint, event) constraint means an event is never queued twice.

Retention (`webhooks_prune`, daily from beat and `manage.py prune`): delivered deliveries older
than WEBHOOKS_RETENTION_DAYS go with their attempts, then old events left without a delivery.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import time
from collections.abc import Iterable
from typing import Any

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from factcheck.accounts.roles import Role, user_roles
from factcheck.audit.services import audit_record, diff_fields, snapshot
from factcheck.core.errors import ApplicationError, Conflict, NotAllowed
from factcheck.core.retention import delete_in_batches
from factcheck.sources import fetching
from factcheck.webhooks import events as event_types
from factcheck.webhooks.models import (
    TEST_EVENT,
    Attempt,
    Delivery,
    DeliveryState,
    Endpoint,
    Event,
    EventType,
)
from factcheck.webhooks.signing import HEADER, new_secret, signature_header

log = logging.getLogger(__name__)

ENDPOINT_FIELDS = ["url", "description", "events", "active"]


class WebhookError(ApplicationError):
    """A webhook action that cannot be done; the message is for the user."""


def may_manage_webhooks(user) -> bool:
    """Webhooks are the newsroom's administrators' (staff), as the admin site is."""
    return bool(user.is_authenticated and user.is_staff and Role.ADMIN in user_roles(user))


def _require_admin(actor, what: str) -> None:
    if not may_manage_webhooks(actor):
        raise NotAllowed(f"Only an administrator may {what}.")


def retry_schedule() -> list[int]:
    """Seconds to wait after each failed attempt; the delivery gives up after the last."""
    return list(settings.WEBHOOKS_RETRY_SCHEDULE)


def policy() -> fetching.Policy:
    """The sources fetcher's policy (its SSRF rules and its SOURCES_ALLOWED_TEST_HOSTS), with
    the webhook's own timeouts."""
    return dataclasses.replace(
        fetching.Policy.from_settings(),
        connect_timeout=settings.WEBHOOKS_CONNECT_TIMEOUT,
        read_timeout=settings.WEBHOOKS_READ_TIMEOUT,
        deadline=settings.WEBHOOKS_READ_TIMEOUT,
        max_redirects=0,
    )


def _clean_url(url: str) -> str:
    url = url.strip()
    try:
        fetching.check_url(url, policy())
    except fetching.FetchError as exc:
        raise WebhookError(exc.message, field="url") from None
    return url


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    unknown = [e for e in chosen if e not in EventType.values]
    if unknown:
        raise WebhookError(f"Unknown event type: {', '.join(unknown)}.", field="events")
    if not chosen:
        raise WebhookError("Choose at least one event.", field="events")
    return chosen


@dataclasses.dataclass
class NewSecret:
    endpoint: Endpoint
    secret: str  # shown once


@transaction.atomic
def endpoint_create(*, actor: Any, url: str, events: Iterable[str], description: str = "", active: bool = True):
    """A new endpoint with a new secret, returned once in NewSecret."""
    _require_admin(actor, "register webhook endpoints")
    endpoint = Endpoint.objects.create(
        url=_clean_url(url),
        description=description.strip(),
        events=_clean_events(events),
        active=active,
        secret=new_secret(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        obj=endpoint,
        action="webhook endpoint created",
        changes={name: [None, getattr(endpoint, name)] for name in ENDPOINT_FIELDS},
    )
    return NewSecret(endpoint, endpoint.secret)


@transaction.atomic
def endpoint_update(
    *, actor: Any, endpoint: Endpoint, url: str, events: Iterable[str], description: str, active: bool
) -> Endpoint:
    _require_admin(actor, "change webhook endpoints")
    current = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = snapshot(current, ENDPOINT_FIELDS)
    current.url = _clean_url(url) if url.strip() != current.url else current.url
    current.events = _clean_events(events)
    current.description = description.strip()
    current.active = active
    changes = diff_fields(current, before, ENDPOINT_FIELDS)
    if changes:
        current.save(update_fields=[*ENDPOINT_FIELDS, "updated_at"])
        audit_record(actor=actor, obj=current, action="webhook endpoint changed", changes=changes)
    return current


@transaction.atomic
def endpoint_rotate_secret(*, actor: Any, endpoint: Endpoint) -> NewSecret:
    """A new secret; the old one still signs (as a second v1=) for WEBHOOKS_OLD_SECRET_HOURS."""
    _require_admin(actor, "rotate webhook secrets")
    current = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    current.previous_secret = current.secret
    current.previous_secret_expires_at = timezone.now() + datetime.timedelta(hours=settings.WEBHOOKS_OLD_SECRET_HOURS)
    current.secret = new_secret()
    current.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    audit_record(actor=actor, obj=current, action="webhook secret rotated")
    return NewSecret(current, current.secret)


@transaction.atomic
def endpoint_delete(*, actor: Any, endpoint: Endpoint) -> None:
    _require_admin(actor, "delete webhook endpoints")
    audit_record(actor=actor, obj=endpoint, action="webhook endpoint deleted", changes={"url": [endpoint.url, None]})
    endpoint.delete()


def secrets_in_force(endpoint: Endpoint, now: datetime.datetime) -> list[str]:
    out = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now:
        out.append(endpoint.previous_secret)
    return out


# --- Events -------------------------------------------------------------------------------------


def on_audit_committed(sender, event, **kwargs) -> None:
    """The `audit_committed` receiver: quick when nobody listens, never raises into the
    editor's request (send_robust logs a failure)."""
    subjects = event_types.subjects_for(event)
    if not subjects:
        return
    endpoints = Endpoint.objects.listening_to([s.type for s in subjects])
    if not endpoints:
        return
    for subject in subjects:
        _event_record(
            event_id=event_types.event_id(source=f"audit{event.pk}", type=subject.type),
            type=subject.type,
            model=subject.model,
            object_id=subject.object_id,
            occurred_at=event.created_at,
            changes=event.changes or {},
            audit_event=event,
            endpoints=[e for e in endpoints if subject.type in e.events],
        )


def webhooks_articles_extracted(*, article_ids: list[int]) -> int:
    """article.extracted for each article whose extraction just committed (called by
    factcheck.extraction.store after commit). The event id carries the extraction's finish
    time, so a re-extraction is a new event and the same one is never two."""
    from factcheck.articles.models import Article

    endpoints = Endpoint.objects.listening_to([EventType.ARTICLE_EXTRACTED])
    if not endpoints or not article_ids:
        return 0
    made = 0
    for pk, finished in Article.objects.filter(pk__in=article_ids).values_list("pk", "extraction_finished_at"):
        stamp = int(finished.timestamp() * 1_000_000) if finished else 0
        made += _event_record(
            event_id=event_types.event_id(source=f"extraction{pk}x{stamp}", type=EventType.ARTICLE_EXTRACTED),
            type=EventType.ARTICLE_EXTRACTED,
            model="articles.article",
            object_id=pk,
            occurred_at=finished or timezone.now(),
            changes={},
            audit_event=None,
            endpoints=endpoints,
        )
    return made


def _event_record(*, event_id, type, model, object_id, occurred_at, changes, audit_event, endpoints) -> int:
    """Store the event (once: its id is unique) and one delivery per endpoint, then queue
    them after commit. Returns the deliveries made."""
    with transaction.atomic():
        event, _ = Event.objects.get_or_create(
            event_id=event_id,
            defaults={
                "type": type,
                "content_type": event_types.content_type_for(model),
                "object_id": object_id,
                "occurred_at": occurred_at,
                "changes": changes,
                "audit_event": audit_event,
            },
        )
        now = timezone.now()
        rows = [
            Delivery(endpoint_id=e.pk, event=event, next_attempt_at=now, state=DeliveryState.PENDING) for e in endpoints
        ]
        made = Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        ids = list(
            Delivery.objects.filter(event=event, endpoint_id__in=[e.pk for e in endpoints], attempts=0)
            .filter(state=DeliveryState.PENDING)
            .values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: _enqueue(ids))
    return len(made)


def _enqueue(delivery_ids: list[int], countdown: int = 0) -> None:
    from factcheck.webhooks.tasks import deliver_webhook

    for pk in delivery_ids:
        try:
            deliver_webhook.apply_async((pk,), countdown=countdown or None)
        except Exception:  # noqa: BLE001 - broker down: the beat sweep sends due deliveries
            log.warning("webhook delivery %s not queued; the sweep will send it", pk)


# --- Delivery -----------------------------------------------------------------------------------


def _claim(delivery_id: int, now: datetime.datetime) -> Delivery | None:
    """Take the delivery for one attempt, in one UPDATE; None if it is not due or another
    worker has it."""
    lease = now + datetime.timedelta(seconds=settings.WEBHOOKS_SENDING_LEASE_SECONDS)
    taken = (
        Delivery.objects.filter(pk=delivery_id)
        .due(now)
        .update(state=DeliveryState.SENDING, attempts=F("attempts") + 1, lease_until=lease, updated_at=now)
    )
    if not taken:
        return None
    return Delivery.objects.select_related("endpoint", "event", "event__content_type").get(pk=delivery_id)


def _frozen_body(event: Event) -> str:
    if event.body is None:
        body = event_types.body_for(event)
        Event.objects.filter(pk=event.pk, body__isnull=True).update(body=body)
        event.body = Event.objects.values_list("body", flat=True).get(pk=event.pk)
    return event.body


@dataclasses.dataclass
class Outcome:
    status_code: int | None = None
    excerpt: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _post(endpoint: Endpoint, event: Event, body: bytes, delivery: Delivery, now: datetime.datetime) -> Outcome:
    """POST the body to the endpoint, through the sources fetcher's SSRF check (the address
    checked is the address connected to), with timeouts and no redirects."""
    rules = policy()
    started = time.monotonic()
    outcome = Outcome()
    try:
        target = fetching.check_url(endpoint.url, rules)
        timestamp = int(now.timestamp())
        headers = {
            "Host": target.host_header(),
            "Content-Type": "application/json",
            "User-Agent": rules.user_agent,
            HEADER: signature_header(secrets_in_force(endpoint, now), timestamp, body),
            "Factcheck-Event-Id": event.event_id,
            "Factcheck-Event-Type": event.type,
            "Factcheck-Delivery": str(delivery.pk),
        }
        with fetching.Session(rules) as session:
            client = session.for_host(target.host)
            request = client.build_request(
                "POST",
                target.connect_url(),
                headers=headers,
                content=body,
                extensions={"sni_hostname": target.host} if target.scheme == "https" else {},
            )
            response = client.send(request, stream=True, follow_redirects=False)
            try:
                outcome.status_code = response.status_code
                cap = settings.WEBHOOKS_RESPONSE_EXCERPT_BYTES
                read = bytearray()
                for chunk in response.iter_bytes():
                    read += chunk
                    if len(read) >= cap or time.monotonic() - started > rules.deadline:
                        break
                outcome.excerpt = bytes(read[:cap]).decode("utf-8", "replace")
            finally:
                response.close()
        if 300 <= response.status_code < 400:
            outcome.error = f"HTTP {response.status_code}: a redirect, not followed (register the final address)."
        elif not outcome.ok:
            outcome.error = f"HTTP {response.status_code}."
    except fetching.FetchError as exc:
        outcome.error = exc.message
    except httpx.TimeoutException:
        outcome.error = (
            f"No answer within the timeout ({rules.connect_timeout:g} s to connect, {rules.read_timeout:g} s to read)."
        )
    except httpx.HTTPError as exc:
        outcome.error = f"Could not reach the endpoint: {str(exc)[:300] or type(exc).__name__}."
    outcome.duration_ms = int((time.monotonic() - started) * 1000)
    return outcome


def delivery_attempt(*, delivery_id: int, now: datetime.datetime | None = None) -> str:
    """One attempt of a delivery, if it is due: send, log the attempt, and move the delivery
    on (delivered; pending again after the next backoff; failed after the last). Returns the
    state it is left in, or "skipped". `now` is for tests (a fake clock)."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "skipped"
    endpoint, event = delivery.endpoint, delivery.event
    if not endpoint.active:
        Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
            state=DeliveryState.FAILED, attempts=F("attempts") - 1, next_attempt_at=None, lease_until=None
        )
        return DeliveryState.FAILED
    try:
        body = _frozen_body(event).encode()
    except Exception as exc:  # noqa: BLE001 - logged as the attempt's error, retried on the schedule
        log.exception("webhook event %s: the body could not be built", event.event_id)
        outcome = Outcome(error=f"The event's body could not be built ({type(exc).__name__}); retried later.")
    else:
        outcome = _post(endpoint, event, body, delivery, now)
    replay = Attempt.objects.filter(delivery=delivery).exists() and delivery.attempts == 1
    Attempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        started_at=now,
        duration_ms=outcome.duration_ms,
        status_code=outcome.status_code,
        response_excerpt=outcome.excerpt,
        error=outcome.error[:2000],
        replay=replay,
    )
    schedule = retry_schedule()
    if outcome.ok:
        state, fields = DeliveryState.DELIVERED, {"delivered_at": now, "next_attempt_at": None}
    elif delivery.attempts <= len(schedule):
        wait = schedule[delivery.attempts - 1]
        state, fields = DeliveryState.PENDING, {"next_attempt_at": now + datetime.timedelta(seconds=wait)}
    else:
        state, fields = DeliveryState.FAILED, {"next_attempt_at": None}
    finished = Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING, attempts=delivery.attempts).update(
        state=state, lease_until=None, last_status_code=outcome.status_code, updated_at=timezone.now(), **fields
    )
    if not finished:
        log.warning("webhook delivery %s: lease lost during attempt %s", delivery.pk, delivery.attempts)
    elif state == DeliveryState.PENDING and wait <= settings.WEBHOOKS_COUNTDOWN_MAX_SECONDS:
        # Short waits go to the broker with a countdown; longer ones (past the broker's
        # visibility timeout) are left to the beat sweep, which sends what is due.
        _enqueue([delivery.pk], countdown=wait)
    return state


def deliveries_send_due(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """The beat sweep: queue every delivery that is due (its retry time passed, or its
    worker died mid-attempt)."""
    now = now or timezone.now()
    ids = list(Delivery.objects.due(now).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    _enqueue(ids)
    return len(ids)


@transaction.atomic
def delivery_replay(*, actor: Any, delivery: Delivery) -> Delivery:
    """Send the same event (same id, same body) to the endpoint again, now: a new round of
    attempts with the full backoff. Audited."""
    _require_admin(actor, "replay webhook deliveries")
    now = timezone.now()
    replayed = (
        Delivery.objects.filter(pk=delivery.pk)
        .exclude(state=DeliveryState.SENDING)
        .update(state=DeliveryState.PENDING, attempts=0, next_attempt_at=now, lease_until=None, updated_at=now)
    )
    if not replayed:
        raise Conflict("This delivery is being sent right now; replay it once the attempt is logged.")
    audit_record(
        actor=actor,
        obj=delivery.endpoint,
        action="webhook delivery replayed",
        changes={"event": [None, delivery.event.event_id]},
    )
    transaction.on_commit(lambda: _enqueue([delivery.pk]))
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def endpoint_send_test(*, actor: Any, endpoint: Endpoint) -> Delivery:
    """A `webhook.test` event to this one endpoint (active or not)."""
    _require_admin(actor, "send test events")
    if not endpoint.active:
        raise WebhookError("This endpoint is switched off; switch it on to send it a test event.")
    now = timezone.now()
    event = Event.objects.create(
        event_id=event_types.event_id(source=f"test{endpoint.pk}x{int(now.timestamp() * 1_000_000)}", type=TEST_EVENT),
        type=TEST_EVENT,
        content_type=event_types.content_type_for("webhooks.endpoint"),
        object_id=endpoint.pk,
        occurred_at=now,
        changes={},
    )
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(endpoint=endpoint, event=event, next_attempt_at=now)
    except IntegrityError:
        raise WebhookError("A test event was just sent; wait a moment.") from None
    audit_record(actor=actor, obj=endpoint, action="webhook test sent", changes={"event": [None, event.event_id]})
    transaction.on_commit(lambda: _enqueue([delivery.pk]))
    return delivery


# --- Retention ----------------------------------------------------------------------------------


def _prunable_deliveries(cutoff: datetime.datetime):
    # Only what was delivered: pending, sending and failed (which an administrator may replay)
    # deliveries stay whatever their age.
    return Delivery.objects.filter(state=DeliveryState.DELIVERED, delivered_at__lt=cutoff)


def _prunable_events(cutoff: datetime.datetime):
    return Event.objects.filter(created_at__lt=cutoff).exclude(Exists(Delivery.objects.filter(event=OuterRef("pk"))))


def webhooks_prune(*, now: datetime.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete the webhook history older than WEBHOOKS_RETENTION_DAYS: deliveries delivered
    before then (with their attempts), then events older than that with no delivery left.
    In bounded batches, each its own short transaction (`core.retention`). `dry_run` counts
    what would go and deletes nothing. Idempotent: a second run finds nothing."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.WEBHOOKS_RETENTION_DAYS)
    if dry_run:
        deliveries = _prunable_deliveries(cutoff)
        # An event goes if it is old and every delivery it has would go now.
        kept = Delivery.objects.filter(event=OuterRef("pk")).exclude(pk__in=deliveries.values("pk"))
        return {
            "deliveries": deliveries.count(),
            "attempts": Attempt.objects.filter(delivery__in=deliveries.values("pk")).count(),
            "events": Event.objects.filter(created_at__lt=cutoff).exclude(Exists(kept)).count(),
        }
    batch = settings.RETENTION_BATCH_SIZE
    gone = delete_in_batches(_prunable_deliveries(cutoff), batch_size=batch)
    gone += delete_in_batches(_prunable_events(cutoff), batch_size=batch)
    counts = {
        "deliveries": gone["webhooks.Delivery"],
        "attempts": gone["webhooks.Attempt"],
        "events": gone["webhooks.Event"],
    }
    log.info("webhooks pruned (older than %s): %s", cutoff.isoformat(), counts)
    return counts
